/**
 * What every DNS provider (embedded, rfc2136, route53) implements, and the record model the plan works on.
 * Providers canonicalise what they read (see canonical.ts) so that a plan never flaps on formatting.
 */
import { SeedkeeperError, type SeedkeeperErrorOptions } from '../errors.js';

export type RecordType = 'A' | 'AAAA' | 'TXT';

export interface RecordSet {
  /** Fully qualified, lowercase, without the trailing dot. */
  readonly name: string;
  readonly type: RecordType;
  /** Seconds. */
  readonly ttl: number;
  /** A/AAAA: canonical IP text, sorted, no duplicates. TXT: each value is one TXT record's joined text. */
  readonly values: readonly string[];
  /**
   * A/AAAA only, optional: address (canonical IP text) -> the member's node or instance id, for providers
   * that keep one record per member (Route 53 per-node: the id becomes the SetIdentifier). Information
   * only: canonicalSet and sameSet ignore it, so it never makes two sets differ.
   */
  readonly ids?: Readonly<Record<string, string>>;
}

/**
 * One change. `update` and `delete` carry the set the plan saw (`before`, `set`): a provider applies the
 * change only if that is still exactly the current set (compare-and-swap), and `create` only if nothing
 * exists. Otherwise it applies nothing and throws ConflictError.
 */
export type RecordChange =
  | { readonly kind: 'create'; readonly set: RecordSet }
  | { readonly kind: 'update'; readonly before: RecordSet; readonly after: RecordSet }
  | { readonly kind: 'delete'; readonly set: RecordSet };

export interface ApplyResult {
  /** Changes applied (all of them: providers apply a batch atomically or not at all). */
  readonly applied: number;
}

/**
 * What one provider can hold. The plan respects these (publishing a stable subset, with a note and a metric)
 * so that no amount of healthy members can make a write fail; a provider never has to refuse a plan for size.
 */
export interface ProviderLimits {
  /** Most values one A or AAAA set may hold (Route 53: 400 in one record; 100 multivalue records per name). */
  readonly maxValuesPerSet: number;
  /** Most wire bytes one set may take in an answer. */
  readonly maxSetWireBytes: number;
  /** Most record changes in one atomic batch. */
  readonly maxChangesPerBatch: number;
}

/** Limits every DNS server and the wire can carry (validate.ts checks the same numbers). */
export const DEFAULT_PROVIDER_LIMITS: ProviderLimits = Object.freeze({
  maxValuesPerSet: 400,
  maxSetWireBytes: 16_000,
  maxChangesPerBatch: 1000,
});

export interface DnsProvider {
  /** `embedded`, `rfc2136`, `route53`. */
  readonly kind: string;
  /** What this provider can hold; DEFAULT_PROVIDER_LIMITS when absent. */
  readonly limits?: ProviderLimits;
  /** The zone the provider may change (record names must be inside it). */
  readonly zone: string;
  /** Current A, AAAA and TXT sets at these names; absent sets are simply missing from the result. */
  read(names: readonly string[]): Promise<readonly RecordSet[]>;
  /** Apply the changes as one unit; ConflictError when any precondition no longer holds. */
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
