/**
 * Rdata codecs of the record types seedkeeper reads or writes: A and AAAA (one shape, two sizes), TXT, SOA,
 * OPT (its options; the rest of an OPT record lives in the class and TTL fields) and TSIG. NS and CNAME
 * rdata is a name: NAME in name.ts. Values come back in canonical form (src/records/canonical.ts).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { WireFormatError } from '../../errors.js';
import { canonicalIp, ipv4Bytes, ipv6Bytes } from '../../net/ip.js';
import type { RdataCodec } from './codec.js';
import { NAME, readName } from './name.js';

const malformed = (what: string, offset: number, message: string): WireFormatError =>
  new WireFormatError(message, { offset, section: `${what} rdata` });

/** A (4 bytes) or AAAA (16 bytes): the address in network order, read back as canonical text. */
function ipCodec(
  type: 'A' | 'AAAA',
  bytes: 4 | 16,
  valid: (ip: string) => boolean,
  toBytes: (ip: string) => Buffer,
): RdataCodec<string> {
  return Object.freeze({
    encodingLength: () => bytes,
    encode(ip: string, buf: Buffer, offset: number): number {
      if (!valid(ip))
        throw new WireFormatError(
          `${JSON.stringify(ip)} is not an ${type} address`,
          { section: `${type} rdata` },
          { labels: ['usage'] },
        );
      return offset + toBytes(ip).copy(buf, offset);
    },
    decode(buf: Buffer, offset: number, end: number): string {
      if (end - offset !== bytes) throw malformed(type, offset, `${type} rdata of ${end - offset} bytes`);
      if (bytes === 4) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
      const words: string[] = [];
      for (let i = offset; i < end; i += 2) words.push(buf.readUInt16BE(i).toString(16));
      return canonicalIp(words.join(':'));
    },
  });
}

export const A = ipCodec('A', 4, isIPv4, ipv4Bytes);
export const AAAA = ipCodec('AAAA', 16, (ip) => isIPv6(ip) && !ip.includes('%'), ipv6Bytes);

const MAX_STRING = 255;

/** TXT: one value, its UTF-8 bytes as character-strings of at most 255 bytes (one empty string for ''). */
export const TXT: RdataCodec<string> = Object.freeze({
  encodingLength(value: string): number {
    const n = Buffer.byteLength(value, 'utf8');
    return n + Math.max(1, Math.ceil(n / MAX_STRING));
  },
  encode(value: string, buf: Buffer, offset: number): number {
    const bytes = Buffer.from(value, 'utf8');
    let at = offset;
    for (let i = 0; i === 0 || i < bytes.length; i += MAX_STRING) {
      const chunk = bytes.subarray(i, i + MAX_STRING);
      buf[at++] = chunk.length;
      at += chunk.copy(buf, at);
    }
    return at;
  },
  decode(buf: Buffer, offset: number, end: number): string {
    const parts: Buffer[] = [];
    for (let pos = offset; pos < end;) {
      const len = buf[pos]!;
      if (pos + 1 + len > end) throw malformed('TXT', pos, `character-string at ${pos} runs past its rdata`);
      parts.push(buf.subarray(pos + 1, pos + 1 + len));
      pos += 1 + len;
    }
    if (parts.length === 0) throw malformed('TXT', offset, 'TXT rdata without any character-string');
    return Buffer.concat(parts).toString('utf8');
  },
});

export interface SoaRdata {
  readonly mname: string;
  readonly rname: string;
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  readonly minimum: number;
}

const SOA_TIMERS = ['serial', 'refresh', 'retry', 'expire', 'minimum'] as const;

export const SOA: RdataCodec<SoaRdata> = Object.freeze({
  encodingLength: (soa: SoaRdata) => NAME.encodingLength(soa.mname) + NAME.encodingLength(soa.rname) + 20,
  encode(soa: SoaRdata, buf: Buffer, offset: number): number {
    let at = NAME.encode(soa.rname, buf, NAME.encode(soa.mname, buf, offset));
    for (const field of SOA_TIMERS) at = buf.writeUInt32BE(soa[field] >>> 0, at);
    return at;
  },
  decode(buf: Buffer, offset: number, end: number): SoaRdata {
    const mname = readName(buf, offset);
    const rname = readName(buf, mname.end);
    if (rname.end + 20 !== end)
      throw malformed('SOA', offset, `SOA rdata of ${end - offset} bytes does not end with its five timers`);
    const t = (i: number): number => buf.readUInt32BE(rname.end + 4 * i);
    return {
      mname: mname.name,
      rname: rname.name,
      serial: t(0),
      refresh: t(1),
      retry: t(2),
      expire: t(3),
      minimum: t(4),
    };
  },
});

