/**
 * Lifecycle actions. A terminate action removes the leaving instance from the record (even while Auto Scaling
 * still lists it InService), waits until clients can no longer be sent to it — Route 53 INSYNC, then one TTL
 * for resolvers' caches — and only then completes the action with CONTINUE, so the instance is not shut
 * down under clients that were just handed its address. Every wait is bounded by the hook's heartbeat
 * timeout (minus a margin; the event is `time`-stamped when the hook started waiting) and by the Lambda's
 * remaining time (minus a margin kept for CompleteLifecycleAction).
 *
 * A launch action reconciles and completes CONTINUE at once: the instance is Pending:Wait, not InService, so
 * it is normally not published yet. The `EC2 Instance Launch Successful` event (and the periodic reconcile)
 * adds it once it is InService.
 *
 * The action is always completed with CONTINUE, even when the record could not be updated: DNS must never
 * block a termination (or a launch) until the hook times out. The failure is logged as an error and returned.
 */
import { describeError } from '../../errors.js';
import type { LifecycleAction } from './events.js';
import { backoffDelay, type BackoffPolicy } from '../../time/backoff.js';
import { completeLifecycleAction, hookTimeoutMs, type CompletionResult } from './lifecycle-api.js';
import { reconcileGroups, type GroupsReconcile, type ReconcileDeps } from './reconcile-groups.js';

/** Kept free before the hook's heartbeat deadline. */
export const HOOK_MARGIN_MS = 10_000;
/** Kept free before the Lambda's own deadline, for CompleteLifecycleAction and logs. */
export const LAMBDA_MARGIN_MS = 5_000;
/**
 * When someone else removed the address (a concurrent invocation, the periodic reconcile), we do not know
 * their change id: wait as long as Route 53 says a change generally takes to be INSYNC, then the TTL.
 */
export const UNKNOWN_CHANGE_INSYNC_MS = 60_000;
/** Whole reconciles attempted (each with its own conflict retries) before giving up on the record. */
export const RECONCILE_ATTEMPTS = 3;
/** Pause after each failed whole reconcile: 1 s, then 2 s. */
export const RECONCILE_BACKOFF: BackoffPolicy = Object.freeze({
  baseMs: 1000,
  maxMs: 60_000,
  jitter: 'none',
  growth: 'linear',
});

export interface LifecycleDeps extends ReconcileDeps {
  /** Id of the provider's last accepted change batch. */
  readonly lastChangeId: () => string | undefined;
  /** Resolves when the change is INSYNC; rejects after `timeoutMs`. */
  readonly waitForInsync: (changeId: string, timeoutMs: number) => Promise<void>;
  /** The Lambda's remaining time (context.getRemainingTimeInMillis). */
  readonly remainingMs: () => number;
}

export type DrainState =
  /** We removed the address: waited for INSYNC and the TTL (as far as the deadline allowed). */
  | 'removed'
  /** The address was already gone (removed by another invocation or reconcile): waited 60 s + TTL, to be safe. */
  | 'already-absent'
  /** The plan kept the address (last instance: fail open; upsert-only; record not ours): nothing to wait for. */
  | 'still-published'
  /** Nothing to drain: a launch, an address never published, or the action is over. */
  | 'not-needed'
  /** The record could not be updated. */
  | 'failed';

export interface LifecycleOutcome {
  readonly action: LifecycleAction;
  readonly reconcile: GroupsReconcile;
  readonly drain: DrainState;
  /** Time spent waiting for INSYNC and the TTL. */
  readonly waitedMs: number;
  /** True when every wait ran in full; false when the deadline cut one short. */
  readonly waitedInFull: boolean;
  readonly completion: CompletionResult;
}

/** States in which Auto Scaling may still be waiting on this hook. */
const MAYBE_WAITING = new Set(['InService', 'Terminating:Wait', 'unknown']);

