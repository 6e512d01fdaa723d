/**
 * One reconcile of a record, shared by the Registrar and the AWS Lambda: read what the provider holds, plan,
 * apply with compare-and-swap, and on a ConflictError (someone changed the record since we read it) re-read,
 * re-plan and retry, a bounded number of times. Holds no state between runs.
 */
import { markerName } from '../records/marker.js';
import type { Plan } from '../plan/types.js';
import { canonicalName } from '../records/canonical.js';
import { ConflictError, type DnsProvider } from '../providers/types.js';
import type { RecordSet } from '../records/types.js';

export interface ReconcileOnceOptions {
  /** The seed record name. */
  readonly name: string;
  readonly provider: DnsProvider;
  /** Plan from what the provider holds now (called again after every conflict). */
  readonly plan: (current: readonly RecordSet[]) => Plan;
  /** Plan only; apply nothing. */
  readonly dryRun?: boolean;
  /** Re-read and re-plan after a conflict at most this many times. Default 5. */
  readonly maxConflictRetries?: number;
  /** Pause before a retry (default: real timers, 10-50 ms × attempt with jitter). */
  readonly backoff?: (attempt: number) => Promise<void>;
  /** Told about each conflict that will be retried. */
  readonly onConflict?: (attempt: number, error: ConflictError) => void;
}

export interface ReconcileOnceResult {
  /** The last plan made (undefined only if the first read failed). */
  readonly plan: Plan | undefined;
  /** True when changes were applied. */
  readonly applied: boolean;
  readonly attempts: number;
  /** Set when the reconcile failed: a provider error, or conflicts beyond the retry budget. */
  readonly error?: unknown;
}

/** The A and AAAA values currently published at `name`. */
export function publishedAddresses(name: string, current: readonly RecordSet[]): Set<string> {
  const wanted = canonicalName(name);
  return new Set(current.filter((set) => set.type !== 'TXT' && canonicalName(set.name) === wanted).flatMap((set) => set.values));
}

const defaultBackoff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));

/** Never rejects: a failure is returned in `error` with the last plan and the attempts made. */
export async function reconcileOnce(options: ReconcileOnceOptions): Promise<ReconcileOnceResult> {
  const { name, provider } = options;
  const maxAttempts = 1 + (options.maxConflictRetries ?? 5);
  const backoff = options.backoff ?? defaultBackoff;
  let plan: Plan | undefined;
  let attempt = 0;
  try {
    for (attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await provider.read([name, markerName(name)]);
      plan = options.plan(current);
      if (options.dryRun === true || plan.refused || plan.changes.length === 0) return { plan, applied: false, attempts: attempt };
      try {
        await provider.apply(plan.changes);
        return { plan, applied: true, attempts: attempt };
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt === maxAttempts) throw error;
        options.onConflict?.(attempt, error);
        await backoff(attempt);
      }
    }
    throw new Error('unreachable: the retry loop always returns or throws');
  } catch (error) {
    return { plan, applied: false, attempts: Math.min(attempt, maxAttempts), error };
  }
}
