/**
 * The two Auto Scaling calls a lifecycle action needs: how long the hook waits (DescribeLifecycleHooks; the
 * event itself does not say), and CompleteLifecycleAction with CONTINUE, retried a few times on throttling
 * and treated as done when Auto Scaling no longer has the action (a duplicate delivery, or the hook timed out).
 */
import {
  CompleteLifecycleActionCommand,
  DescribeLifecycleHooksCommand,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { backoffDelay, type BackoffPolicy } from '../../time/backoff.js';
import type { Clock } from '../../time/clock.js';
import type { LifecycleAction } from './events.js';

/** Attempts at CompleteLifecycleAction before giving up (the hook's own timeout then applies). */
export const COMPLETE_ATTEMPTS = 4;
/** Pause after each throttled attempt: 400, 800, 1600 ms. */
export const COMPLETE_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 400, maxMs: 60_000, jitter: 'none' });

export type CompletionResult =
  /** Auto Scaling accepted CONTINUE. */
  | 'completed'
  /** Auto Scaling has no such action any more (completed by an earlier delivery, or timed out). */
  | 'not-active'
  /** Every attempt failed; the hook's timeout and default result will end the wait. */
  | 'failed';

/** The hook's heartbeat timeout in ms, or undefined when it cannot be read (then only the Lambda's time bounds waits). */
export async function hookTimeoutMs(
  client: AutoScalingClient,
  action: LifecycleAction,
  logger: Logger,
): Promise<number | undefined> {
  try {
    const out = await client.send(
      new DescribeLifecycleHooksCommand({ AutoScalingGroupName: action.group, LifecycleHookNames: [action.hookName] }),
    );
    const seconds = out.LifecycleHooks?.find((h) => h.LifecycleHookName === action.hookName)?.HeartbeatTimeout;
    if (typeof seconds === 'number' && seconds > 0) return seconds * 1000;
    logger.warn(
      { group: action.group, hook: action.hookName },
      'lifecycle hook not found or without a heartbeat timeout; waits are bounded by the Lambda timeout only',
    );
  } catch (error) {
    logger.warn(
      { group: action.group, hook: action.hookName, error: describeError(error) },
      'cannot read the lifecycle hook; waits are bounded by the Lambda timeout only',
    );
  }
  return undefined;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** "No active Lifecycle Action found with token ..." / "... with instance ID ...": nothing left to complete. */
function isNotActive(error: unknown): boolean {
  return (
    errorName(error) === 'ValidationError' &&
    /no active lifecycle action/i.test(error instanceof Error ? error.message : '')
  );
}

const RETRYABLE = new Set([
  'Throttling',
  'ThrottlingException',
  'ResourceContention',
  'ResourceContentionFault',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
]);

/** Complete the action with CONTINUE. Never rejects. */
export async function completeLifecycleAction(
  client: AutoScalingClient,
  action: LifecycleAction,
  logger: Logger,
  clock: Clock,
): Promise<CompletionResult> {
  const where = {
    group: action.group,
    hook: action.hookName,
    instanceId: action.instanceId,
    transition: action.transition,
  };
  for (let attempt = 1; attempt <= COMPLETE_ATTEMPTS; attempt++) {
    try {
      await client.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: action.group,
          LifecycleHookName: action.hookName,
          LifecycleActionToken: action.token,
          InstanceId: action.instanceId,
          LifecycleActionResult: 'CONTINUE',
        }),
      );
      logger.info({ ...where, result: 'CONTINUE' }, `lifecycle action of ${action.instanceId} completed with CONTINUE`);
      return 'completed';
    } catch (error) {
      if (isNotActive(error)) {
        logger.info(
          where,
          `lifecycle action of ${action.instanceId} is no longer active (already completed or timed out)`,
        );
        return 'not-active';
      }
      const retry = RETRYABLE.has(errorName(error)) && attempt < COMPLETE_ATTEMPTS;
      logger[retry ? 'warn' : 'error'](
        { ...where, attempt, error: describeError(error) },
        `CompleteLifecycleAction failed${retry ? '; retrying' : ''}`,
      );
      if (!retry) return 'failed';
      await clock.sleep(backoffDelay(attempt, COMPLETE_BACKOFF));
    }
  }
  return 'failed';
}
