/**
 * What every DNS provider (embedded, rfc2136, route53) implements, on the record model of src/records.
 * Providers canonicalise what they read (src/records/canonical.ts) so that a plan never flaps on formatting.
 */
import { SeedkeeperError, type SeedkeeperErrorOptions } from '../errors.js';
import type { ProviderLimits } from '../records/limits.js';
import type { RecordChange, RecordSet } from '../records/types.js';

export interface ApplyResult {
  /** Changes applied: all of them (apply() throws when any change was not applied; see DnsProvider.apply). */
  readonly applied: number;
}

/** What a provider declares about itself, so that callers never test its kind or its options. */
export interface ProviderCapabilities {
  /**
   * One record per member (Route 53 per-node): a changed A/AAAA set should carry `ids` ({address: member id})
   * so that the provider creates or deletes that member's own record only, never rewriting the others.
   */
  readonly recordPerMember: boolean;
}

export interface DnsProvider {
  /** `embedded`, `rfc2136`, `route53`. */
  readonly kind: string;
  /** What this provider can hold; DEFAULT_PROVIDER_LIMITS when absent. */
  readonly limits?: ProviderLimits;
  /** What it declares about itself; every capability is false when absent. */
  readonly capabilities?: ProviderCapabilities;
  /** The zone the provider may change (record names must be inside it). */
  readonly zone: string;
  /** Current A, AAAA and TXT sets at these names; absent sets are simply missing from the result. */
  read(names: readonly string[]): Promise<readonly RecordSet[]>;
  /**
   * Apply the changes; ConflictError when a precondition no longer holds.
   *
   * The contract (test/providers/contract/): embedded, rfc2136 and Route 53 `shared` apply a batch as one unit
   * (one zone transaction, one UPDATE message, one ChangeBatch) and compare each `update`/`delete` with the
   * whole set the plan saw, so a stale plan changes nothing. Route 53 `per-node` guarantees less, and says so
   * with `capabilities.recordPerMember`: it turns a change into per-member record creates and deletes, each
   * checked against that member's record only (a stale update whose members still match is applied, not
   * refused), and it sends them in batches that, when Route 53 refuses one, are split in halves and retried
   * (src/providers/route53/submit.ts), so one member's conflict does not hold back the others. A batch is
   * then not all-or-nothing: some member records (and the marker) may be applied while others are refused.
   * It still throws (ConflictError when every refusal was a conflict) whenever anything was not applied, so
   * the caller re-reads and re-plans; each member record on its own never loses another writer's change.
   */
  apply(changes: readonly RecordChange[]): Promise<ApplyResult>;
  close(): Promise<void>;
}

export class ProviderError extends SeedkeeperError {
  readonly provider: string;
  constructor(provider: string, code: string, message: string, options: SeedkeeperErrorOptions = {}) {
    super(code, `${provider}: ${message}`, options);
    this.provider = provider;
  }
}

/** The records changed since they were read: re-read, re-plan, retry. Not a failure of the writer. */
export class ConflictError extends ProviderError {
  constructor(provider: string, message: string, options: SeedkeeperErrorOptions = {}) {
    super(provider, 'ERR_CONFLICT', message, { labels: ['retryable'], ...options });
  }
}
