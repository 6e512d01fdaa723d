/**
 * The one address policy for every place a node address enters the registration side (agent API, static
 * source, agent config, EC2 metadata, cluster peers): only a unicast address a client can dial is accepted.
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is the IPv4 address; loopback only where a caller allows it (tests, the
 * demo). Refusals say which address and why, so the message can go straight into an error or a log line.
 */
import { isIP, isIPv4 } from 'node:net';
import { canonicalIp, ipv4Bytes, ipv6Groups } from './ip.js';
import { unmapIpv4 } from './endpoint.js';

export interface AddressPolicy {
  /** Accept 127.0.0.0/8 and ::1 (tests and the one-machine demo). Default false. */
  readonly allowLoopback?: boolean;
}

export type AddressVerdict =
  | { readonly ok: true; readonly address: string; readonly family: 4 | 6 }
  | { readonly ok: false; readonly reason: string };

/** Why an IPv4 address can never be a node's address, or undefined. Loopback is reported separately. */
function ipv4Problem(ip: string): string | undefined {
  const [a = 0, b = 0] = [...ipv4Bytes(ip)];
  if (a === 0) return 'is in 0.0.0.0/8 ("this network"): not an address a client can dial';
  if (ip === '255.255.255.255') return 'is the broadcast address';
  if (a >= 224 && a <= 239) return 'is a multicast address';
  if (a >= 240) return 'is in the reserved block 240.0.0.0/4';
  if (a === 169 && b === 254) return 'is link-local (169.254.0.0/16, where the cloud metadata service lives)';
  return undefined;
}

function ipv6Problem(groups: readonly number[]): string | undefined {
  const [g0 = 0] = groups;
  if (groups.every((g) => g === 0)) return 'is the unspecified address ::';
  if ((g0 & 0xff00) === 0xff00) return 'is a multicast address';
  if ((g0 & 0xffc0) === 0xfe80) return 'is link-local (fe80::/10)';
  return undefined;
}

/** Checks one address against the policy; on success returns its canonical text and family. */
export function checkNodeAddress(text: string, policy: AddressPolicy = {}): AddressVerdict {
  const shown = JSON.stringify(text);
  if (typeof text !== 'string' || text.length > 64) return { ok: false, reason: 'expected an IPv4 or IPv6 address' };
  if (text.includes('%')) return { ok: false, reason: `${shown} has an IPv6 zone (scope) id, which DNS cannot carry` };
  if (isIP(text) === 0) return { ok: false, reason: `${shown} is not an IPv4 or IPv6 address` };
  let address = canonicalIp(text);
  if (!isIPv4(address)) {
    const mapped = unmapIpv4(address);
    if (mapped !== undefined) {
      address = mapped;
    } else {
      const groups = ipv6Groups(address);
      const loopback = groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1;
      if (loopback) return policy.allowLoopback ? { ok: true, address, family: 6 } : loopbackRefusal(shown);
      const problem = ipv6Problem(groups);
      return problem ? { ok: false, reason: `${shown} ${problem}` } : { ok: true, address, family: 6 };
    }
  }
  if (ipv4Bytes(address)[0] === 127)
    return policy.allowLoopback ? { ok: true, address, family: 4 } : loopbackRefusal(shown);
  const problem = ipv4Problem(address);
  return problem ? { ok: false, reason: `${shown} ${problem}` } : { ok: true, address, family: 4 };
}

function loopbackRefusal(shown: string): AddressVerdict {
  return {
    ok: false,
    reason: `${shown} is a loopback address (allowed only with allowLoopback, for tests and the demo)`,
  };
}
