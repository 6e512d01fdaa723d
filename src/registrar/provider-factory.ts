/**
 * The configured DNS provider: the embedded server (started here, stopped on close) or an RFC 2136 primary
 * (TSIG key loaded here; the secret never reaches a log).
 */
import { createEmbeddedProvider } from '../providers/embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../providers/embedded/server.js';
import { loadTsigKey } from '../providers/rfc2136/key.js';
import { createRfc2136Provider } from '../providers/rfc2136/provider.js';
import type { DnsProvider } from '../providers/types.js';
import type { ProviderConfig } from './config-schema.js';
import type { Logger } from './logger.js';
import { splitHostPort } from './host-port.js';

export interface ProviderRuntime {
  readonly provider: DnsProvider;
  /** The embedded server, when that is the provider. */
  readonly dns: EmbeddedDnsServer | undefined;
  close(): Promise<void>;
}

export async function createProvider(config: ProviderConfig, zone: string, logger: Logger): Promise<ProviderRuntime> {
  if (config.type === 'embedded') {
    const listen = splitHostPort(config.listen, 'provider.listen');
    const dns = await startEmbeddedDnsServer({ zone, host: listen.host, port: listen.port });
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
  const key = config.key ? await loadTsigKey(config.key, { path: 'provider.key' }) : undefined;
  const provider = createRfc2136Provider({
    server: splitHostPort(config.server, 'provider.server'),
    zone,
    ...(key ? { key } : {}),
    allowUnsigned: config.allowUnsigned,
    timeoutMs: config.timeoutMs,
    logger: logger.child({ provider: 'rfc2136' }),
  });
  return { provider, dns: undefined, close: () => provider.close() };
}
