/** The registrar's `provider: {type: embedded}` section mapped to server options (pure). */
import type { EmbeddedDnsServerOptions } from './server.js';

export interface EmbeddedConfigSection {
  readonly engine?: 'auto' | 'native' | 'node';
  readonly workers?: number | 'auto';
  readonly negativeTtl: number;
  readonly tcp: {
    readonly messageTimeoutMs: number;
    readonly idleTimeoutMs: number;
    readonly lifetimeMs: number;
    readonly maxConnections: number;
    readonly maxConnectionsPerSource: number;
  };
}

export function embeddedServerOptions(
  config: EmbeddedConfigSection,
  stateFile: string | undefined,
): Pick<EmbeddedDnsServerOptions, 'soa' | 'limits' | 'stateFile' | 'workers' | 'engine'> {
  return {
    ...(config.engine !== undefined ? { engine: config.engine } : {}),
    ...(config.workers !== undefined ? { workers: config.workers } : {}),
    // Negative answers carry min(SOA TTL, minimum); the SOA TTL follows so that the minimum is what counts.
    soa: { minimum: config.negativeTtl, ttl: Math.max(config.negativeTtl, 30) },
    limits: {
      tcpMessageTimeoutMs: config.tcp.messageTimeoutMs,
      tcpIdleTimeoutMs: config.tcp.idleTimeoutMs,
      tcpLifetimeMs: config.tcp.lifetimeMs,
      maxTcpConnections: config.tcp.maxConnections,
      maxTcpConnectionsPerSource: config.tcp.maxConnectionsPerSource,
    },
    ...(stateFile !== undefined ? { stateFile } : {}),
  };
}
