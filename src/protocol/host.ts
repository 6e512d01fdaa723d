/**
 * Host and port as the protocol writes them: `a.b.c.d:port`, `[v6]:port`, `name:port`. IPv6 hosts are kept
 * unbracketed in memory and bracketed only when formatted with a port.
 */
import { isIPv6 } from 'node:net';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export function formatHostPort(hp: HostPort): string {
  return isIPv6(hp.host) || hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port <= 65535;
}

/** Two endpoints are the same only if host text and port both match. */
export function sameHostPort(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}
