/**
 * The few pieces of the DNS wire format (RFC 1035, 3596, 6891) the embedded server writes itself: names,
 * resource records with compressed owners, and the rdata of A, AAAA, TXT, SOA and NS. Answers are encoded
 * once per zone snapshot (answers.ts); queries are parsed by query.ts. Tests decode every answer with
 * `dns-packet`, dig and c-ares.
 */

export const TYPE = Object.freeze({ A: 1, NS: 2, SOA: 6, TXT: 16, AAAA: 28, OPT: 41, IXFR: 251, AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255 });
export const CLASS_IN = 1;
export const CLASS_ANY = 255;
export const RCODE = Object.freeze({ NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 });
/** Extended rcode BADVERS (16) = upper 8 bits 1 in the OPT record, lower 4 bits 0 in the header. */
export const EXT_RCODE_BADVERS = 1;

export const FLAG_QR = 0x8000;
export const FLAG_AA = 0x0400;
export const FLAG_TC = 0x0200;
export const FLAG_RD = 0x0100;
export const FLAG_CD = 0x0010;
export const HEADER_BYTES = 12;
/** Offset of the question name in every message: a compression pointer to it is 0xC00C. */
export const QNAME_OFFSET = HEADER_BYTES;

/** Wire form of a canonical (lowercase, no trailing dot) name; '' is the root. */
export function nameToWire(name: string): Buffer {
  const labels = name === '' ? [] : name.split('.');
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length < 1 || bytes.length > 63) throw new RangeError(`bad DNS label ${JSON.stringify(label)}`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new RangeError(`DNS name longer than 255 bytes: ${name}`);
  return out;
}

/** A 2-byte compression pointer to `offset` (RFC 1035 §4.1.4). */
export function pointer(offset: number): Buffer {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x3fff) throw new RangeError(`bad compression offset ${offset}`);
  const out = Buffer.alloc(2);
  out.writeUInt16BE(0xc000 | offset, 0);
  return out;
}

export { ipv4Bytes, ipv6Bytes } from '../../net/ip.js';

/** TXT rdata: the value's UTF-8 bytes as character-strings of at most 255 bytes (one empty string for ''). */
export function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

export interface SoaRdata {
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}

export function soaRdata(soa: SoaRdata): Buffer {
  const timers = Buffer.alloc(20);
  [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum].forEach((v, i) => timers.writeUInt32BE(v >>> 0, i * 4));
  return Buffer.concat([nameToWire(soa.mname), nameToWire(soa.rname), timers]);
}

/** One resource record of class IN: `owner` is a wire name or a pointer. */
export function encodeRr(owner: Buffer, type: number, ttl: number, rdata: Buffer): Buffer {
  if (rdata.length > 0xffff) throw new RangeError('rdata longer than 65535 bytes');
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(ttl >>> 0, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([owner, fixed, rdata]);
}

/** The OPT pseudo-record we send (RFC 6891): root owner, our UDP size, extended rcode, version 0, no DO. */
export function optRecord(udpSize: number, extendedRcode = 0): Buffer {
  const out = Buffer.alloc(11);
  out.writeUInt8(0, 0);
  out.writeUInt16BE(TYPE.OPT, 1);
  out.writeUInt16BE(udpSize, 3);
  out.writeUInt32BE((extendedRcode << 24) >>> 0, 5);
  out.writeUInt16BE(0, 9);
  return out;
}
