/**
 * Encoding of whole DNS messages with uncompressed names and records of any class (UPDATE prerequisites
 * use NONE and ANY with empty rdata, which dns-packet cannot write). Names are written in canonical form
 * (lowercase), which is also the form TSIG's MAC covers.
 */
import { randomInt } from 'node:crypto';
import { HEADER_BYTES, MAX_MESSAGE_BYTES } from './constants.js';

export interface WireQuestionSpec {
  readonly name: string;
  readonly type: number;
  readonly klass: number;
}

export interface WireRecordSpec extends WireQuestionSpec {
  readonly ttl: number;
  readonly rdata: Buffer;
}

export interface WireMessageSpec {
  readonly id: number;
  /** The whole second header word: QR, opcode, AA, TC, RD, RA, rcode. */
  readonly flags: number;
  readonly questions?: readonly WireQuestionSpec[];
  readonly answers?: readonly WireRecordSpec[];
  readonly authorities?: readonly WireRecordSpec[];
  readonly additionals?: readonly WireRecordSpec[];
}

/** Canonical wire form of `name` (lowercase; trailing dot optional; '' or '.' is the root). */
export function encodeName(name: string): Buffer {
  const text = name.replace(/\.$/, '');
  const labels = text === '' ? [] : text.split('.');
  const parts: Buffer[] = [];
  for (const label of labels) {
    if (!/^[\x21-\x7e]{1,63}$/.test(label) || label.includes('\\')) throw new RangeError(`bad DNS label ${JSON.stringify(label)} in ${JSON.stringify(name)}`);
    parts.push(Buffer.from([label.length]), Buffer.from(label.toLowerCase(), 'ascii'));
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new RangeError(`DNS name longer than 255 bytes: ${name}`);
  return out;
}

function u16(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`${what} ${value} is not a 16-bit unsigned integer`);
  return value;
}

export function encodeQuestion(q: WireQuestionSpec): Buffer {
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(u16(q.type, 'type'), 0);
  fixed.writeUInt16BE(u16(q.klass, 'class'), 2);
  return Buffer.concat([encodeName(q.name), fixed]);
}

export function encodeRecord(r: WireRecordSpec): Buffer {
  if (r.rdata.length > 0xffff) throw new RangeError('rdata longer than 65535 bytes');
  if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > 0xffffffff) throw new RangeError(`TTL ${r.ttl} is not a 32-bit unsigned integer`);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(u16(r.type, 'type'), 0);
  fixed.writeUInt16BE(u16(r.klass, 'class'), 2);
  fixed.writeUInt32BE(r.ttl, 4);
  fixed.writeUInt16BE(r.rdata.length, 8);
  return Buffer.concat([encodeName(r.name), fixed, r.rdata]);
}

export function encodeMessage(m: WireMessageSpec): Buffer {
  const questions = m.questions ?? [];
  const sections = [m.answers ?? [], m.authorities ?? [], m.additionals ?? []];
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(u16(m.id, 'id'), 0);
  header.writeUInt16BE(u16(m.flags, 'flags'), 2);
  header.writeUInt16BE(u16(questions.length, 'question count'), 4);
  sections.forEach((s, i) => header.writeUInt16BE(u16(s.length, 'record count'), 6 + 2 * i));
  const out = Buffer.concat([header, ...questions.map(encodeQuestion), ...sections.flat().map(encodeRecord)]);
  if (out.length > MAX_MESSAGE_BYTES) throw new RangeError(`DNS message of ${out.length} bytes is longer than ${MAX_MESSAGE_BYTES}`);
  return out;
}

/** A fresh random 16-bit message ID (RFC 5452: unpredictable IDs make spoofed answers harder). */
export function randomId(): number {
  return randomInt(0, 0x10000);
}

/** Header flags word for `opcode` with RD off and everything else clear (a request). */
export function requestFlags(opcode: number): number {
  return (opcode & 0xf) << 11;
}
