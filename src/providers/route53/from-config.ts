/**
 * A Route 53 provider from its config part. Loaded on demand by ../from-config.ts (it pulls in the AWS SDK);
 * the Lambda builds its options with route53Options too. Credentials come from the SDK's default chain:
 * environment, shared config, or the instance role through IMDSv2.
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import type { Route53ProviderConfig } from '../../config/provider-schema.js';
import type { Logger } from '../../log/logger.js';
import type { Route53ProviderOptions } from './options.js';
import { createRoute53Provider, type Route53Provider } from './provider.js';

/** What the config says, as provider options; `rest` adds or overrides (the Lambda's shared rate budget, clock). */
export function route53Options(
  config: Pick<
    Route53ProviderConfig,
    'hostedZoneId' | 'mode' | 'healthChecks' | 'waitForInsyncMs' | 'requestsPerSecond'
  >,
  context: { readonly client: Route53Client; readonly zone: string; readonly ownerId: string; readonly logger: Logger },
): Route53ProviderOptions {
  return {
    client: context.client,
    hostedZoneId: config.hostedZoneId,
    zone: context.zone,
    mode: config.mode,
    ...(config.healthChecks ? { healthChecks: { port: config.healthChecks.port, tagOwner: context.ownerId } } : {}),
    ...(config.waitForInsyncMs ? { waitForInsync: { timeoutMs: config.waitForInsyncMs } } : {}),
    rate: { requestsPerSecond: config.requestsPerSecond },
    logger: context.logger,
  };
}

export function createRoute53FromConfig(
  config: Route53ProviderConfig,
  context: { readonly zone: string; readonly ownerId: string; readonly logger: Logger },
): { readonly provider: Route53Provider; close(): Promise<void> } {
  // The SDK's own retries are off: the provider paces and retries every call against one shared budget.
  const client = new Route53Client({ region: config.region, maxAttempts: 1 });
  const provider = createRoute53Provider(
    route53Options(config, { ...context, client, logger: context.logger.child({ provider: 'route53' }) }),
  );
  return {
    provider,
    async close() {
      await provider.close();
      client.destroy();
    },
  };
}