async function reconcileWithRetries(
  deps: LifecycleDeps,
  leaving: ReadonlySet<string>,
  deadline: number,
): Promise<GroupsReconcile> {
  let result = await reconcileGroups(deps, leaving);
  for (let attempt = 2; attempt <= RECONCILE_ATTEMPTS && result.error !== undefined; attempt++) {
    const pause = backoffDelay(attempt - 1, RECONCILE_BACKOFF);
    if (deps.clock.now() + pause >= deadline) break;
    await deps.clock.sleep(pause);
    result = await reconcileGroups(deps, leaving);
  }
  return result;
}

function drainStateOf(action: LifecycleAction, result: GroupsReconcile): DrainState {
  if (result.error !== undefined || !result.plan || !result.listing) return 'failed';
  if (action.transition === 'launch') return 'not-needed';
  const address = result.listing.leaving.find((l) => l.instanceId === action.instanceId)?.address;
  const state = result.listing.instances.find((i) => i.instanceId === action.instanceId)?.lifecycleState ?? 'unknown';
  if (!address) return 'not-needed';
  const { plan } = result;
  if ([...plan.published.A, ...plan.published.AAAA].includes(address)) return 'still-published';
  if (result.applied && plan.removed.includes(address)) return 'removed';
  return MAYBE_WAITING.has(state) ? 'already-absent' : 'not-needed';
}

export async function runLifecycleAction(
  deps: LifecycleDeps,
  action: LifecycleAction,
  eventTime?: number,
): Promise<LifecycleOutcome> {
  const { logger, clock } = deps;
  const now = (): number => clock.now();
  const start = now();
  const where = { group: action.group, instanceId: action.instanceId, transition: action.transition };
  let deadline = start + deps.remainingMs() - LAMBDA_MARGIN_MS;
  if (action.transition === 'terminate') {
    const hookMs = await hookTimeoutMs(deps.autoScaling, action, logger);
    if (hookMs !== undefined) deadline = Math.min(deadline, (eventTime ?? start) + hookMs - HOOK_MARGIN_MS);
  }
  const leaving = new Set(action.transition === 'terminate' ? [action.instanceId] : []);
  const reconcile = await reconcileWithRetries(deps, leaving, deadline);
  const drain = drainStateOf(action, reconcile);

  let waitedInFull = true;
  const waitStart = now();
  const bounded = async (ms: number): Promise<void> => {
    const budget = Math.max(0, Math.min(ms, deadline - now()));
    if (budget < ms) waitedInFull = false;
    if (budget > 0) await clock.sleep(budget);
  };
  if (drain === 'removed') {
    const changeId = deps.lastChangeId();
    const budget = deadline - now();
    if (changeId && budget > 0) {
      try {
        await deps.waitForInsync(changeId, budget);
        logger.info({ ...where, changeId }, 'the change is INSYNC');
      } catch (error) {
        waitedInFull = false;
        logger.warn({ ...where, changeId, error: describeError(error) }, 'stopped waiting for INSYNC');
      }
    } else if (changeId) {
      waitedInFull = false;
    }
    await bounded(deps.config.ttl * 1000);
  } else if (drain === 'already-absent') {
    await bounded(UNKNOWN_CHANGE_INSYNC_MS + deps.config.ttl * 1000);
  } else if (drain === 'still-published') {
    logger.warn(
      { ...where, record: deps.config.recordName },
      `the leaving instance ${action.instanceId} is still published (see the plan notes); completing the action anyway`,
    );
  } else if (drain === 'failed') {
    logger.error(
      { ...where, record: deps.config.recordName, error: describeError(reconcile.error) },
      `the record could not be updated; completing the ${action.transition} action with CONTINUE anyway`,
    );
  }
  const waitedMs = now() - waitStart;
  if (!waitedInFull)
    logger.warn({ ...where, waitedMs, deadlineInMs: deadline - now() }, 'the lifecycle deadline cut the wait short');

  const completion = await completeLifecycleAction(deps.autoScaling, action, logger, clock);
  return { action, reconcile, drain, waitedMs, waitedInFull, completion };
}
