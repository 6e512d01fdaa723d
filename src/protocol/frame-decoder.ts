/**
 * Incremental message framing for a byte stream: feed chunks as they arrive, take complete messages out.
 * Used by our client connections and by the simulated server, so both enforce the same header rules.
 */
import { HEADER_SIZE, decodeHeader, type DecodeHeaderOptions, type ProtoHeader } from './header.js';

export interface Frame {
  readonly header: ProtoHeader;
  /** The complete header bytes, for callers (admin replies) that read fields inside them. */
  readonly headerBytes: Buffer;
  readonly body: Buffer;
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending: ProtoHeader | undefined;
  private pendingHeaderBytes: Buffer | undefined;

  constructor(private readonly options: DecodeHeaderOptions = {}) {}

  /** Bytes received but not yet returned as a frame, including a header already decoded for a partial body. */
  get bufferedBytes(): number {
    return this.buffered + (this.pending === undefined ? 0 : HEADER_SIZE);
  }

  /**
   * Add bytes; return every frame now complete. Throws ProtocolError / ResponseTooLargeError on a bad header,
   * after which the decoder (and the stream) must be discarded.
   */
  push(chunk: Buffer): Frame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.pending === undefined) {
        if (this.buffered < HEADER_SIZE) break;
        const headerBytes = this.take(HEADER_SIZE);
        this.pending = decodeHeader(headerBytes, this.options);
        this.pendingHeaderBytes = headerBytes;
      }
      if (this.buffered < this.pending.size) break;
      const body = this.take(this.pending.size);
      frames.push({ header: this.pending, headerBytes: this.pendingHeaderBytes!, body });
      this.pending = undefined;
      this.pendingHeaderBytes = undefined;
    }
    return frames;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    const out = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
