/**
 * What every DNS provider (embedded, rfc2136, route53) implements, on the record model of src/records.
 * Providers canonicalise what they read (src/records/canonical.ts) so that a plan never flaps on formatting.
 */
import { SeedkeeperError, type SeedkeeperErrorOptions } from '../errors.js';
import type { ProviderLimits } from '../records/limits.js';
import type { RecordChange, RecordSet } from '../records/types.js';

export interface ApplyResult {
  /** Changes applied (all of them: providers apply a batch atomically or not at all). */
  readonly applied: number;
}

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
