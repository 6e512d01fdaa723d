/**
 * Encoding of resource records and whole DNS messages with uncompressed names and records of any class
 * (UPDATE prerequisites use NONE and ANY with empty rdata, which dns-packet cannot write). Names are
 * written in canonical form (lowercase), which is also the form TSIG's MAC covers. Values the wire cannot
 * carry are WireFormatErrors labelled `usage`.
 */
import { randomInt } from 'node:crypto';
import { WireFormatError } from '../../errors.js';
import { encodeRdataWith } from './codec.js';
import { OPT } from './codecs.js';
import { HEADER_BYTES, MAX_MESSAGE_BYTES, TYPE } from './constants.js';
import { encodeName } from './name.js';

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

const usage = (message: string, section: string): WireFormatError =>
  new WireFormatError(message, { section }, { labels: ['usage'] });

function u16(value: number, what: string, section: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff)
    throw usage(`${what} ${value} is not a 16-bit unsigned integer`, section);
  return value;
}

export function encodeQuestion(q: WireQuestionSpec): Buffer {
  const fixed = Buffer.alloc(4);
  fixed.writeUInt16BE(u16(q.type, 'type', 'question'), 0);
  fixed.writeUInt16BE(u16(q.klass, 'class', 'question'), 2);
  return Buffer.concat([encodeName(q.name), fixed]);
}

/** One resource record: `owner` is a wire name or a compression pointer (see namePointer). */
export function encodeRr(owner: Buffer, type: number, klass: number, ttl: number, rdata: Buffer): Buffer {
  if (rdata.length > 0xffff) throw usage('rdata longer than 65535 bytes', 'record');
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0xffffffff)
    throw usage(`TTL ${ttl} is not a 32-bit unsigned integer`, 'record');
  const out = Buffer.alloc(owner.length + 10 + rdata.length);
  let at = owner.copy(out, 0);
  at = out.writeUInt16BE(u16(type, 'type', 'record'), at);
  at = out.writeUInt16BE(u16(klass, 'class', 'record'), at);
  at = out.writeUInt32BE(ttl, at);
  at = out.writeUInt16BE(rdata.length, at);
  rdata.copy(out, at);
  return out;
}

export function encodeRecord(r: WireRecordSpec): Buffer {
  return encodeRr(encodeName(r.name), r.type, r.klass, r.ttl, r.rdata);
}

const ROOT = Buffer.from([0]);

/** The OPT pseudo-record we send (RFC 6891): root owner, our UDP size, extended rcode, version 0, no DO, no options. */
export function optRecord(udpSize: number, extendedRcode = 0): Buffer {
  return encodeRr(ROOT, TYPE.OPT, udpSize, (extendedRcode << 24) >>> 0, encodeRdataWith(OPT, []));
}

export function encodeMessage(m: WireMessageSpec): Buffer {
  const questions = m.questions ?? [];
  const sections = [m.answers ?? [], m.authorities ?? [], m.additionals ?? []];
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt16BE(u16(m.id, 'id', 'header'), 0);
  header.writeUInt16BE(u16(m.flags, 'flags', 'header'), 2);
  header.writeUInt16BE(u16(questions.length, 'question count', 'header'), 4);
  sections.forEach((s, i) => header.writeUInt16BE(u16(s.length, 'record count', 'header'), 6 + 2 * i));
  const out = Buffer.concat([header, ...questions.map(encodeQuestion), ...sections.flat().map(encodeRecord)]);
  if (out.length > MAX_MESSAGE_BYTES)
    throw usage(`DNS message of ${out.length} bytes is longer than ${MAX_MESSAGE_BYTES}`, 'message');
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