export interface EdnsOption {
  readonly code: number;
  readonly data: Buffer;
}

/** OPT rdata: EDNS options (RFC 6891 §6.1.2). */
export const OPT: RdataCodec<readonly EdnsOption[]> = Object.freeze({
  encodingLength: (options: readonly EdnsOption[]) => options.reduce((n, o) => n + 4 + o.data.length, 0),
  encode(options: readonly EdnsOption[], buf: Buffer, offset: number): number {
    let at = offset;
    for (const o of options) {
      at = buf.writeUInt16BE(o.data.length, buf.writeUInt16BE(o.code, at));
      at += o.data.copy(buf, at);
    }
    return at;
  },
  decode(buf: Buffer, offset: number, end: number): EdnsOption[] {
    const options: EdnsOption[] = [];
    for (let pos = offset; pos < end;) {
      if (pos + 4 > end) throw malformed('OPT', pos, `option at ${pos} is cut off`);
      const length = buf.readUInt16BE(pos + 2);
      if (pos + 4 + length > end) throw malformed('OPT', pos, `option at ${pos} runs past its rdata`);
      options.push({ code: buf.readUInt16BE(pos), data: Buffer.from(buf.subarray(pos + 4, pos + 4 + length)) });
      pos += 4 + length;
    }
    return options;
  },
});

export interface TsigRdata {
  readonly algorithm: string;
  /** Seconds since the epoch (48 bits). */
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Buffer;
  readonly originalId: number;
  readonly error: number;
  readonly otherData: Buffer;
}

/** TSIG rdata (RFC 8945 §4.2); the algorithm name is never compressed. */
export const TSIG: RdataCodec<TsigRdata> = Object.freeze({
  encodingLength: (t: TsigRdata) => NAME.encodingLength(t.algorithm) + 16 + t.mac.length + t.otherData.length,
  encode(t: TsigRdata, buf: Buffer, offset: number): number {
    let at = buf.writeUIntBE(Math.max(0, Math.floor(t.timeSigned)), NAME.encode(t.algorithm, buf, offset), 6);
    at = buf.writeUInt16BE(t.mac.length, buf.writeUInt16BE(t.fudge, at));
    at += t.mac.copy(buf, at);
    at = buf.writeUInt16BE(t.otherData.length, buf.writeUInt16BE(t.error, buf.writeUInt16BE(t.originalId, at)));
    return at + t.otherData.copy(buf, at);
  },
  decode(buf: Buffer, offset: number, end: number): TsigRdata {
    const { name: algorithm, end: fixed } = readName(buf, offset);
    if (fixed + 10 > end) throw malformed('TSIG', fixed, 'TSIG rdata cut off after the algorithm name');
    const macSize = buf.readUInt16BE(fixed + 8);
    const macEnd = fixed + 10 + macSize;
    if (macEnd + 6 > end) throw malformed('TSIG', fixed, `TSIG MAC of ${macSize} bytes runs past its rdata`);
    const otherLen = buf.readUInt16BE(macEnd + 4);
    if (macEnd + 6 + otherLen !== end)
      throw malformed('TSIG', macEnd, `TSIG other data of ${otherLen} bytes does not end the rdata`);
    return {
      algorithm,
      timeSigned: buf.readUIntBE(fixed, 6),
      fudge: buf.readUInt16BE(fixed + 6),
      mac: Buffer.from(buf.subarray(fixed + 10, macEnd)),
      originalId: buf.readUInt16BE(macEnd),
      error: buf.readUInt16BE(macEnd + 2),
      otherData: Buffer.from(buf.subarray(macEnd + 6, end)),
    };
  },
});
