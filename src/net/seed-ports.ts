/**
 * What clients will dial when a DNS name is their seed. A and AAAA records carry no port: a client given
 * only the name adds the default service port (3000). So members that differ only by port collapse into one
 * value, and members on another port are reached only if clients write `name:PORT`. Pure: members in,
 * advice out (plan, run and probe word it for their readers).
 */
import { isIP, isIPv4 } from 'node:net';
import { canonicalIp } from './ip.js';
import { DEFAULT_SERVICE_PORT, formatHostPort } from './endpoint.js';

export interface SeedMember {
  readonly address: string;
  readonly port: number;
}

export type PortAdviceCode = 'shared-ip' | 'non-default-port';

export interface PortAdvice {
  readonly code: PortAdviceCode;
  /** One sentence: what happens and what clients will dial. */
  readonly message: string;
}

function portList(ports: readonly number[]): string {
  return ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(', ')}`;
}

/**
 * Advice for a seed record `name` published from `members` (duplicates of one address:port count once).
 * Deterministic order: shared IPs by address, then the non-default-port advice.
 */
export function portAdvice(
  members: readonly SeedMember[],
  name: string,
  defaultPort: number = DEFAULT_SERVICE_PORT,
): PortAdvice[] {
  const byAddress = new Map<string, Set<number>>();
  for (const m of members) {
    const address = isIP(m.address) === 0 ? m.address : canonicalIp(m.address);
    const ports = byAddress.get(address) ?? new Set<number>();
    ports.add(m.port);
    byAddress.set(address, ports);
  }
  const advice: PortAdvice[] = [];
  for (const [address, portSet] of [...byAddress].sort(([a], [b]) => a.localeCompare(b))) {
    if (portSet.size < 2) continue;
    const ports = [...portSet].sort((a, b) => a - b);
    const family = isIPv4(address) ? 'A' : 'AAAA';
    advice.push({
      code: 'shared-ip',
      message:
        `${ports.length} members differ only by port (${ports.map((p) => formatHostPort({ host: address, port: p })).join(', ')}): they collapse into one ${family} value ${address}, ` +
        `and clients given ${name} will dial ${formatHostPort({ host: address, port: defaultPort })}`,
    });
  }
  const other = [...new Set(members.map((m) => m.port))].filter((p) => p !== defaultPort).sort((a, b) => a - b);
  if (other.length > 0) {
    const count = members.filter((m) => m.port !== defaultPort).length;
    const fix =
      other.length === 1 && !members.some((m) => m.port === defaultPort)
        ? `tell clients to seed with ${formatHostPort({ host: name, port: other[0]! })}`
        : `one name carries one port: put the nodes on one port and tell clients to seed with ${name}:PORT`;
    advice.push({
      code: 'non-default-port',
      message: `${count === 1 ? '1 member listens' : `${count} members listen`} on ${portList(other)}, not ${defaultPort}: A and AAAA records carry no port, so clients given only ${name} will dial port ${defaultPort}; ${fix}`,
    });
  }
  return advice;
}
