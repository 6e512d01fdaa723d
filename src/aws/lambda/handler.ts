/**
 * The Lambda handler for EventBridge: Auto Scaling launch/terminate (successful, and lifecycle actions), EC2
 * instance state changes, and a schedule (the periodic backup reconcile: Auto Scaling events are best
 * effort). Every event leads to one full reconcile of the seed record from the groups' current state, so
 * duplicated or reordered deliveries converge on the same record. Lifecycle actions are then completed with
 * CONTINUE (see lifecycle.ts). A reconcile (or a CompleteLifecycleAction) that fails makes the invocation
 * fail — after any lifecycle action was completed — so Lambda's retries and its Errors metric see it.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { ConfigError, describeError, SeedkeeperError } from '../../errors.js';
import { createLogger, type Logger } from '../../log/logger.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { loadLambdaConfig, type LambdaConfig } from './config.js';
import { classifyEvent, type ClassifiedEvent, type LifecycleAction } from './events.js';
import { completeLifecycleAction } from './lifecycle-api.js';
import { runLifecycleAction, type DrainState } from './lifecycle.js';
import { launchedInstance, reconcileUntilLaunched } from './launch-wait.js';
import { lifecycleVerdict, ownershipFromEnv } from './ownership.js';
import { createLambdaProvider } from './provider.js';
import { reconcileGroups, type GroupsReconcile } from './reconcile-groups.js';

/** The part of the Lambda context the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  readonly awsRequestId?: string;
}

export interface HandlerDeps {
  readonly route53: Route53Client;
  readonly autoScaling: AutoScalingClient;
  readonly ec2: EC2Client;
  /** The environment holding the SEEDKEEPER_* variables (process.env in Lambda). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Waits, deadlines and pacing (tests: a virtual clock). Default systemClock. */
  readonly clock?: Clock;
  /** Default: JSON lines on stdout at SEEDKEEPER_LOG_LEVEL. */
  readonly logger?: Logger;
}

export interface HandlerResult {
  readonly event: { readonly id: string; readonly detailType: string; readonly trigger: string };
  readonly record: string;
  readonly applied: boolean;
  readonly published: { readonly A: readonly string[]; readonly AAAA: readonly string[] } | undefined;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly lifecycle?: {
    readonly instanceId: string;
    readonly drain: DrainState;
    readonly waitedMs: number;
    readonly completion: string;
  };
}

export type Handler = (event: unknown, context?: LambdaContext) => Promise<HandlerResult>;

/** Fails the invocation after the lifecycle action (if any) was completed. */
export class ReconcileFailedError extends SeedkeeperError {
  constructor(record: string, cause: unknown) {
    super('ERR_RECONCILE', `updating ${record} failed: ${describeError(cause)}`, { cause, labels: ['retryable'] });
  }
}

/** CompleteLifecycleAction kept failing: the hook's timeout and default result will end the wait. */
export class LifecycleCompletionError extends SeedkeeperError {
  constructor(action: LifecycleAction) {
    super(
      'ERR_LIFECYCLE_COMPLETE',
      `CompleteLifecycleAction for ${action.instanceId} (group ${action.group}, hook ${action.hookName}) failed; the hook's heartbeat timeout will end the wait`,
      {
        labels: ['retryable'],
      },
    );
  }
}

const NO_CONTEXT: LambdaContext = { getRemainingTimeInMillis: () => 60_000 };

function summary(
  classified: ClassifiedEvent,
  config: LambdaConfig,
  result: GroupsReconcile,
): Omit<HandlerResult, 'lifecycle'> {
  return {
    event: { id: classified.id, detailType: classified.detailType, trigger: classified.trigger.kind },
    record: config.recordName,
    applied: result.applied,
    published: result.plan?.published,
    added: result.plan?.added ?? [],
    removed: result.plan?.removed ?? [],
  };
}

/**
 * A lifecycle event that cannot be served (bad configuration): release it only when it is provably ours —
 * our marker on the hook, one of our groups, both read from explicitly set, valid variables. Anything else
 * is left to its hook's heartbeat timeout and default result; completing another tool's action is worse.
 */
