/**
 * The DNS provider a config file describes, for the registrar (any of the three) and the agent (rfc2136 or
 * route53 as its target): the embedded server (started here, stopped on close), an RFC 2136 primary (TSIG
 * key loaded here; the secret never reaches a log), or Route 53. The Route 53 part, and with it the AWS SDK,
 * is imported only when a route53 provider is configured, so that every other `seedkeeper run` and the agent
 * start without loading `@aws-sdk/*`.
 */
import { homedir } from 'node:os';
import type { ProviderConfig } from '../config/provider-schema.js';
import { parseListenAddress } from '../net/endpoint.js';
import type { Logger } from '../log/logger.js';
import { embeddedServerOptions } from './embedded/config.js';
import { createEmbeddedProvider } from './embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from './embedded/server.js';
import { defaultZoneStateFile } from './embedded/state-file.js';
import { loadTsigKey } from './rfc2136/key.js';
import { createRfc2136Provider } from './rfc2136/provider.js';
import type { DnsProvider } from './types.js';

export interface ProviderContext {
  /** The zone the provider may change. */
  readonly zone: string;
  /** The deployment's owner id (Route 53 health checks are tagged with it). */
  readonly ownerId: string;
  readonly logger: Logger;
  /** Where the provider sits in the config file, for error messages: `provider` (registrar) or `target` (agent). */
  readonly configPath?: string;
  /** Environment for TSIG secrets and the embedded state directory. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ProviderRuntime {
  readonly provider: DnsProvider;
  /** The embedded server, when that is the provider. */
  readonly dns: EmbeddedDnsServer | undefined;
  /** Closes the provider and whatever was started for it (the embedded server, the AWS SDK client). */
  close(): Promise<void>;
}

export async function createProviderFromConfig(
  config: ProviderConfig,
  context: ProviderContext,
): Promise<ProviderRuntime> {
  const { zone, logger } = context;
  const at = context.configPath ?? 'provider';
  const env = context.env ?? process.env;
  if (config.type === 'embedded') {
    const listen = parseListenAddress(config.listen, `${at}.listen`);
    const stateFile =
      config.stateFile === 'off'
        ? undefined
        : (config.stateFile ?? defaultZoneStateFile(zone, listen.port, env, homedir()));
    const dns = await startEmbeddedDnsServer({
      zone,
      host: listen.host,
      port: listen.port,
      ...embeddedServerOptions(config, stateFile),
      logger: logger.child({ provider: 'embedded' }),
    });
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
    const { createRoute53FromConfig } = await import('./route53/from-config.js');
    return { ...createRoute53FromConfig(config, context), dns: undefined };
  }
  const key = config.key ? await loadTsigKey(config.key, { path: `${at}.key`, env }) : undefined;
  const provider = createRfc2136Provider({
    server: parseListenAddress(config.server, `${at}.server`),
    zone,
    ...(key ? { key } : {}),
    allowUnsigned: config.allowUnsigned,
    timeoutMs: config.timeoutMs,
    maxRecordsPerSet: config.maxRecordsPerSet,
    logger: logger.child({ provider: 'rfc2136' }),
  });
  return { provider, dns: undefined, close: () => provider.close() };
}
