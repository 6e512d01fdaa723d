/**
 * The official client's config, read the way the official client reads it, turned into seedkeeper seeds and
 * discovery options; and seedkeeper's direct node addresses turned back into the official client's hosts.
 */
import { readFileSync } from 'node:fs';
import type { ConfigOptions, Host } from 'aerospike';
import { ConfigError } from '../errors.js';
import type { NodeDescription } from '../discovery/description.js';
import type { DiscoveryOptions } from '../discovery/options.js';
import { DEFAULT_SERVICE_PORT, formatHostPort, formatHostTlsPort } from '../net/endpoint.js';

/** The official client's defaults for the settings the adapter reads. */
export const OFFICIAL_DEFAULTS = Object.freeze({ hosts: 'localhost', port: DEFAULT_SERVICE_PORT, connTimeoutMs: 1000 });

/** The config's hosts as seedkeeper seeds (`host[:tlsname]:port`); a hosts string is already that syntax. */
export function seedsFromConfig(config: ConfigOptions, env: NodeJS.ProcessEnv = process.env): string[] {
  const hosts = config.hosts ?? env.AEROSPIKE_HOSTS ?? OFFICIAL_DEFAULTS.hosts;
  const port = config.port ?? OFFICIAL_DEFAULTS.port;
  const seeds =
    typeof hosts === 'string'
      ? hosts
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : hosts.map((h: Host, i) => {
          if (typeof h?.addr !== 'string' || h.addr.length === 0)
            throw new ConfigError(`hosts[${i}].addr`, 'expected a host name or address');
          return formatHostTlsPort({ host: h.addr, port: h.port ?? port, tlsName: h.tlsname || undefined });
        });
  if (seeds.length === 0) throw new ConfigError('hosts', 'expected at least one seed host');
  return seeds;
}

function readTlsFile(path: string | undefined, key: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ConfigError(`tls.${key}`, `cannot read ${path}`, { cause });
  }
}

/** Whether the config turns TLS on (the official client: a `tls` object whose `enable` is not false). */
export function usesTls(config: ConfigOptions): boolean {
  return config.tls !== undefined && config.tls.enable !== false;
}

/** Discovery options equivalent to the config: cluster name, TLS files, internal-auth login, timeouts. */
export function discoveryOptionsFromConfig(config: ConfigOptions): DiscoveryOptions {
  const tls = usesTls(config) ? config.tls! : undefined;
  const ca = readTlsFile(tls?.cafile, 'cafile');
  const cert = readTlsFile(tls?.certfile, 'certfile');
  const key = readTlsFile(tls?.keyfile, 'keyfile');
  return {
    defaultPort: config.port ?? OFFICIAL_DEFAULTS.port,
    connectTimeoutMs: config.connTimeoutMs ?? OFFICIAL_DEFAULTS.connTimeoutMs,
    ...(config.clusterName ? { clusterName: config.clusterName } : {}),
    ...(config.useAlternateAccessAddress ? { useAlternateAccessAddress: true } : {}),
    ...(config.user ? { credentials: { user: config.user, password: config.password ?? '' } } : {}),
    ...(tls ? { tls: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) } } : {}),
  };
}

/** The reachable nodes' own addresses as the official client's `hosts` (with TLS names when TLS is on). */
export function officialHosts(nodes: readonly NodeDescription[], tls: boolean): Host[] {
  return nodes
    .filter((n) => n.reachable)
    .map((n) => ({ addr: n.address.host, port: n.address.port, ...(tls && n.tlsName ? { tlsname: n.tlsName } : {}) }));
}

/** `addr:port` of a host, IPv6 bracketed, as the official client's getNodes() prints addresses. */
export function hostKey(h: Host): string {
  return formatHostPort({ host: h.addr, port: h.port ?? OFFICIAL_DEFAULTS.port });
}
