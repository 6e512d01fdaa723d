/**
 * Endpoints (host and port) in one place: the text forms users and nodes write (`a.b.c.d:port`, `[v6]:port`,
 * `name:port`, seeds' `host[:tlsname][:port]`, config's `host:port`), the text we print, and identity
 * (`::ffff:a.b.c.d` is `a.b.c.d`, `2001:DB8:0::1` is `2001:db8::1`, names ignore case). IPv6 hosts are kept
 * unbracketed in memory and bracketed only when written with a port.
 */
import { isIP, isIPv6 } from 'node:net';
import { ConfigError } from '../errors.js';
import { canonicalIp, ipv6Groups } from './ip.js';

/** The Aerospike service port: what clients dial when a seed names no port. */
export const DEFAULT_SERVICE_PORT = 3000;

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** A parsed seed-style endpoint: `host[:tlsname][:port]`. */
export interface Endpoint extends HostPort {
  /** The text the user wrote (trimmed), for reports. */
  readonly text: string;
  /** Name the node's TLS certificate must carry, when TLS is used. */
  readonly tlsName: string | undefined;
  /** True when the host is an IP literal (no resolution). */
  readonly isLiteral: boolean;
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port <= 65535;
}

/** The host as written before `:port`: IPv6 bracketed, anything else as is. */
export function formatHost(host: string): string {
  // Every IPv6 literal holds a ':' and no name or IPv4 address does, so the colon alone decides; net.isIPv6
  // would compile Node's IPv6 regex on the first call, a third of a cold process's first discover() CPU.
  return host.includes(':') ? `[${host}]` : host;
}

/** `a.b.c.d:port`, `[v6]:port`, `name:port`. */
export function formatHostPort(hp: HostPort): string {
  return `${formatHost(hp.host)}:${hp.port}`;
}

/** `host:tlsname:port` when a TLS name is given (the clients' hosts-string form), else `host:port`. */
export function formatHostTlsPort(h: HostPort & { readonly tlsName?: string | undefined }): string {
  return h.tlsName === undefined ? formatHostPort(h) : `${formatHost(h.host)}:${h.tlsName}:${h.port}`;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, any spelling) stands for; else undefined. */
