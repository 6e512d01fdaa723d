/**
 * Launch events often arrive before the instance can be published: AWS's own sample "EC2 Instance Launch
 * Successful" event carries `StatusCode: InProgress`, and EC2's `running` state change comes while Auto
 * Scaling still says Pending. Rather than leave the new node out until the periodic reconcile (minutes), the
 * handler reconciles again a few times, shortly, while the named instance is still on its way in. Bounded
 * by a fixed schedule and by the Lambda's remaining time.
 */
import { DETAIL_TYPES, type Trigger } from './events.js';
import { reconcileGroups, type GroupsReconcile, type ReconcileDeps } from './reconcile-groups.js';

/** Pauses before each further reconcile: about a minute in all. */
export const LAUNCH_RETRY_DELAYS_MS = Object.freeze([10_000, 20_000, 30_000]);
/** Kept free before the Lambda's deadline. */
const MARGIN_MS = 15_000;

/** The instance a launch-type event names, if any: worth waiting for. */
export function launchedInstance(trigger: Trigger): string | undefined {
  if (trigger.kind === 'activity' && trigger.detailType === DETAIL_TYPES.launchSuccessful) return trigger.instanceId;
  if (trigger.kind === 'ec2-state' && (trigger.state === 'pending' || trigger.state === 'running'))
    return trigger.instanceId;
  return undefined;
}

/** True while the instance is on its way in: Pending in its group, or InService but not yet running in EC2. */
export function stillLaunching(result: GroupsReconcile, instanceId: string): boolean {
  const listing = result.listing;
  if (result.error !== undefined || listing === undefined) return false;
  if (listing.candidates.some((c) => c.id === instanceId)) return false;
  const state = listing.instances.find((i) => i.instanceId === instanceId)?.lifecycleState;
  if (state === undefined) return false; // gone (a late event for a terminated instance): nothing to wait for
  if (state.startsWith('Pending')) return true;
  const skipped = listing.skipped.find((s) => s.instanceId === instanceId)?.reason ?? '';
  return /^EC2 state pending|^not returned by DescribeInstances/.test(skipped);
}

export interface LaunchWaitDeps extends ReconcileDeps {
  /** The Lambda's remaining time. */
  readonly remainingMs: () => number;
}

/** Reconciles again, on the schedule, while `instanceId` is still launching; returns the last result. */
export async function reconcileUntilLaunched(
  deps: LaunchWaitDeps,
  instanceId: string,
  first: GroupsReconcile,
): Promise<GroupsReconcile> {
  let result = first;
  const deadline = deps.clock.now() + deps.remainingMs() - MARGIN_MS;
  for (const delay of LAUNCH_RETRY_DELAYS_MS) {
    if (!stillLaunching(result, instanceId)) return result;
    if (deps.clock.now() + delay >= deadline) break;
    deps.logger.info(
      { instanceId, retryInMs: delay },
      `instance ${instanceId} is still launching; reconciling again shortly`,
    );
    await deps.clock.sleep(delay);
    result = await reconcileGroups(deps);
  }
  if (stillLaunching(result, instanceId))
    deps.logger.info(
      { instanceId },
      `instance ${instanceId} is still launching; the next event or the periodic reconcile adds it`,
    );
  return result;
}
