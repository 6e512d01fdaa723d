/**
 * Rdata of the record types seedkeeper writes: A, AAAA and TXT, both ways. Encoders are the embedded
 * server's (embedded/wire.ts); values come back in canonical form (src/records/canonical.ts).
 */
import { canonicalIp } from '../../net/ip.js';
import { ipv4Bytes, ipv6Bytes, txtRdata } from '../embedded/wire.js';
import type { RecordType } from '../../records/types.js';
import { TYPE } from './constants.js';
import { WireFormatError } from './reader.js';

export const RECORD_TYPE_CODE: Readonly<Record<RecordType, number>> = Object.freeze({ A: TYPE.A, AAAA: TYPE.AAAA, TXT: TYPE.TXT });

/** Rdata of one value of a set: an IP address, or a TXT value split into 255-byte character-strings. */
export function encodeRdata(type: RecordType, value: string): Buffer {
  if (type === 'A') return ipv4Bytes(value);
  if (type === 'AAAA') return ipv6Bytes(value);
  return txtRdata(value);
}

/** The canonical value of one rdata; WireFormatError when it is malformed for its type. */
export function decodeRdata(type: RecordType, rdata: Buffer): string {
  if (type === 'A') {
    if (rdata.length !== 4) throw new WireFormatError(`A rdata of ${rdata.length} bytes`);
    return [...rdata].join('.');
  }
  if (type === 'AAAA') {
    if (rdata.length !== 16) throw new WireFormatError(`AAAA rdata of ${rdata.length} bytes`);
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(rdata.readUInt16BE(i).toString(16));
    return canonicalIp(words.join(':'));
  }
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < rdata.length) {
    const len = rdata[pos]!;
    if (pos + 1 + len > rdata.length) throw new WireFormatError('TXT character-string runs past its rdata');
    parts.push(rdata.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  if (parts.length === 0) throw new WireFormatError('TXT rdata without any character-string');
  return Buffer.concat(parts).toString('utf8');
}
