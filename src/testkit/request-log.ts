/**
 * What arrived at a simulated node, kept in a bounded ring buffer so long runs cannot grow memory:
 * tests read it to see which commands came in on which connection, in which order.
 */
import type { HostPort } from '../net/endpoint.js';
import { InvalidArgumentError } from '../errors.js';

export type RequestKind = 'accept' | 'close' | 'info' | 'admin' | 'data' | 'invalid';

export interface RequestLogEntry {
  /** Increases by one per entry of this log, also across evictions. */
  readonly seq: number;
  /** Date.now() when the entry was recorded. */
  readonly at: number;
  readonly nodeId: string;
  /** Per-node connection number, starting at 1. */
  readonly connection: number;
  /** The listener the connection arrived on. */
  readonly local: HostPort;
  readonly kind: RequestKind;
  /** Info commands in request order (kind `info`). */
  readonly commands?: readonly string[];
  /** Admin command code (kind `admin`), e.g. 20 for LOGIN. */
  readonly adminCommand?: number;
  /** Free text: the reason of an `invalid` frame, the result code sent, ... */
  readonly note?: string;
}

export const DEFAULT_REQUEST_LOG_SIZE = 1000;

export class RequestLog {
  private readonly slots: (RequestLogEntry | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity: number = DEFAULT_REQUEST_LOG_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new InvalidArgumentError('capacity', `${capacity} must be a positive integer`);
    this.slots = new Array<RequestLogEntry | undefined>(capacity);
  }

  /** Total entries ever recorded (including evicted ones). */
  get total(): number {
    return this.seq;
  }

  record(entry: Omit<RequestLogEntry, 'seq' | 'at'>): RequestLogEntry {
    const full: RequestLogEntry = Object.freeze({ ...entry, seq: ++this.seq, at: Date.now() });
    this.slots[this.next] = full;
    this.next = (this.next + 1) % this.capacity;
    return full;
  }

  /** Entries still held, oldest first. */
  entries(): readonly RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const entry = this.slots[(this.next + i) % this.capacity];
      if (entry) out.push(entry);
    }
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.next = 0;
  }
}
