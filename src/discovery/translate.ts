/**
 * One address-translation hook, applied at one choke point to every address learned from the cluster
 * (service lists, peer lists). Typical use: NAT, where nodes advertise private addresses that the client
 * reaches under other ones. Given as a map, as rules, or as a function.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { isValidPort, splitHost, type HostPort } from '../net/endpoint.js';

export interface TranslationRule {
  /** `ip`, `ip:port`, `[v6]:port` or a CIDR block `10.0.1.0/24`. */
  readonly from: string;
  /** Same forms; a CIDR target keeps the host bits (10.0.1.7 → 192.168.5.7 for /24 → /24). */
  readonly to: string;
}

export type AddressTranslation =
  Readonly<Record<string, string>> | readonly TranslationRule[] | ((address: HostPort) => HostPort | undefined);

export type Translator = (address: HostPort) => HostPort;

export const identityTranslator: Translator = (address) => address;

interface RuleAddress {
  readonly host: string;
  readonly port: number | undefined;
}

interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

/** `ip`, `ip:port`, `[ip]:port` or a bare IPv6 address (no port then). */
function parseRuleAddress(text: string, path: string): RuleAddress {
  if (isIP(text) === 6) return { host: text, port: undefined };
  const split = splitHost(text);
  if (!split.ok || isIP(split.host) === 0 || (split.rest !== undefined && !/^\d+$/.test(split.rest))) {
    throw new ConfigError(path, `expected ip, ip:port or [ipv6]:port, got ${JSON.stringify(text)}`);
  }
  const port = split.rest === undefined ? undefined : Number(split.rest);
  if (port !== undefined && !isValidPort(port))
    throw new ConfigError(path, `port in ${JSON.stringify(text)} is not 1..65535`);
  return { host: split.host, port };
}

function ipToBigInt(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  const [head = '', tail = ''] = ip.split('::');
  const words = (part: string): string[] => (part ? part.split(':') : []);
  const left = words(head);
  const right = words(tail);
  const expanded = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return expanded.reduce((acc, word) => (acc << 16n) | BigInt(Number.parseInt(word, 16)), 0n);
}

function bigIntToIp(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const words: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) words.push(((value >> shift) & 0xffffn).toString(16));
  return words.join(':');
}

function parseCidr(text: string, path: string): Cidr | undefined {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return undefined;
  const ip = text.slice(0, slash);
  const family = isIP(ip);
  const prefix = Number(text.slice(slash + 1));
  const bits = family === 4 ? 32 : 128;
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    throw new ConfigError(path, `expected a CIDR block like 10.0.1.0/24, got ${JSON.stringify(text)}`);
  }
  return { family: family as 4 | 6, base: ipToBigInt(ip), prefix };
}

function hostMask(cidr: Cidr): bigint {
  const bits = BigInt(cidr.family === 4 ? 32 : 128);
  return (1n << (bits - BigInt(cidr.prefix))) - 1n;
}

function compileRule(rule: TranslationRule, path: string): (address: HostPort) => HostPort | undefined {
  const fromCidr = parseCidr(rule.from, `${path}.from`);
  if (fromCidr) {
    const toCidr = parseCidr(rule.to, `${path}.to`);
    if (!toCidr || toCidr.family !== fromCidr.family || toCidr.prefix !== fromCidr.prefix) {
      throw new ConfigError(
        `${path}.to`,
        `a CIDR source needs a CIDR target of the same family and prefix length, got ${JSON.stringify(rule.to)}`,
      );
    }
    const mask = hostMask(fromCidr);
    return (address) => {
      if (isIP(address.host) !== fromCidr.family) return undefined;
      const value = ipToBigInt(address.host);
      if ((value & ~mask) !== (fromCidr.base & ~mask)) return undefined;
      return { host: bigIntToIp((toCidr.base & ~mask) | (value & mask), toCidr.family), port: address.port };
    };
  }
  const from = parseRuleAddress(rule.from, `${path}.from`);
  const to = parseRuleAddress(rule.to, `${path}.to`);
  return (address) => {
    if (address.host !== from.host || (from.port !== undefined && address.port !== from.port)) return undefined;
    return { host: to.host, port: to.port ?? address.port };
  };
}

function isRuleList(translation: AddressTranslation): translation is readonly TranslationRule[] {
  return Array.isArray(translation);
}

/** Compile a translation option once; the result maps every address (unmatched ones unchanged). */
export function createTranslator(translation: AddressTranslation | undefined, path = 'translate'): Translator {
  if (translation === undefined) return identityTranslator;
  if (typeof translation === 'function') return (address) => translation(address) ?? address;
  const rules: readonly TranslationRule[] = isRuleList(translation)
    ? translation
    : Object.entries(translation).map(([from, to]) => ({ from, to }));
  // Exact host:port rules win over host-only rules, which win over CIDR rules.
  const rank = (r: TranslationRule): number =>
    r.from.includes('/') ? 2 : parseRuleAddress(r.from, path).port === undefined ? 1 : 0;
  const compiled = rules
    .map((rule, i) => ({ rank: rank(rule), fn: compileRule(rule, `${path}[${i}]`) }))
    .sort((a, b) => a.rank - b.rank)
    .map((r) => r.fn);
  return (address) => {
    for (const fn of compiled) {
      const mapped = fn(address);
      if (mapped) return mapped;
    }
    return address;
  };
}
