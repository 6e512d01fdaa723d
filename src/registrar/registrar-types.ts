/**
 * The registrar's contract: what it is given (options, a health view) and what it reports (outcomes, state,
 * events). Apart from the controller (registrar.ts) so the shapes can be read, and imported, on their own.
 */
import type { EndpointHealth, Endpoint, HealthTransition } from '../health/types.js';
import type { Logger } from '../log/logger.js';
import type { Plan, PlanPolicy } from '../plan/types.js';
import type { DnsProvider } from '../providers/types.js';
import type { ReconcileFence } from '../reconcile/once.js';
import type { Candidate, Source } from '../sources/types.js';
import type { BackoffPolicy } from '../time/backoff.js';
import type { Clock } from '../time/clock.js';
import type { RegistrarStateView, ReplicaStatusView } from '../web/registrar-view.js';
import type { RegistrarMetrics } from './metrics.js';
import type { OutageGuardOptions, OutagePhase } from './outage-guard.js';
import type { WriteNotVisible } from './write-check.js';

/** What the registrar needs from a health checker. */
export interface HealthView {
  setEndpoints(endpoints: readonly Endpoint[]): void;
  snapshot(): ReadonlyMap<string, EndpointHealth>;
  on(event: 'transition', listener: (transition: HealthTransition) => void): unknown;
  start(): void;
  stop(): Promise<void>;
}

export interface RegistrarOptions {
  /** The seed record name. */
  readonly name: string;
  readonly sources: readonly Source[];
  readonly health: HealthView;
  readonly provider: DnsProvider;
  readonly policy: PlanPolicy;
  /** Full reconcile period. */
  readonly intervalMs: number;
  /** Coalesce bursts of changes into one reconcile. */
  readonly debounceMs: number;
  readonly logger: Logger;
  readonly metrics: RegistrarMetrics;
  /** Re-read and re-plan after a compare-and-swap conflict, at most this many times. Default 5. */
  readonly maxConflictRetries?: number;
  /** Judges mass failures (fail open) and the recovery after them. */
  readonly outage: OutageGuardOptions;
  /** Pause before the next scheduled reconcile after failures in a row (equal jitter). Default DEFAULT_RETRY_BACKOFF. */
  readonly retry?: RetryBackoffOptions;
  /** Identical errors in a row: one summary line per this period after the first. Default 60 s. */
  readonly errorSummaryPeriodMs?: number;
  /** Time of retries, error summaries, write checks and conflict pauses (tests). Default systemClock. */
  readonly clock?: Clock;
  /** Jitter source for retries (tests). Default Math.random. */
  readonly random?: () => number;
  /** With replicas: only the lease holder plans and writes, fenced by the lease (src/registrar/leadership.ts). */
  readonly leadership?: {
    start(): void;
    isLeader(): boolean;
    status(): ReplicaStatusView;
    readonly fence: ReconcileFence;
  };
}

/** The first and largest pause of the registrar's retries after failed reconciles. */
export type RetryBackoffOptions = Pick<BackoffPolicy, 'baseMs' | 'maxMs'>;

export const DEFAULT_RETRY_BACKOFF: RetryBackoffOptions = Object.freeze({ baseMs: 1000, maxMs: 60_000 });

export interface ReconcileOutcome {
  readonly trigger: string;
  readonly plan: Plan;
  readonly applied: boolean;
  readonly attempts: number;
  readonly candidates: readonly Candidate[];
  readonly error?: unknown;
  /** Set when this reconcile's read did not show what the previous one wrote. */
  readonly writeNotVisible?: WriteNotVisible;
  /** Set when this replica did not hold the lease: it health-checked, planned nothing and wrote nothing. */
  readonly follower?: true;
}

/**
 * A read-only picture of the registrar, computed on demand, never cached: the status page's view of it
 * (src/web/registrar-view.ts), with the registrar's own types.
 */
export interface RegistrarState extends RegistrarStateView {
  readonly last: ReconcileOutcome | undefined;
  readonly outage: OutagePhase;
  readonly lastWriteNotVisible: WriteNotVisible | undefined;
  /** The last reconcile error survived (logged and retried), if the last reconcile failed. */
  readonly lastError: unknown;
}

export interface RegistrarEvents {
  reconciled: [ReconcileOutcome];
  transition: [HealthTransition];
  /** A configuration error before the first successful reconcile (bad credentials, wrong zone): the loop stopped. */
  fatal: [unknown];
}