export function unmapIpv4(host: string): string | undefined {
  if (!host.includes(':') || host.includes('%') || !isIPv6(host)) return undefined;
  const groups = ipv6Groups(host);
  if (!groups.slice(0, 5).every((g) => g === 0) || groups[5] !== 0xffff) return undefined;
  const [hi = 0, lo = 0] = groups.slice(6);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/** One spelling per host: IPv4-mapped IPv6 as IPv4, IPs canonical (ip.ts), names and zoned IPv6 lowercase. */
export function canonicalHost(host: string): string {
  // No ':' means a name or IPv4 (Node accepts IPv4 only in canonical form): the IPv6 checks below, and the
  // regex they compile, are paid only for IPv6 text.
  if (!host.includes(':')) return host.toLowerCase();
  if (host.includes('%') || !isIPv6(host)) return host.toLowerCase();
  return unmapIpv4(host) ?? canonicalIp(host);
}

/** Same endpoint: same port and the same host in canonical form. */
export function sameEndpoint(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && (a.host === b.host || canonicalHost(a.host) === canonicalHost(b.host));
}

/** Map key of an endpoint: equal for every two endpoints `sameEndpoint` calls the same. */
export function endpointKey(hp: HostPort): string {
  return formatHostPort({ host: canonicalHost(hp.host), port: hp.port });
}

/** Host and the text after it, split the way every host:port form splits; `rest` excludes the ':'. */
export type HostSplit =
  | {
      readonly ok: true;
      readonly problem?: undefined;
      readonly host: string;
      readonly bracketed: boolean;
      readonly rest: string | undefined;
    }
  | { readonly ok: false; readonly problem: 'unclosed-bracket' }
  /** Callers check the bracketed host first, so a bad address is reported before what follows it. */
  | {
      readonly ok: false;
      readonly problem: 'text-after-bracket';
      readonly host: string;
      readonly bracketed: true;
      readonly after: string;
    };

/** `[v6]` or `host`, then nothing or `:rest`. Validates neither the host nor the rest. */
export function splitHost(text: string): HostSplit {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { ok: false, problem: 'unclosed-bracket' };
    const after = text.slice(close + 1);
    if (after.length > 0 && !after.startsWith(':'))
      return { ok: false, problem: 'text-after-bracket', host: text.slice(1, close), bracketed: true, after };
    return {
      ok: true,
      host: text.slice(1, close),
      bracketed: true,
      rest: after.length > 0 ? after.slice(1) : undefined,
    };
  }
  const colon = text.indexOf(':');
  return colon < 0
    ? { ok: true, host: text, bracketed: false, rest: undefined }
    : { ok: true, host: text.slice(0, colon), bracketed: false, rest: text.slice(colon + 1) };
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function isTlsName(name: string): boolean {
  return HOSTNAME.test(name) && !/^[\d.]+$/.test(name);
}

export interface ParseEndpointOptions {
  /** Port of text written without one. Default DEFAULT_SERVICE_PORT. */
  readonly defaultPort?: number;
  /** Config path named in errors. Default `seed`. */
  readonly path?: string;
}

/**
 * A seed as every official client writes it: `host[:tlsname][:port]`, IPv6 bracketed (`[2001:db8::1]:3000`,
 * `[::1]:tls-name:4333`). The token after the host is a port when it is all digits, otherwise a TLS name
 * optionally followed by the port. Throws ConfigError naming `path`.
 */
export function parseEndpoint(text: string, options: ParseEndpointOptions = {}): Endpoint {
  const path = options.path ?? 'seed';
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new ConfigError(path, 'expected host[:tlsname][:port], got an empty string');
  const split = splitHost(trimmed);
  if (split.problem === 'unclosed-bracket')
    throw new ConfigError(path, `unclosed '[' in ${JSON.stringify(text)}; expected [ipv6]:port`);
  const { host } = split;
  if (split.bracketed && isIP(host) !== 6)
    throw new ConfigError(path, `${JSON.stringify(host)} inside brackets is not an IPv6 address`);
  if (!split.ok)
    throw new ConfigError(path, `unexpected ${JSON.stringify(split.after)} after ']' in ${JSON.stringify(text)}`);
  if (!split.bracketed && isIP(host) === 0 && !HOSTNAME.test(host)) {
    throw new ConfigError(
      path,
      `${JSON.stringify(host)} is not an IPv4 address or host name (bracket IPv6 addresses: [::1]:3000)`,
    );
  }
  const rest = split.rest ?? '';
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
        throw new ConfigError(
          path,
          `${JSON.stringify(tlsName)} in ${JSON.stringify(text)} is neither a port nor a TLS name; ${expected}`,
        );
      }
    }
  }
  const port = portText === undefined ? (options.defaultPort ?? DEFAULT_SERVICE_PORT) : Number(portText);
  if (!/^\d+$/.test(portText ?? '1') || !isValidPort(port)) {
    throw new ConfigError(
      path,
      `port ${JSON.stringify(portText)} in ${JSON.stringify(text)} is not 1..65535; ${expected}`,
    );
  }
  return { text: trimmed, host, port, tlsName, isLiteral: isIP(host) !== 0 };
}

/** Config's `host:port` / `[v6]:port` (listen and server addresses); port 0 means "any free port". */
function splitListenAddress(text: string): HostPort | undefined {
  const split = splitHost(text);
  if (!split.ok || split.rest === undefined || !/^\d{1,5}$/.test(split.rest)) return undefined;
  const hostOk = split.bracketed ? /^[0-9a-fA-F:.]+$/.test(split.host) : /^[^\s:[\]]+$/.test(split.host);
  const port = Number(split.rest);
  return hostOk && port <= 65535 ? { host: split.host, port } : undefined;
}

/** True when `text` is a config `host:port` (what config schemas accept). */
export function isListenAddress(text: string): boolean {
  return splitListenAddress(text) !== undefined;
}

/** A config `host:port`; throws ConfigError naming `path`. */
export function parseListenAddress(text: string, path: string): HostPort {
  const hp = splitListenAddress(text);
  if (!hp) throw new ConfigError(path, `expected host:port, got ${JSON.stringify(text)}`);
  return hp;
}
