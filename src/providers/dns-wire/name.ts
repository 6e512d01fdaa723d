/**
 * Domain names on the wire (RFC 1035 §3.1, §4.1.4). Written uncompressed in canonical form (lowercase), which
 * is also the form TSIG's MAC covers; read bounds-checked, with compression pointers that must point
 * backwards, at most MAX_POINTER_JUMPS of them per name, and at most MAX_NAME_BYTES, so reading a hostile
 * message is bounded by its length. `copyLabels` is the one label reader: the embedded server's per-packet
 * path (`lowerQuestionName`) and the generic `readName` both run on it.
 */
import { WireFormatError } from '../../errors.js';
import { MAX_NAME_BYTES } from './constants.js';
import type { RdataCodec } from './codec.js';

const MAX_POINTER_JUMPS = 64;
/** copyLabels results below zero. */
const PAST_END = -1;
const TOO_LONG = -2;

const usage = (message: string): WireFormatError =>
  new WireFormatError(message, { section: 'name' }, { labels: ['usage'] });

function labelsOf(name: string): string[] {
  const text = name.endsWith('.') ? name.slice(0, -1) : name;
  return text === '' ? [] : text.split('.');
}

/** Bytes of `name` on the wire (uncompressed). */
function encodingLength(name: string): number {
  let n = 1;
  for (const label of labelsOf(name)) n += 1 + label.length;
  return n;
}

/**
 * Writes `name` (trailing dot optional; '' or '.' is the root) lowercase at `offset`; returns the end. Labels
 * are 1-63 printable ASCII characters without '\'; WireFormatError (usage) otherwise.
 */
function encode(name: string, buf: Buffer, offset: number): number {
  let at = offset;
  for (const label of labelsOf(name)) {
    if (!/^[\x21-\x7e]{1,63}$/.test(label) || label.includes('\\'))
      throw usage(`bad DNS label ${JSON.stringify(label)} in ${JSON.stringify(name)}`);
    buf[at++] = label.length;
    at += buf.write(label.toLowerCase(), at, 'ascii');
  }
  buf[at++] = 0;
  if (at - offset > MAX_NAME_BYTES) throw usage(`DNS name longer than ${MAX_NAME_BYTES} bytes: ${name}`);
  return at;
}

/** Canonical wire form of `name` (see `encode`). */
export function encodeName(name: string): Buffer {
  const out = Buffer.alloc(encodingLength(name));
  encode(name, out, 0);
  return out;
}

/** A 2-byte compression pointer to `offset` (RFC 1035 §4.1.4). */
export function namePointer(offset: number): Buffer {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x3fff) throw usage(`bad compression offset ${offset}`);
  const out = Buffer.alloc(2);
  out.writeUInt16BE(0xc000 | offset, 0);
  return out;
}

/**
 * Copies the labels at `pos` of `src`, ASCII letters lowercased, to `out` from `w` on, up to the first byte
 * that is not a label (the root's 0, a compression pointer, a reserved label type); returns the new `w`, so
 * that byte is at `pos + (result - w)`. PAST_END when the labels run past `src`, TOO_LONG when the name would
 * pass MAX_NAME_BYTES with its root byte.
 */
export function copyLabels(src: Buffer, pos: number, out: Buffer, w: number): number {
  const len = src.length;
  let off = pos;
  for (;;) {
    if (off >= len) return PAST_END;
    const l = src[off]!;
    // Labels are 1-63 bytes (RFC 1035 §2.3.4); 63 and MAX_NAME_BYTES as literals: an imported binding costs a load and a hole check on
    // every label of every packet (measured ~15% of the embedded server's per-packet time, scripts/bench-respond.ts).
    if (l === 0 || l > 63) return w;
    if (w + l + 2 > 255) return TOO_LONG;
    if (off + l + 1 > len) return PAST_END;
    out[w++] = l;
    for (let i = off + 1, end = off + l + 1; i < end; i++) {
      const ch = src[i]!;
      out[w++] = ch >= 0x41 && ch <= 0x5a ? ch | 0x20 : ch;
    }
    off += l + 1;
  }
}

/**
 * The per-packet path: the question name of `msg` (at offset 12), lowercased into `out` with its root byte;
 * returns its length on the wire, which is also its length in `out`, or -1 when it is malformed. A compression
 * pointer cannot point anywhere valid from the first name of a message (only the header precedes it), so
 * any pointer makes it malformed.
 */
export function lowerQuestionName(msg: Buffer, out: Buffer): number {
  const w = copyLabels(msg, 12, out, 0); // 12: HEADER_BYTES, a literal as above
  if (w < 0 || msg[12 + w] !== 0) return -1;
  out[w] = 0;
  return w + 1;
}

// readName's working copy of a name: reading is synchronous, so one buffer serves every call.
const scratch = Buffer.alloc(MAX_NAME_BYTES);

/** Text of the lowercase wire name in `wire[0, w)`: '.' and '\' inside a label escaped, so one label never reads as two. */
function nameText(wire: Buffer, w: number): string {
  const labels: string[] = [];
  for (let p = 0; p < w; p += wire[p]! + 1)
    labels.push(wire.toString('latin1', p + 1, p + 1 + wire[p]!).replace(/[.\\]/g, (c) => `\\${c}`));
  return labels.join('.');
}

/** Reads a (possibly compressed) name at `offset`: lowercase text, no trailing dot; `end` is where the name's bytes end in place. */
export function readName(buf: Buffer, offset: number): { name: string; end: number } {
  let pos = offset;
  let end = -1;
  let w = 0;
  for (let jumps = 0; ;) {
    const next = copyLabels(buf, pos, scratch, w);
    if (next === PAST_END)
      throw new WireFormatError(`name at ${offset} runs past the end of the message`, { offset: pos });
    if (next === TOO_LONG)
      throw new WireFormatError(`name at ${offset} is longer than ${MAX_NAME_BYTES} bytes`, { offset });
    pos += next - w;
    w = next;
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      return { name: nameText(scratch, w), end };
    }
    if ((len & 0xc0) !== 0xc0)
      throw new WireFormatError(`unsupported label type 0x${len.toString(16)} at ${pos}`, { offset: pos });
    if (pos + 1 >= buf.length) throw new WireFormatError(`compression pointer at ${pos} is cut off`, { offset: pos });
    const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
    if (target >= pos)
      throw new WireFormatError(`compression pointer at ${pos} does not point backwards`, { offset: pos });
    if (++jumps > MAX_POINTER_JUMPS)
      throw new WireFormatError(`name at ${offset} has too many compression pointers`, { offset });
    if (end < 0) end = pos + 2;
    pos = target;
  }
}

/** A name as rdata (NS, CNAME): compressed names are read, uncompressed ones written. */
export const NAME: RdataCodec<string> = Object.freeze({
  encodingLength,
  encode,
  decode(buf: Buffer, offset: number, end: number): string {
    const name = readName(buf, offset);
    if (name.end !== end)
      throw new WireFormatError(`name of ${name.end - offset} bytes in rdata of ${end - offset}`, { offset });
    return name.name;
  },
});
