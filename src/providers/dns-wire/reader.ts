/**
 * Bounds-checked decoding of whole DNS messages: header, questions (the zone section of an UPDATE) and
 * resource records with their raw rdata and byte offsets (TSIG verification needs the offset of the last
 * record). Names are read by name.ts, so decoding a hostile message is bounded by its length; whatever is
 * malformed is a WireFormatError naming the section and offset.
 */
import { WireFormatError } from '../../errors.js';
import { HEADER_BYTES, TYPE } from './constants.js';
import { readName } from './name.js';

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

function readQuestion(buf: Buffer, offset: number): { question: WireQuestion; end: number } {
  const { name, end } = readName(buf, offset);
  if (end + 4 > buf.length) throw new WireFormatError(`question at ${offset} is cut off`, { offset });
  return { question: { name, type: buf.readUInt16BE(end), klass: buf.readUInt16BE(end + 2) }, end: end + 4 };
}

function readRecord(buf: Buffer, offset: number): { record: WireRecord; end: number } {
  const { name, end } = readName(buf, offset);
  if (end + 10 > buf.length) throw new WireFormatError(`record at ${offset} is cut off`, { offset });
  const rdlength = buf.readUInt16BE(end + 8);
  const rdataOffset = end + 10;
  if (rdataOffset + rdlength > buf.length)
    throw new WireFormatError(`rdata of the record at ${offset} runs past the end of the message`, {
      offset: rdataOffset,
    });
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

const SECTIONS = ['answer', 'authority', 'additional'] as const;

/** `error` placed in `section` (the name and record readers know the offset, not the section). */
function inSection(error: unknown, section: string): unknown {
  return error instanceof WireFormatError && error.section === undefined
    ? new WireFormatError(error.message, { offset: error.offset, section })
    : error;
}

/** Decodes a whole message; WireFormatError if anything is malformed, cut off, or trails garbage. */
export function decodeMessage(buf: Buffer): DecodedMessage {
  if (buf.length < HEADER_BYTES)
    throw new WireFormatError(`message of ${buf.length} bytes is shorter than a header`, {
      offset: 0,
      section: 'header',
    });
  const flags = buf.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let pos = HEADER_BYTES;
  const questions: WireQuestion[] = [];
  try {
    for (let i = 0; i < counts[0]!; i++) {
      const q = readQuestion(buf, pos);
      questions.push(q.question);
      pos = q.end;
    }
  } catch (error) {
    throw inSection(error, 'question');
  }
  const sections: WireRecord[][] = [[], [], []];
  for (let s = 0; s < 3; s++) {
    try {
      for (let i = 0; i < counts[s + 1]!; i++) {
        const r = readRecord(buf, pos);
        sections[s]!.push(r.record);
        pos = r.end;
      }
    } catch (error) {
      throw inSection(error, SECTIONS[s]!);
    }
  }
  if (pos !== buf.length)
    throw new WireFormatError(`${buf.length - pos} bytes after the last record`, {
      offset: pos,
      section: 'additional',
    });
  const opt = sections[2]!.find((r) => r.type === TYPE.OPT);
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
