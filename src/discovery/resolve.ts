/**
 * Seed name resolution: every A and AAAA record, not just the first (the whole point of round-robin DNS
 * seeding). The resolver is injectable; explicit DNS servers bypass the system resolver.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { SeedkeeperError } from '../errors.js';

/** Returns every address of a host name, IPv4 first then IPv6, without duplicates. */
export type HostResolver = (host: string, signal?: AbortSignal) => Promise<readonly string[]>;

export class ResolveError extends SeedkeeperError {
  readonly host: string;
  constructor(host: string, message: string, cause?: unknown) {
    super('ERR_RESOLVE', `cannot resolve ${host}: ${message}`, { cause, labels: ['retryable'] });
    this.host = host;
  }
}

export interface ResolverOptions {
  /** DNS servers as `ip` or `ip:port`; when empty the system resolver (getaddrinfo, /etc/hosts) is used. */
  readonly servers?: readonly string[];
  /** Per-query timeout. Default 2000 ms. */
  readonly timeoutMs?: number;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Build a resolver: explicit servers query A and AAAA directly; otherwise the OS resolver returns all. */
export function createResolver(options: ResolverOptions = {}): HostResolver {
  const timeoutMs = options.timeoutMs ?? 2000;
  const servers = options.servers ?? [];
  if (servers.length === 0) {
    return async (host) => {
      if (isIP(host)) return [host];
      try {
        const all = await dns.lookup(host, { all: true, verbatim: true });
        const v4 = all.filter((a) => a.family === 4).map((a) => a.address);
        const v6 = all.filter((a) => a.family === 6).map((a) => a.address);
        return unique([...v4, ...v6]);
      } catch (error) {
        throw new ResolveError(host, (error as NodeJS.ErrnoException).code ?? String(error), error);
      }
    };
  }
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([...servers]);
  return async (host, signal) => {
    if (isIP(host)) return [host];
    const onAbort = (): void => resolver.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
      const addresses = [
        ...(v4.status === 'fulfilled' ? v4.value : []),
        ...(v6.status === 'fulfilled' ? v6.value : []),
      ];
      if (addresses.length > 0) return unique(addresses);
      const reason: unknown = v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : undefined;
      const code = (reason as NodeJS.ErrnoException | undefined)?.code ?? 'no A or AAAA records';
      throw new ResolveError(host, code, reason);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };
}
