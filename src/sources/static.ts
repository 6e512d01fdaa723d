/**
 * `static` source: a fixed list of addresses and/or CIDR pools ("a small subnet with spare IPs"): every
 * address is a candidate and health alone decides who is published.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { checkNodeAddress, type AddressPolicy } from '../net/address-policy.js';
import type { Candidate, Source } from './types.js';
import { DEFAULT_SERVICE_PORT } from '../net/endpoint.js';

/** Largest pool a static source expands (a /20 of IPv4). */
export const MAX_STATIC_CANDIDATES = 4096;

export interface StaticSourceOptions {
  readonly addresses?: readonly string[];
  /** CIDR blocks; the network and broadcast addresses of IPv4 blocks up to /30 are skipped. */
  readonly cidrs?: readonly string[];
  /** Service port of every candidate. Default 3000. */
  readonly port?: number;
  /** Accept loopback addresses and pools (tests and the demo). Default false. */
  readonly allowLoopback?: boolean;
}

function expandCidr(cidr: string, path: string, limit: number): string[] {
  const [ip, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  if (!ip || isIP(ip) !== 4 || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    throw new ConfigError(path, `expected an IPv4 CIDR block like 10.0.1.0/28, got ${JSON.stringify(cidr)}`);
  }
  const size = 2 ** (32 - prefix);
  if (size > limit)
    throw new ConfigError(
      path,
      `${cidr} holds ${size} addresses; at most ${MAX_STATIC_CANDIDATES} candidates are allowed`,
    );
  const base = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) & ~(size - 1);
  const skipEnds = prefix <= 30;
  const out: string[] = [];
  for (let i = skipEnds ? 1 : 0; i < (skipEnds ? size - 1 : size); i++) {
    const v = (base >>> 0) + i;
    out.push([24, 16, 8, 0].map((s) => String(Math.floor(v / 2 ** s) % 256)).join('.'));
  }
  return out;
}

/** The address as the policy normalises it; ConfigError naming the path, the address and the reason otherwise. */
function admitted(address: string, path: string, policy: AddressPolicy): string {
  const verdict = checkNodeAddress(address, policy);
  if (!verdict.ok)
    throw new ConfigError(path, `${verdict.reason}; a node address must be a unicast address clients can dial`);
  return verdict.address;
}

export function staticCandidates(options: StaticSourceOptions, path = 'sources[static]'): Candidate[] {
  const port = options.port ?? DEFAULT_SERVICE_PORT;
  const policy = { allowLoopback: options.allowLoopback === true };
  const addresses = new Set<string>();
  (options.addresses ?? []).forEach((address, i) =>
    addresses.add(admitted(address, `${path}.addresses[${i}]`, policy)),
  );
  (options.cidrs ?? []).forEach((cidr, i) => {
    const where = `${path}.cidrs[${i}]`;
    for (const address of expandCidr(cidr, where, MAX_STATIC_CANDIDATES - addresses.size))
      addresses.add(admitted(address, `${where} (${cidr})`, policy));
  });
  if (addresses.size > MAX_STATIC_CANDIDATES)
    throw new ConfigError(path, `more than ${MAX_STATIC_CANDIDATES} candidates`);
  return [...addresses].map((address) => ({ address, port, source: 'static' }));
}

export function createStaticSource(options: StaticSourceOptions, path?: string): Source {
  const candidates = Object.freeze(staticCandidates(options, path));
  return {
    kind: 'static',
    start: () => Promise.resolve(),
    candidates: () => candidates,
    close: () => Promise.resolve(),
  };
}
