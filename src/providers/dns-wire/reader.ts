/**
 * Bounds-checked decoding of whole DNS messages: header, questions (the zone section of an UPDATE) and
 * resource records with their raw rdata and byte offsets (TSIG verification needs the offset of the last
 * record). Compression pointers must point backwards, at most MAX_POINTER_JUMPS of them per name, and a
 * name is at most 255 bytes, so decoding a hostile message is bounded by its length.
 */
import { HEADER_BYTES } from './constants.js';

const MAX_POINTER_JUMPS = 64;
const TYPE_OPT = 41;
const MAX_NAME_WIRE_BYTES = 255;

export class WireFormatError extends Error {
  readonly code = 'ERR_DNS_WIRE';
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

export interface WireQuestion {
  /** Lowercase, no trailing dot; '' is the root. */
  readonly name: string;
  readonly type: number;
  readonly klass: number;
}

export interface WireRecord extends WireQuestion {
  readonly ttl: number;
  /** A view into the message: copy it if the message buffer is reused. */
  readonly rdata: Buffer;
  /** Offset of the record's first byte (its owner name) in the message. */
  readonly offset: number;
  /** Offset of the rdata in the message (names inside rdata may point anywhere before it). */
  readonly rdataOffset: number;
}

export interface DecodedMessage {
  readonly id: number;
  readonly flags: number;
  readonly qr: boolean;
  readonly opcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  /** The rcode: the header's 4 bits, plus the upper 8 bits from an OPT record when there is one (RFC 6891). */
  readonly rcode: number;
  /** Question section; the zone section of an UPDATE. */
  readonly questions: readonly WireQuestion[];
  /** Answer section; the prerequisite section of an UPDATE. */
  readonly answers: readonly WireRecord[];
  /** Authority section; the update section of an UPDATE. */
  readonly authorities: readonly WireRecord[];
  readonly additionals: readonly WireRecord[];
}

function labelText(buf: Buffer, start: number, end: number): string {
  // Bytes as latin1, ASCII letters lowercased, '.' and '\' escaped so that one label never reads as two.
  return buf
    .toString('latin1', start, end)
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/[.\\]/g, (c) => `\\${c}`);
}

/** Reads a (possibly compressed) name at `offset`; `end` is where the name's bytes end in place. */
export function readName(buf: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  let wireBytes = 1;
  let jumps = 0;
  for (;;) {
    if (pos >= buf.length) throw new WireFormatError(`name at ${offset} runs past the end of the message`);
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new WireFormatError(`compression pointer at ${pos} is cut off`);
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= pos) throw new WireFormatError(`compression pointer at ${pos} does not point backwards`);
      if (++jumps > MAX_POINTER_JUMPS) throw new WireFormatError(`name at ${offset} has too many compression pointers`);
      if (end < 0) end = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) throw new WireFormatError(`unsupported label type 0x${len.toString(16)} at ${pos}`);
    if (pos + 1 + len > buf.length) throw new WireFormatError(`label at ${pos} runs past the end of the message`);
    wireBytes += len + 1;
    if (wireBytes > MAX_NAME_WIRE_BYTES) throw new WireFormatError(`name at ${offset} is longer than ${MAX_NAME_WIRE_BYTES} bytes`);
    labels.push(labelText(buf, pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), end };
}

function readQuestion(buf: Buffer, offset: number): { question: WireQuestion; end: number } {
  const { name, end } = readName(buf, offset);
  if (end + 4 > buf.length) throw new WireFormatError(`question at ${offset} is cut off`);
  return { question: { name, type: buf.readUInt16BE(end), klass: buf.readUInt16BE(end + 2) }, end: end + 4 };
}

function readRecord(buf: Buffer, offset: number): { record: WireRecord; end: number } {
  const { name, end } = readName(buf, offset);
  if (end + 10 > buf.length) throw new WireFormatError(`record at ${offset} is cut off`);
  const rdlength = buf.readUInt16BE(end + 8);
  const rdataOffset = end + 10;
  if (rdataOffset + rdlength > buf.length) throw new WireFormatError(`rdata of the record at ${offset} runs past the end of the message`);
  const record: WireRecord = {
    name,
    type: buf.readUInt16BE(end),
    klass: buf.readUInt16BE(end + 2),
    ttl: buf.readUInt32BE(end + 4),
    rdata: buf.subarray(rdataOffset, rdataOffset + rdlength),
    offset,
    rdataOffset,
  };
  return { record, end: rdataOffset + rdlength };
}

/** Decodes a whole message; WireFormatError if anything is malformed, cut off, or trails garbage. */
export function decodeMessage(buf: Buffer): DecodedMessage {
  if (buf.length < HEADER_BYTES) throw new WireFormatError(`message of ${buf.length} bytes is shorter than a header`);
  const flags = buf.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let pos = HEADER_BYTES;
  const questions: WireQuestion[] = [];
  for (let i = 0; i < counts[0]!; i++) {
    const q = readQuestion(buf, pos);
    questions.push(q.question);
    pos = q.end;
  }
  const sections: WireRecord[][] = [[], [], []];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const r = readRecord(buf, pos);
      sections[s]!.push(r.record);
      pos = r.end;
    }
  }
  if (pos !== buf.length) throw new WireFormatError(`${buf.length - pos} bytes after the last record`);
  const opt = sections[2]!.find((r) => r.type === TYPE_OPT);
  const rcode = ((opt === undefined ? 0 : opt.ttl >>> 24) << 4) | (flags & 0xf);
  return {
    id: buf.readUInt16BE(0),
    flags,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rcode,
    questions,
    answers: sections[0]!,
    authorities: sections[1]!,
    additionals: sections[2]!,
  };
}