async function releaseWithoutConfig(
  deps: HandlerDeps,
  classified: ClassifiedEvent,
  logger: Logger,
  clock: Clock,
): Promise<void> {
  if (classified.trigger.kind !== 'lifecycle') return;
  const action: LifecycleAction = classified.trigger.action;
  const where = { group: action.group, instanceId: action.instanceId, hook: action.hookName };
  const ownership = ownershipFromEnv(deps.env);
  const verdict = ownership === undefined ? undefined : lifecycleVerdict(action, ownership);
  if (verdict !== 'ours') {
    logger.error(
      { ...where, verdict: verdict ?? 'unknown' },
      'configuration invalid and the lifecycle action is not provably ours: not completed (its hook times out)',
    );
    return;
  }
  logger.error(where, 'configuration invalid: completing our lifecycle action with CONTINUE without touching DNS');
  await completeLifecycleAction(deps.autoScaling, action, logger, clock);
}

export function createHandler(deps: HandlerDeps): Handler {
  const clock = deps.clock ?? systemClock;
  let config: LambdaConfig | undefined;
  let logger: Logger | undefined = deps.logger;

  return async (event, context = NO_CONTEXT) => {
    const classified = classifyEvent(event);
    const eventLog = {
      eventId: classified.id,
      detailType: classified.detailType,
      source: classified.source,
      trigger: classified.trigger.kind,
      requestId: context.awsRequestId,
    };
    try {
      config ??= loadLambdaConfig(deps.env);
    } catch (error) {
      const log = logger ?? createLogger('info');
      log.error(
        { ...eventLog, error: describeError(error), variable: error instanceof ConfigError ? error.path : undefined },
        'invalid configuration',
      );
      await releaseWithoutConfig(deps, classified, log, clock);
      throw error;
    }
    logger ??= createLogger(config.logLevel);
    const log = logger.child(eventLog);
    log.info({ record: config.recordName, groups: config.groups }, 'event received; reconciling');

    const route53 = createLambdaProvider(deps.route53, config, { clock, logger: log });
    const { provider } = route53;
    const base = { config, provider, autoScaling: deps.autoScaling, ec2: deps.ec2, clock, logger: log };
    const trigger = classified.trigger;
    try {
      // Ownership first, always (see ownership.ts).
      const verdict =
        trigger.kind === 'lifecycle'
          ? lifecycleVerdict(trigger.action, { ownerId: config.ownerId, groups: config.groups })
          : undefined;
      if (trigger.kind === 'lifecycle' && verdict === 'ours') {
        const lifecycleDeps = {
          ...base,
          remainingMs: () => context.getRemainingTimeInMillis(),
          lastChangeId: () => provider.lastChangeId,
          waitForInsync: (changeId: string, timeoutMs: number) => route53.waitForInsync(changeId, timeoutMs),
        };
        const outcome = await runLifecycleAction(lifecycleDeps, trigger.action, classified.time);
        if (outcome.reconcile.error !== undefined)
          throw new ReconcileFailedError(config.recordName, outcome.reconcile.error);
        if (outcome.completion === 'failed') throw new LifecycleCompletionError(trigger.action);
        const { instanceId } = trigger.action;
        return {
          ...summary(classified, config, outcome.reconcile),
          lifecycle: { instanceId, drain: outcome.drain, waitedMs: outcome.waitedMs, completion: outcome.completion },
        };
      }
      if (trigger.kind === 'lifecycle' && verdict === 'foreign-hook') {
        log.info(
          { group: trigger.action.group, hook: trigger.action.hookName },
          'lifecycle action of a hook that is not ours (NotificationMetadata is not our marker): not completed; reconciling only',
        );
      } else if (trigger.kind === 'lifecycle') {
        log.warn(
          { group: trigger.action.group },
          'lifecycle action for a group this function does not manage: not completed (check the EventBridge rule)',
        );
      } else if (trigger.kind === 'malformed-lifecycle') {
        log.error({ problem: trigger.problem }, 'lifecycle event cannot be completed; reconciling only');
      } else if (trigger.kind === 'activity' && trigger.group !== undefined && !config.groups.includes(trigger.group)) {
        log.info({ group: trigger.group }, 'event for another group; reconciling the configured groups anyway');
      }
      let result = await reconcileGroups(base);
      const launching = launchedInstance(trigger);
      if (launching !== undefined)
        result = await reconcileUntilLaunched(
          { ...base, remainingMs: () => context.getRemainingTimeInMillis() },
          launching,
          result,
        );
      if (result.error !== undefined) throw new ReconcileFailedError(config.recordName, result.error);
      return summary(classified, config, result);
    } finally {
      await provider.close();
    }
  };
}
