/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message is preceded by its 2-byte length; a client may send
 * several queries on one connection (pipelined), answered in order. A length prefix below 12 or above
 * `maxQueryBytes`, or a query that cannot be parsed, closes the connection at once; when the client stops
 * reading, we stop reading too. Deadlines belong to the guard (tcp-guard.ts): this module only tells it when
 * a message starts and when it is complete.
 */
import type net from 'node:net';
import type { Responder } from './query.js';
import type { TcpCounters, TcpTimes } from './tcp-guard.js';

export interface TcpLimits {
  readonly maxQueryBytes: number;
  /** Pause reading while this many response bytes wait to be sent. */
  readonly maxBufferedBytes: number;
}

/** Serves one accepted connection until it closes; never throws. */
export function serveTcpConnection(
  socket: net.Socket,
  responder: Responder,
  limits: TcpLimits,
  counters: TcpCounters,
  times: TcpTimes,
  now: () => number,
): void {
  counters.accepted++;
  counters.open++;
  let pending: Buffer | undefined;
  /** Set once we read nothing more from this peer. */
  let done = false;
  const destroy = (): void => {
    done = true;
    socket.destroy();
  };
  // A peer that broke the protocol: send the answers already written, then close; read nothing more.
  // If the peer does not read them, the guard's idle deadline destroys the socket.
  const reject = (): void => {
    done = true;
    counters.closedMalformed++;
    socket.uncork();
    socket.destroySoon();
  };
  socket.once('close', () => {
    done = true;
    counters.open--;
  });
  socket.on('error', () => {
    counters.errors++;
    destroy();
  });
  socket.on('data', (chunk: Buffer) => {
    if (done) return;
    try {
      const buf = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
      pending = undefined;
      let off = 0;
      socket.cork();
      try {
        // Bounded by the chunk: every message consumes at least 2 + 12 bytes.
        while (buf.length - off >= 2) {
          const len = buf.readUInt16BE(off);
          if (len < 12 || len > limits.maxQueryBytes) return reject();
          if (buf.length - off - 2 < len) break;
          const query = buf.subarray(off + 2, off + 2 + len);
          off += 2 + len;
          counters.queries++;
          times.messageStartedAt = undefined;
          times.lastMessageAt = now();
          const out = responder.respond(query, true);
          if (out === null) return reject();
          socket.write(out);
        }
      } finally {
        if (!done) socket.uncork();
      }
      if (off < buf.length) {
        pending = Buffer.from(buf.subarray(off)); // at most one partial message
        times.messageStartedAt ??= now(); // the deadline runs from its first byte, not from the latest one
      }
      if (socket.writableLength > limits.maxBufferedBytes && !socket.isPaused()) {
        socket.pause();
        socket.once('drain', () => {
          if (!done) socket.resume();
        });
      }
    } catch {
      counters.errors++;
      destroy();
    }
  });
}
