/**
 * The Route 53 provider as the Lambda uses it: apply() does not wait for INSYNC (most events need no wait);
 * a terminate lifecycle action waits separately, with a timeout cut to what the hook and the Lambda have
 * left, through a second provider view that shares the same rate budget.
 */
import type { Route53Client } from '@aws-sdk/client-route-53';
import {
  createRoute53Provider,
  RateBudget,
  type Route53Provider,
  type Route53ProviderOptions,
} from '../../providers/route53/index.js';
import type { Logger } from '../../log/logger.js';
import { route53Options } from '../../providers/route53/from-config.js';
import type { Clock } from '../../time/clock.js';
import type { LambdaConfig } from './config.js';

/** GetChange poll period while waiting for INSYNC. */
export const INSYNC_POLL_MS = 2000;
/**
 * Conservative: half of Route 53's account refill rate (10/s, burst 50), shared with other tools. The
 * construct reserves one concurrent execution, so invocations do not each spend this budget at once.
 */
const REQUESTS_PER_SECOND = 5;

export interface LambdaProvider {
  readonly provider: Route53Provider;
  /** Resolves when `changeId` is INSYNC; rejects after `timeoutMs`. */
  waitForInsync(changeId: string, timeoutMs: number): Promise<void>;
}

export function createLambdaProvider(
  client: Route53Client,
  config: LambdaConfig,
  deps: { readonly clock: Clock; readonly logger: Logger },
): LambdaProvider {
  const fromConfig = {
    hostedZoneId: config.hostedZoneId,
    mode: config.mode,
    requestsPerSecond: REQUESTS_PER_SECOND,
    ...(config.healthChecks ? { healthChecks: { port: config.port } } : {}),
  };
  const options: Route53ProviderOptions = {
    ...route53Options(fromConfig, { client, zone: config.zone, ownerId: config.ownerId, logger: deps.logger }),
    rate: { budget: new RateBudget(REQUESTS_PER_SECOND, deps.clock) },
    clock: deps.clock,
  };
  return {
    provider: createRoute53Provider(options),
    waitForInsync: (changeId, timeoutMs) => {
      const bounded = Math.min(3_600_000, Math.max(1, Math.floor(timeoutMs)));
      return createRoute53Provider({
        ...options,
        waitForInsync: { timeoutMs: bounded, pollMs: INSYNC_POLL_MS },
      }).waitForInsync(changeId);
    },
  };
}
