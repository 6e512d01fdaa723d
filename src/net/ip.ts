/**
 * IP address text and bytes, in one place: the canonical text (so two spellings of one address compare equal)
 * and the network-order bytes (for the DNS wire, prefixes and the address policy).
 */
import { isIPv4, isIPv6, SocketAddress } from 'node:net';
import { InvalidArgumentError } from '../errors.js';

/** Canonical IP text: IPv4 dotted quad without leading zeros, IPv6 compressed lowercase (as Node prints it). */
export function canonicalIp(ip: string): string {
  if (isIPv4(ip))
    return ip
      .split('.')
      .map((o) => String(Number(o)))
      .join('.');
  if (isIPv6(ip)) return new SocketAddress({ address: ip, family: 'ipv6' }).address;
  throw new InvalidArgumentError('ip', `${JSON.stringify(ip)} is not an IP address`);
}

export function ipv4Bytes(ip: string): Buffer {
  if (!isIPv4(ip)) throw new InvalidArgumentError('ip', `${JSON.stringify(ip)} is not an IPv4 address`);
  return Buffer.from(ip.split('.').map(Number));
}

/** 16 bytes of an IPv6 address in any text form, including `::` and a trailing dotted quad. */
export function ipv6Bytes(ip: string): Buffer {
  if (!isIPv6(ip) || ip.includes('%'))
    throw new InvalidArgumentError('ip', `${JSON.stringify(ip)} is not an IPv6 address`);
  let text = ip;
  const dot = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = ipv4Bytes(text.slice(dot + 1));
    text = `${text.slice(0, dot + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** The eight 16-bit groups of an IPv6 address in any text form. */
export function ipv6Groups(ip: string): number[] {
  const bytes = ipv6Bytes(ip);
  return Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
}
