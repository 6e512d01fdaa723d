/**
 * The native UDP engine in TypeScript terms: sockets and threads that answer from a zone image
 * (zone-image.ts) and hand every other packet to `onPacket`, whose reply goes back through `send`.
 */
import type { CompiledZone } from '../answers.js';
import type { NativeUdpBinding } from './binding.js';
import { zoneImage } from './zone-image.js';
import { optRecord } from '../../dns-wire/writer.js';
import { InvalidArgumentError } from '../../../errors.js';

/** Most threads; the engine itself refuses more. */
export const MAX_NATIVE_THREADS = 64;

export interface NativeUdpEngineOptions {
  readonly host: string;
  /** 0: the kernel picks one, and every thread's socket joins it. */
  readonly port: number;
  /** Threads, each with its own SO_REUSEPORT socket; 0 opens no socket (probe() only). */
  readonly threads: number;
  readonly maxQueryBytes: number;
  readonly maxUdpPayload: number;
}

/** Counters since open, summed over the threads. */
export interface NativeUdpStats {
  readonly received: number;
  /** Answered by the engine itself (the rest went to JavaScript). */
  readonly answered: number;
  readonly truncated: number;
  readonly toJs: number;
  /** Handed to JavaScript, but its bounded queue was full: dropped. */
  readonly droppedOverload: number;
  readonly recvErrors: number;
  readonly sendErrors: number;
  /** Answers by rcode 0..5 (NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED). */
  readonly rcodes: readonly number[];
}

/** A packet the engine leaves to JavaScript: the query, which socket, the peer's raw address. */
export type PacketHandler = (socket: number, msg: Buffer, addr: Buffer) => void;

export class NativeUdpEngine {
  readonly port: number;
  readonly #binding: NativeUdpBinding;
  readonly #handle: object;
  #closed = false;

  private constructor(binding: NativeUdpBinding, handle: object, port: number) {
    this.#binding = binding;
    this.#handle = handle;
    this.port = port;
  }

  /** Binds every thread's socket (throws the bind error, e.g. code EADDRINUSE) and starts the threads. */
  static open(binding: NativeUdpBinding, options: NativeUdpEngineOptions, onPacket: PacketHandler): NativeUdpEngine {
    const { threads } = options;
    if (!Number.isInteger(threads) || threads < 0 || threads > MAX_NATIVE_THREADS)
      throw new InvalidArgumentError('threads', `${threads} is not an integer in 0..${MAX_NATIVE_THREADS}`);
    const opened = binding.open(
      {
        host: options.host,
        port: options.port,
        threads,
        maxQueryBytes: options.maxQueryBytes,
        maxUdpPayload: options.maxUdpPayload,
        opt: optRecord(options.maxUdpPayload),
      },
      onPacket,
    );
    return new NativeUdpEngine(binding, opened.handle, opened.port);
  }

  /** Every batch read after this answers from `zone` (one pointer swap: never a mix of two zones). */
  setZone(zone: CompiledZone): void {
    if (!this.#closed) this.#binding.setZone(this.#handle, zoneImage(zone));
  }

  /** Sends JavaScript's answer to a packet from `onPacket`; 0 or the errno of the failed send. */
  send(socket: number, data: Buffer, addr: Buffer): number {
    return this.#closed ? 0 : this.#binding.send(this.#handle, socket, data, addr);
  }

  /** What the threads would answer to `query` from the current zone, or null if they would hand it on. */
  probe(query: Buffer): Buffer | null {
    return this.#binding.probe(this.#handle, query);
  }

  stats(): NativeUdpStats {
    const v = this.#binding.stats(this.#handle);
    return {
      received: v[0]!,
      answered: v[1]!,
      truncated: v[2]!,
      toJs: v[3]!,
      droppedOverload: v[4]!,
      recvErrors: v[5]!,
      sendErrors: v[6]!,
      rcodes: v.slice(7, 13),
    };
  }

  /** Stops the threads (within milliseconds: their sockets are shut down) and closes the sockets; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#binding.close(this.#handle);
  }
}
