/**
 * The configured DNS provider: the embedded server (started here, stopped on close), an RFC 2136 primary
 * (TSIG key loaded here; the secret never reaches a log), or Route 53 (credentials from the AWS SDK's default
 * chain: environment, shared config, or the instance role through IMDSv2).
 */
import { createEmbeddedProvider } from '../providers/embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../providers/embedded/server.js';
import { embeddedServerOptions } from '../providers/embedded/config.js';
import { defaultZoneStateFile } from '../providers/embedded/state-file.js';
import { homedir } from 'node:os';
import { Route53Client } from '@aws-sdk/client-route-53';
import { loadTsigKey } from '../providers/rfc2136/key.js';
import { createRoute53Provider } from '../providers/route53/index.js';
import { createRfc2136Provider } from '../providers/rfc2136/provider.js';
import type { DnsProvider } from '../providers/types.js';
import type { ProviderConfig } from '../config/provider-schema.js';
import type { Logger } from '../log/logger.js';
import { splitHostPort } from '../config/host-port.js';

export interface ProviderRuntime {
  readonly provider: DnsProvider;
  /** The embedded server, when that is the provider. */
  readonly dns: EmbeddedDnsServer | undefined;
  close(): Promise<void>;
}

export async function createProvider(config: ProviderConfig, zone: string, ownerId: string, logger: Logger): Promise<ProviderRuntime> {
  if (config.type === 'embedded') {
    const listen = splitHostPort(config.listen, 'provider.listen');
    const stateFile = config.stateFile === 'off' ? undefined : (config.stateFile ?? defaultZoneStateFile(zone, listen.port, process.env, homedir()));
    const dns = await startEmbeddedDnsServer({ zone, host: listen.host, port: listen.port, ...embeddedServerOptions(config, stateFile), logger: logger.child({ provider: 'embedded' }) });
    const provider = createEmbeddedProvider(dns);
    return {
      provider,
      dns,
      async close() {
        await provider.close();
        await dns.stop();
      },
    };
  }
  if (config.type === 'route53') {
    // The SDK's own retries are off: the provider paces and retries every call against one shared budget.
    const client = new Route53Client({ region: config.region, maxAttempts: 1 });
    const provider = createRoute53Provider({
      client,
      hostedZoneId: config.hostedZoneId,
      zone,
      mode: config.mode,
      ...(config.healthChecks ? { healthChecks: { port: config.healthChecks.port, tagOwner: ownerId } } : {}),
      ...(config.waitForInsyncMs ? { waitForInsync: { timeoutMs: config.waitForInsyncMs } } : {}),
      rate: { requestsPerSecond: config.requestsPerSecond },
      logger: logger.child({ provider: 'route53' }),
    });
    return {
      provider,
      dns: undefined,
      async close() {
        await provider.close();
        client.destroy();
      },
    };
  }
  const key = config.key ? await loadTsigKey(config.key, { path: 'provider.key' }) : undefined;
  const provider = createRfc2136Provider({
    server: splitHostPort(config.server, 'provider.server'),
    zone,
    ...(key ? { key } : {}),
    allowUnsigned: config.allowUnsigned,
    timeoutMs: config.timeoutMs,
    maxRecordsPerSet: config.maxRecordsPerSet,
    logger: logger.child({ provider: 'rfc2136' }),
  });
  return { provider, dns: undefined, close: () => provider.close() };
}
