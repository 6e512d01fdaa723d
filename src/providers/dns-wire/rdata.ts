/**
 * Rdata of the record types a provider holds (A, AAAA, TXT), by the record model's type name: both
 * providers encode sets through these; values come back in canonical form (src/records/canonical.ts).
 */
import type { RecordType } from '../../records/types.js';
import { decodeRdataWith, encodeRdataWith, type RdataCodec } from './codec.js';
import { A, AAAA, TXT } from './codecs.js';
import { TYPE } from './constants.js';

export const RECORD_TYPE_CODE: Readonly<Record<RecordType, number>> = Object.freeze({
  A: TYPE.A,
  AAAA: TYPE.AAAA,
  TXT: TYPE.TXT,
});

export const RECORD_CODEC: Readonly<Record<RecordType, RdataCodec<string>>> = Object.freeze({ A, AAAA, TXT });

/** Rdata of one value of a set: an IP address, or a TXT value split into 255-byte character-strings. */
export function encodeRdata(type: RecordType, value: string): Buffer {
  return encodeRdataWith(RECORD_CODEC[type], value);
}

/** The canonical value of one rdata; WireFormatError when it is malformed for its type. */
export function decodeRdata(type: RecordType, rdata: Buffer): string {
  return decodeRdataWith(RECORD_CODEC[type], rdata);
}
