/**
 * One host as it appears inside `service-*` and `peers-*` lists: `ipv4[:port]`, `[ipv6][:port]` or
 * `dnsname[:port]` (§2.2, §2.3). IPv6 must be bracketed, otherwise its colons would be read as a port.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InfoParseError } from '../errors.js';
import { isValidPort, splitHost, type HostPort } from '../../net/endpoint.js';
import { parsePort, quote } from './scan.js';
import { InvalidArgumentError } from '../../errors.js';

const MAX_DNS_NAME = 253;
const MAX_LABEL = 63;
/** Longest bracketed text we hand to isIPv6: a full address with an embedded IPv4 plus a zone id. */
const MAX_IPV6_TEXT = 100;

function isLabelChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;
}

/** A DNS name: dot-separated labels of letters, digits, `-` and `_`; a final dot is allowed. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_DNS_NAME) return false;
  let label = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2e) {
      if (label === 0) return false;
      label = 0;
    } else if (isLabelChar(c)) {
      if (++label > MAX_LABEL) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** A host (no port) that may appear in a list: IPv4, IPv6 (unbracketed here) or a DNS name. */
export function isValidListHost(host: string): boolean {
  if (host.includes(':')) return host.length <= MAX_IPV6_TEXT && isIPv6(host);
  // All digits and dots means the writer meant an IPv4 literal; `999.1.1.1` must not pass as a name.
  if (/^[\d.]+$/.test(host)) return isIPv4(host);
  return isDnsName(host);
}

/**
 * Parse one host token. With `defaultPort` undefined the port is mandatory (service lists); otherwise a
 * missing port means `defaultPort` (peer lists).
 */
export function parseHostText(command: string, text: string, defaultPort?: number): HostPort {
  const split = splitHost(text);
  if (split.problem === 'unclosed-bracket')
    throw new InfoParseError(command, `missing ']' after IPv6 address in ${quote(text)}`);
  const { host } = split;
  if (split.bracketed && (host.length > MAX_IPV6_TEXT || !isIPv6(host))) {
    throw new InfoParseError(command, `expected an IPv6 address inside brackets, got ${quote(host)}`);
  }
  if (!split.ok) throw new InfoParseError(command, `expected ':port' after ']' in ${quote(text)}`);
  if (!split.bracketed && (host.length === 0 || !isValidListHost(host))) {
    throw new InfoParseError(command, `expected an IPv4 address or DNS name, got ${quote(host)} (IPv6 needs brackets)`);
  }
  if (split.rest === undefined) {
    if (defaultPort === undefined) throw new InfoParseError(command, `host ${quote(text)} has no port`);
    return { host, port: defaultPort };
  }
  return { host, port: parsePort(command, split.rest) };
}

/** Throw InvalidArgumentError when a formatter is handed a host the parsers would refuse. */
export function assertListHost(hp: HostPort): void {
  if (!isValidListHost(hp.host))
    throw new InvalidArgumentError('host', `${JSON.stringify(hp.host)} cannot be written in a host list`);
  if (!isValidPort(hp.port)) throw new InvalidArgumentError('port', `${hp.port} is outside 1..65535`);
}
