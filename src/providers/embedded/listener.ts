/**
 * One process's share of the serving: answers what arrives on a bound UDP socket and a listening TCP server
 * from a Responder, behind the TCP guard, and counts. Used as-is by the single-process server and by each
 * worker of a multi-worker one (workers.ts), so both serve exactly the same way.
 */
import type dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import type { EmbeddedDnsLimits } from './limits.js';
import type { Responder } from './query.js';
import { serveTcpConnection } from './tcp.js';
import { TcpCounters, TcpGuard } from './tcp-guard.js';

/** Counters of one listener; plain numbers so they cross a process boundary as JSON and add up. */
export interface ListenerStats {
  readonly queries: { readonly udp: number; readonly tcp: number };
  readonly responses: Readonly<
    Record<'noerror' | 'formerr' | 'servfail' | 'nxdomain' | 'notimp' | 'refused' | 'badvers', number>
  >;
  readonly truncated: number;
  readonly dropped: {
    readonly malformed: number;
    readonly oversize: number;
    readonly responses: number;
    /** UDP packets the native engine could not hand to JavaScript in time (its bounded queue was full). */
    readonly overload: number;
  };
  readonly tcp: {
    readonly accepted: number;
    readonly open: number;
    readonly rejected: number;
    readonly rejectedPerSource: number;
    readonly evicted: number;
    readonly closedMalformed: number;
    readonly idleTimeouts: number;
    readonly messageTimeouts: number;
    readonly lifetimes: number;
  };
  readonly errors: number;
  readonly recompiles: number;
}

/**
 * dgram's address lookup: an IP literal (every reply address, our validated host) resolves to itself at once;
 * the default (dns.lookup) defers each send by a tick, a cost on every answer.
 */
export function literalLookup(
  hostname: string,
  options: dns.LookupOneOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = net.isIP(hostname);
  if (family === 0) dns.lookup(hostname, options, callback);
  else callback(null, hostname, family);
}

/** Rate-limited warning: (key, fields, message). */
export type NoteFn = (key: string, fields: Record<string, unknown>, msg: string) => void;

/** Whatever answers the queries of a server: this process, its workers, or the native engine's threads. */
export interface Serving {
  stats(): ListenerStats;
  /** Resolves once everything that answers queries serves the store's current snapshot. */
  settled(): Promise<void>;
  pids(): readonly number[];
  stop(): Promise<void>;
}

export interface Listener {
  stats(): ListenerStats;
  /** Stops the TCP guard's timers; the caller closes the sockets. */
  stop(): void;
}

/** Serves DNS over TCP on `tcp` from `responder`, behind the TCP guard (deadlines, caps, eviction). */
export function serveTcp(
  tcp: net.Server,
  responder: Responder,
  limits: EmbeddedDnsLimits,
  note: NoteFn,
  now: () => number,
): { readonly counters: TcpCounters; stop(): void } {
  const counters = new TcpCounters();
  const guard = new TcpGuard(
    {
      messageTimeoutMs: limits.tcpMessageTimeoutMs,
      idleTimeoutMs: limits.tcpIdleTimeoutMs,
      lifetimeMs: limits.tcpLifetimeMs,
      maxConnections: limits.maxTcpConnections,
      maxConnectionsPerSource: limits.maxTcpConnectionsPerSource,
    },
    counters,
    now,
    (event, source) =>
      note(
        `tcp ${event}`,
        { event, source },
        `embedded DNS server: TCP connection ${event === 'refused_per_source' ? 'refused (per-source cap)' : `closed (${event})`}`,
      ),
  );
  tcp.on('error', (err) => {
    counters.errors++;
    note(
      'error tcp',
      { where: 'tcp', error: String(err), errors: counters.errors },
      'embedded DNS server: socket error',
    );
  });
  const tcpLimits = { maxQueryBytes: limits.maxQueryBytes, maxBufferedBytes: limits.tcpMaxBufferedBytes };
  tcp.on('connection', (socket) => {
    const connection = guard.admit(socket);
    if (connection) serveTcpConnection(socket, responder, tcpLimits, counters, connection, now);
  });
  guard.start();
  return { counters, stop: () => guard.stop() };
}

