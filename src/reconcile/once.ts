/**
 * One reconcile of a record, shared by the Registrar and the AWS Lambda: read what the provider holds, plan,
 * apply with compare-and-swap, and on a ConflictError (someone changed the record since we read it) re-read,
 * re-plan and retry, a bounded number of times. Holds no state between runs.
 */
import { markerName } from '../records/marker.js';
import type { Plan } from '../plan/types.js';
import { canonicalName } from '../records/canonical.js';
import type { ConflictError, DnsProvider } from '../providers/types.js';
import type { RecordChange, RecordSet } from '../records/types.js';
import { applyWithRetries, CasExhaustedError } from '../providers/cas.js';
import type { BackoffPolicy } from '../time/backoff.js';
import type { Clock } from '../time/clock.js';

export interface ReconcileOnceOptions {
  /** The seed record name. */
  readonly name: string;
  readonly provider: DnsProvider;
  /** Plan from what the provider holds now (called again after every conflict). */
  readonly plan: (current: readonly RecordSet[]) => Plan;
  /** Plan only; apply nothing. */
  readonly dryRun?: boolean;
  /** Re-read and re-plan after a conflict at most this many times (0-99). Default 5. */
  readonly maxConflictRetries?: number;
  /** Pause before a retry. Default RECONCILE_CONFLICT_BACKOFF. */
  readonly backoff?: BackoffPolicy;
  /** Sleeps between attempts. Default systemClock. */
  readonly clock?: Clock;
  /** Told about each conflict that will be retried. */
  readonly onConflict?: (attempt: number, error: ConflictError) => void;
  /** With replicas: only the lease holder writes, and every write carries the lease (docs/replicas.md). */
  readonly fence?: ReconcileFence;
}

/** How a replica's writes are fenced: the lease is read with the record, and every batch is conditional on it. */
export interface ReconcileFence {
  /** Names read together with the record and its marker (the lease record); `plan` never sees them. */
  readonly names: readonly string[];
  /**
   * `changes` made conditional on the lease as read in `current`; throws (LeaseLostError) instead when this
   * writer no longer holds it. Called just before every apply that changes something.
   */
  guard(current: readonly RecordSet[], changes: readonly RecordChange[]): readonly RecordChange[];
}

/** 10 ms plus up to 40 ms × attempt: writers that collided spread apart, and a reconcile never waits long. */
export const RECONCILE_CONFLICT_BACKOFF: BackoffPolicy = Object.freeze({
  baseMs: 40,
  maxMs: 4000,
  jitter: 'full',
  growth: 'linear',
  floorMs: 10,
});

export interface ReconcileOnceResult {
  /** The last plan made (undefined only if the first read failed). */
  readonly plan: Plan | undefined;
  /** True when changes were applied. */
  readonly applied: boolean;
  readonly attempts: number;
  /** Set when the reconcile failed: a provider error, or conflicts beyond the retry budget (the last ConflictError). */
  readonly error?: unknown;
}

/** The A and AAAA values currently published at `name`. */
export function publishedAddresses(name: string, current: readonly RecordSet[]): Set<string> {
  const wanted = canonicalName(name);
  return new Set(
    current.filter((set) => set.type !== 'TXT' && canonicalName(set.name) === wanted).flatMap((set) => set.values),
  );
}

/** Never rejects: a failure is returned in `error` with the last plan and the attempts made. */
export async function reconcileOnce(options: ReconcileOnceOptions): Promise<ReconcileOnceResult> {
  const { name, provider, fence } = options;
  const fenceNames = new Set(fence?.names.map(canonicalName));
  let plan: Plan | undefined;
  // Every attempt after the first follows a conflict: the attempt number is one more than the last conflict's.
  let attempts = 1;
  try {
    const result = await applyWithRetries(
      provider,
      [name, markerName(name), ...(fence?.names ?? [])],
      (current) => {
        plan = options.plan(fence ? current.filter((set) => !fenceNames.has(canonicalName(set.name))) : current);
        const changes = options.dryRun === true || plan.refused ? [] : plan.changes;
        return fence && changes.length > 0 ? fence.guard(current, changes) : changes;
      },
      `updating ${name}`,
      {
        maxAttempts: 1 + (options.maxConflictRetries ?? 5),
        backoff: options.backoff ?? RECONCILE_CONFLICT_BACKOFF,
        ...(options.clock ? { clock: options.clock } : {}),
        onConflict: (attempt, error) => {
          attempts = attempt + 1;
          options.onConflict?.(attempt, error);
        },
      },
    );
    return { plan, applied: result.changes.length > 0, attempts: result.attempts };
  } catch (error) {
    // Conflicts beyond the budget report the last conflict itself, as the registrar's logs and metrics expect.
    if (error instanceof CasExhaustedError)
      return { plan, applied: false, attempts: error.attempts, error: error.cause };
    return { plan, applied: false, attempts, error };
  }
}
