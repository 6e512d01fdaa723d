/**
 * The shape every rdata codec has (after dns-packet's): `encodingLength`, `encode` into a buffer at an
 * offset, and bounds-checked `decode` of the rdata at [offset, end) of a whole message (names in rdata may
 * point anywhere before it). Decoding throws WireFormatError and nothing else; encoding a value the wire
 * cannot carry throws WireFormatError labelled `usage`.
 */

export interface RdataCodec<T> {
  /** Bytes `value` takes on the wire. */
  encodingLength(value: T): number;
  /** Writes `value` at `offset` (the buffer has room for encodingLength(value)); returns the offset after it. */
  encode(value: T, buf: Buffer, offset: number): number;
  /** The value of the rdata at [offset, end) of `buf`. */
  decode(buf: Buffer, offset: number, end: number): T;
}

/** `value` encoded into a buffer of its own. */
export function encodeRdataWith<T>(codec: RdataCodec<T>, value: T): Buffer {
  const out = Buffer.alloc(codec.encodingLength(value));
  codec.encode(value, out, 0);
  return out;
}

/** The value of a whole rdata buffer. */
export function decodeRdataWith<T>(codec: RdataCodec<T>, rdata: Buffer): T {
  return codec.decode(rdata, 0, rdata.length);
}