/** Responses by name from counts indexed by rcode (BADVERS = 16; absent counts are 0). */
export function responsesByRcode(r: readonly number[]): ListenerStats['responses'] {
  const at = (i: number): number => r[i] ?? 0;
  return {
    noerror: at(0),
    formerr: at(1),
    servfail: at(2),
    nxdomain: at(3),
    notimp: at(4),
    refused: at(5),
    badvers: at(16),
  };
}

/** A listener's counters from its responder (UDP and TCP answers), its TCP counters and its UDP socket's. */
export function listenerStats(
  responder: Responder,
  t: TcpCounters,
  udp: { readonly queries: number; readonly errors: number },
): ListenerStats {
  const c = responder.counters;
  return {
    queries: { udp: udp.queries, tcp: t.queries },
    responses: responsesByRcode(c.rcodes),
    truncated: c.truncated,
    dropped: {
      malformed: c.droppedMalformed,
      oversize: c.droppedOversize,
      responses: c.droppedResponses,
      overload: 0,
    },
    tcp: {
      accepted: t.accepted,
      open: t.open,
      rejected: t.rejectedPerSource + t.evicted,
      rejectedPerSource: t.rejectedPerSource,
      evicted: t.evicted,
      closedMalformed: t.closedMalformed,
      idleTimeouts: t.idleTimeouts,
      messageTimeouts: t.messageTimeouts,
      lifetimes: t.lifetimes,
    },
    errors: udp.errors + t.errors,
    recompiles: c.compiles,
  };
}

/** Serves a bound dgram UDP socket and a listening TCP server from `responder` in this process. */
export function serveOn(
  udp: dgram.Socket,
  tcp: net.Server,
  responder: Responder,
  limits: EmbeddedDnsLimits,
  note: NoteFn,
  now: () => number,
): Listener {
  let udpQueries = 0;
  let udpErrors = 0;
  const noteError = (where: string, err: unknown): void => {
    udpErrors++;
    note(`error ${where}`, { where, error: String(err), errors: udpErrors }, 'embedded DNS server: socket error');
  };

  udp.on('error', (err) => noteError('udp', err));
  udp.on('message', (msg, rinfo) => {
    udpQueries++;
    let out: Buffer | null;
    try {
      out = responder.respond(msg, false);
    } catch (err) {
      noteError('answer', err);
      return;
    }
    if (out === null) return;
    try {
      udp.send(out, rinfo.port, rinfo.address); // send errors arrive as 'error' events
    } catch (err) {
      noteError('udp send', err);
    }
  });
  const tcpServing = serveTcp(tcp, responder, limits, note, now);
  return {
    stats: () => listenerStats(responder, tcpServing.counters, { queries: udpQueries, errors: udpErrors }),
    stop: () => tcpServing.stop(),
  };
}

type Tree = { readonly [key: string]: number | Tree };

const Z = { udp: 0, tcp: 0 };
export const ZERO_LISTENER_STATS: ListenerStats = Object.freeze({
  queries: Z,
  responses: { noerror: 0, formerr: 0, servfail: 0, nxdomain: 0, notimp: 0, refused: 0, badvers: 0 },
  truncated: 0,
  dropped: { malformed: 0, oversize: 0, responses: 0, overload: 0 },
  tcp: {
    accepted: 0,
    open: 0,
    rejected: 0,
    rejectedPerSource: 0,
    evicted: 0,
    closedMalformed: 0,
    idleTimeouts: 0,
    messageTimeouts: 0,
    lifetimes: 0,
  },
  errors: 0,
  recompiles: 0,
});

/** Field-by-field sum of listener stats (every worker's, for the server's stats()). */
export function sumStats(all: readonly ListenerStats[], zero: ListenerStats = ZERO_LISTENER_STATS): ListenerStats {
  const add = (a: Tree, b: Tree): Tree => {
    const out: Record<string, number | Tree> = {};
    for (const [k, v] of Object.entries(a)) {
      const w = b[k];
      out[k] = typeof v === 'number' ? v + (typeof w === 'number' ? w : 0) : add(v, typeof w === 'object' ? w : {});
    }
    return out;
  };
  return all.reduce<Tree>(
    (acc, s) => add(acc, s as unknown as Tree),
    zero as unknown as Tree,
  ) as unknown as ListenerStats;
}
