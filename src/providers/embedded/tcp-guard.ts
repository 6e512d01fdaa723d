/**
 * Who may hold a DNS-over-TCP connection, and for how long (the slowloris defence, RFC 7766 §6.2.3).
 * A connection's clock never restarts on a byte, only on a whole message:
 * - a message (from the first byte of its length prefix to its last byte) must arrive within
 *   `messageTimeoutMs`;
 * - between messages, a connection may stay idle for `idleTimeoutMs`;
 * - no connection lives longer than `lifetimeMs`, however busy.
 * One source (an IPv4 address, or an IPv6 /64: one host's share) holds at most `maxConnectionsPerSource`;
 * beyond it the new connection is refused. At `maxConnections`, a new connection evicts the one that has
 * waited longest for its current message (or idled longest): trickling attackers are always the oldest
 * waiters, while a real query completes within a round trip of arriving, so it gets a slot.
 * Deadlines are checked by a sweep every quarter of the shortest one; the decisions are pure functions.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type net from 'node:net';
import { ipv6Bytes } from '../../net/ip.js';
import { unmapIpv4 } from '../../net/endpoint.js';

export interface TcpGuardLimits {
  readonly messageTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly lifetimeMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
}

export type TcpExpiry = 'message_timeout' | 'idle_timeout' | 'lifetime';

/** The timestamps one connection's fate depends on (ms, from the guard's clock). */
export interface TcpTimes {
  readonly acceptedAt: number;
  /** First byte of the message in progress; undefined between messages. */
  messageStartedAt: number | undefined;
  /** End of the last complete message (or the accept). */
  lastMessageAt: number;
}

/** Why this connection must close now, if it must. */
export function tcpExpiry(t: TcpTimes, now: number, limits: TcpGuardLimits): TcpExpiry | undefined {
  if (now - t.acceptedAt >= limits.lifetimeMs) return 'lifetime';
  if (t.messageStartedAt !== undefined)
    return now - t.messageStartedAt >= limits.messageTimeoutMs ? 'message_timeout' : undefined;
  return now - t.lastMessageAt >= limits.idleTimeoutMs ? 'idle_timeout' : undefined;
}

/** Since when the connection has been waiting for something from its peer. */
export function waitingSince(t: TcpTimes): number {
  return t.messageStartedAt ?? t.lastMessageAt;
}

/** The connection that has waited longest (ties: the first), or undefined for none. */
export function evictionVictim<T extends TcpTimes>(connections: Iterable<T>): T | undefined {
  let victim: T | undefined;
  for (const c of connections) if (victim === undefined || waitingSince(c) < waitingSince(victim)) victim = c;
  return victim;
}

/** The per-source key: IPv4 as is (also from `::ffff:a.b.c.d`), IPv6 by its /64 prefix. */
export function sourceKey(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const mapped = unmapIpv4(address) ?? address;
  if (isIPv4(mapped)) return mapped;
  if (!isIPv6(address)) return 'unknown';
  const bare = address.split('%')[0]!;
  return `${ipv6Bytes(bare).subarray(0, 8).toString('hex')}/64`;
}

export class TcpCounters {
  accepted = 0;
  open = 0;
  queries = 0;
  closedMalformed = 0;
  errors = 0;
  rejectedPerSource = 0;
  evicted = 0;
  messageTimeouts = 0;
  idleTimeouts = 0;
  lifetimes = 0;
}

/** One admitted connection. */
export class TcpConnection implements TcpTimes {
  readonly socket: net.Socket;
  readonly source: string;
  readonly acceptedAt: number;
  messageStartedAt: number | undefined = undefined;
  lastMessageAt: number;
  released = false;

  constructor(socket: net.Socket, source: string, now: number) {
    this.socket = socket;
    this.source = source;
    this.acceptedAt = now;
    this.lastMessageAt = now;
  }
}

/** Told when a limit closes or refuses a connection (rate-limit it: a peer can trigger it at will). */
export type TcpLimitListener = (event: 'refused_per_source' | 'evicted' | TcpExpiry, source: string) => void;

export class TcpGuard {
  readonly #limits: TcpGuardLimits;
  readonly #counters: TcpCounters;
  readonly #now: () => number;
  readonly #onLimit: TcpLimitListener;
  readonly #connections = new Set<TcpConnection>();
  readonly #perSource = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    limits: TcpGuardLimits,
    counters: TcpCounters,
    now: () => number,
    onLimit: TcpLimitListener = () => undefined,
  ) {
    this.#limits = limits;
    this.#counters = counters;
    this.#now = now;
    this.#onLimit = onLimit;
  }

  get size(): number {
    return this.#connections.size;
  }

  /** Admits `socket` (evicting the longest waiter at the total cap) or destroys it; never throws. */
  admit(socket: net.Socket): TcpConnection | undefined {
    const source = sourceKey(socket.remoteAddress);
    if ((this.#perSource.get(source) ?? 0) >= this.#limits.maxConnectionsPerSource) {
      this.#counters.rejectedPerSource++;
      socket.destroy();
      this.#onLimit('refused_per_source', source);
      return undefined;
    }
    for (let i = 0; i < 4 && this.#connections.size >= this.#limits.maxConnections; i++) {
      const victim = evictionVictim(this.#connections);
      if (victim === undefined) break;
      this.#counters.evicted++;
      this.close(victim);
      this.#onLimit('evicted', victim.source);
    }
    const connection = new TcpConnection(socket, source, this.#now());
    this.#connections.add(connection);
    this.#perSource.set(source, (this.#perSource.get(source) ?? 0) + 1);
    socket.once('close', () => this.#release(connection));
    return connection;
  }

  /** Closes every connection whose deadline passed. */
  sweep(): void {
    const now = this.#now();
    for (const c of [...this.#connections]) {
      const why = tcpExpiry(c, now, this.#limits);
      if (why === undefined) continue;
      if (why === 'lifetime') this.#counters.lifetimes++;
      else if (why === 'message_timeout') this.#counters.messageTimeouts++;
      else this.#counters.idleTimeouts++;
      this.close(c);
      this.#onLimit(why, c.source);
    }
  }

  /** Destroys the connection's socket and frees its slot at once. */
  close(connection: TcpConnection): void {
    this.#release(connection);
    connection.socket.destroy();
  }

  /** Sweeps every quarter of the shortest deadline (10 ms to 1 s) until stop(). */
  start(): void {
    const { messageTimeoutMs, idleTimeoutMs, lifetimeMs } = this.#limits;
    const every = Math.min(1000, Math.max(10, Math.floor(Math.min(messageTimeoutMs, idleTimeoutMs, lifetimeMs) / 4)));
    this.#timer ??= setInterval(() => this.sweep(), every).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const c of [...this.#connections]) this.close(c);
  }

  #release(connection: TcpConnection): void {
    if (connection.released) return;
    connection.released = true;
    this.#connections.delete(connection);
    const left = (this.#perSource.get(connection.source) ?? 1) - 1;
    if (left > 0) this.#perSource.set(connection.source, left);
    else this.#perSource.delete(connection.source);
  }
}
