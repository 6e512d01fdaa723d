/**
 * Seed strings as every official client writes them: `host[:tlsname][:port]`, IPv6 bracketed
 * (`[2001:db8::1]:3000`, `[::1]:tls-name:4333`). The token after the host is a port when it starts with a
 * digit, otherwise a TLS name optionally followed by the port.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { isValidPort, type HostPort } from '../protocol/host.js';

export const DEFAULT_SERVICE_PORT = 3000;

export interface Seed extends HostPort {
  /** The text the user wrote, for reports. */
  readonly text: string;
  /** Name the node's TLS certificate must carry, when TLS is used. */
  readonly tlsName: string | undefined;
  /** True when the host is an IP literal (no resolution). */
  readonly isLiteral: boolean;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function isTlsName(name: string): boolean {
  return HOSTNAME.test(name) && !/^[\d.]+$/.test(name);
}

export function parseSeed(text: string, defaultPort = DEFAULT_SERVICE_PORT, path = 'seed'): Seed {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new ConfigError(path, 'expected host[:tlsname][:port], got an empty string');
  let host: string;
  let rest: string;
  if (trimmed.startsWith('[')) {
    const close = trimmed.indexOf(']');
    if (close < 0) throw new ConfigError(path, `unclosed '[' in ${JSON.stringify(text)}; expected [ipv6]:port`);
    host = trimmed.slice(1, close);
    if (isIP(host) !== 6) throw new ConfigError(path, `${JSON.stringify(host)} inside brackets is not an IPv6 address`);
    rest = trimmed.slice(close + 1);
    if (rest.length > 0 && !rest.startsWith(':')) {
      throw new ConfigError(path, `unexpected ${JSON.stringify(rest)} after ']' in ${JSON.stringify(text)}`);
    }
    rest = rest.slice(1);
  } else {
    const colon = trimmed.indexOf(':');
    host = colon < 0 ? trimmed : trimmed.slice(0, colon);
    rest = colon < 0 ? '' : trimmed.slice(colon + 1);
    if (isIP(host) === 0 && !HOSTNAME.test(host)) {
      throw new ConfigError(path, `${JSON.stringify(host)} is not an IPv4 address or host name (bracket IPv6 addresses: [::1]:3000)`);
    }
  }
  let tlsName: string | undefined;
  let portText: string | undefined;
  const expected = `expected host[:tlsname][:port], where a TLS name looks like a DNS name (node1.example.com) and a port is 1..65535`;
  if (rest.length > 0) {
    const colon = rest.indexOf(':');
    if (colon < 0 && /^\d+$/.test(rest)) {
      portText = rest;
    } else {
      tlsName = colon < 0 ? rest : rest.slice(0, colon);
      portText = colon < 0 ? undefined : rest.slice(colon + 1);
      // A TLS name is a DNS name (never all digits); alone, without a port, it must have a dot, so that a
      // mistyped port (`host:notaport`) is an error instead of a TLS name with the default port.
      if (!isTlsName(tlsName) || (portText === undefined && !tlsName.includes('.'))) {
        throw new ConfigError(path, `${JSON.stringify(tlsName)} in ${JSON.stringify(text)} is neither a port nor a TLS name; ${expected}`);
      }
    }
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!/^\d+$/.test(portText ?? '1') || !isValidPort(port)) {
    throw new ConfigError(path, `port ${JSON.stringify(portText)} in ${JSON.stringify(text)} is not 1..65535; ${expected}`);
  }
  return { text: trimmed, host, port, tlsName, isLiteral: isIP(host) !== 0 };
}

/** Parse a list where each entry may itself be comma-separated (`a:3000,b:3000`), the hosts-string form. */
export function parseSeeds(entries: readonly string[], defaultPort = DEFAULT_SERVICE_PORT): Seed[] {
  const seeds: Seed[] = [];
  entries.forEach((entry, i) => {
    const parts = entry.split(',').filter((p) => p.trim().length > 0);
    parts.forEach((part, j) => seeds.push(parseSeed(part, defaultPort, parts.length > 1 ? `seeds[${i}][${j}]` : `seeds[${i}]`)));
  });
  if (seeds.length === 0) throw new ConfigError('seeds', 'expected at least one seed (host[:tlsname][:port])');
  return seeds;
}
