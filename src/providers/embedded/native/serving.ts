/**
 * Serving with the native UDP engine: its threads answer UDP from the zone image, this process's responder
 * answers what they hand over (and every TCP query, behind the same guard as ever). Both read the same
 * compiled zone: the image is made from the responder's compilation each time the store changes.
 */
import net from 'node:net';
import type { EmbeddedDnsLimits } from '../limits.js';
import {
  listenerStats,
  responsesByRcode,
  serveTcp,
  sumStats,
  ZERO_LISTENER_STATS,
  type NoteFn,
  type Serving,
} from '../listener.js';
import type { Responder } from '../query.js';
import { closeTcp, FREE_PORT_ATTEMPTS, listenTcp } from '../sockets.js';
import type { ZoneStore } from '../zone-store.js';
import type { NativeUdpBinding } from './binding.js';
import { NativeUdpEngine } from './engine.js';

export interface NativeServingOptions {
  readonly binding: NativeUdpBinding;
  readonly host: string;
  readonly port: number;
  readonly threads: number;
  readonly store: ZoneStore;
  readonly responder: Responder;
  readonly limits: EmbeddedDnsLimits;
  readonly note: NoteFn;
  readonly now: () => number;
}

export async function serveNative(
  o: NativeServingOptions,
): Promise<{ readonly port: number; readonly serving: Serving }> {
  let jsErrors = 0;
  const noteError = (where: string, err: unknown): void => {
    jsErrors++;
    o.note(`error ${where}`, { where, error: String(err), errors: jsErrors }, 'embedded DNS server: socket error');
  };
  let engine: NativeUdpEngine | undefined;
  const onPacket = (socket: number, msg: Buffer, addr: Buffer): void => {
    let out: Buffer | null;
    try {
      out = o.responder.respond(msg, false);
    } catch (err) {
      noteError('answer', err);
      return;
    }
    if (out === null || engine === undefined) return;
    const errno = engine.send(socket, out, addr);
    if (errno !== 0) noteError('udp send', `errno ${errno}`);
  };
  let tcp: net.Server | undefined;
  for (let attempt = 1; tcp === undefined; attempt++) {
    engine = NativeUdpEngine.open(
      o.binding,
      {
        host: o.host,
        port: o.port,
        threads: o.threads,
        maxQueryBytes: o.limits.maxQueryBytes,
        maxUdpPayload: o.limits.maxUdpPayload,
      },
      onPacket,
    );
    const server = net.createServer({ noDelay: true });
    try {
      await listenTcp(server, o.host, engine.port);
      tcp = server;
    } catch (err) {
      engine.close();
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (o.port !== 0 || !inUse || attempt >= FREE_PORT_ATTEMPTS) throw err;
    }
  }
  const udp = engine!;
  udp.setZone(o.responder.zone());
  const unsubscribe = o.store.onChange(() => udp.setZone(o.responder.zone()));
  const tcpServing = serveTcp(tcp, o.responder, o.limits, o.note, o.now);
  return {
    port: udp.port,
    serving: {
      stats() {
        const n = udp.stats();
        const fromJs = listenerStats(o.responder, tcpServing.counters, {
          queries: n.received,
          errors: jsErrors + n.recvErrors + n.sendErrors,
        });
        return sumStats([
          fromJs,
          {
            ...ZERO_LISTENER_STATS,
            responses: responsesByRcode(n.rcodes),
            truncated: n.truncated,
            dropped: { ...ZERO_LISTENER_STATS.dropped, overload: n.droppedOverload },
          },
        ]);
      },
      settled: () => Promise.resolve(), // setZone is synchronous: the next batch already answers from it
      pids: () => [],
      stop: async () => {
        unsubscribe();
        tcpServing.stop();
        udp.close();
        await closeTcp(tcp);
      },
    },
  };
}
