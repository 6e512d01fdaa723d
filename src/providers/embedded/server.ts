/**
 * seedkeeper's own authoritative DNS server: one zone, UDP and TCP on the same port, answers from the
 * zone store's current snapshot (query.ts has the semantics). Malformed traffic is counted and dropped;
 * nothing a peer sends can throw out of a socket handler.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { RecordSet } from '../types.js';
import { Responder } from './query.js';
import { serveTcpConnection, TcpCounters } from './tcp.js';
import { ZoneStore, type SoaOptions } from './zone-store.js';

/** Not 53 (needs root). Same as the registrar's default `provider.listen`. */
export const DEFAULT_EMBEDDED_DNS_PORT = 5353;

export interface EmbeddedDnsLimits {
  /** UDP payload size we advertise with EDNS and the most we send over UDP. Default 1232 (DNS flag day 2020). */
  readonly maxUdpPayload: number;
  /** Larger queries are dropped (UDP) or close the connection (TCP). Default 4096. */
  readonly maxQueryBytes: number;
  /** A TCP connection without traffic for this long is closed. Default 10 s. */
  readonly tcpIdleTimeoutMs: number;
  /** Further TCP connections are refused (closed on accept). Default 256. */
  readonly maxTcpConnections: number;
  /** A TCP client that does not read its answers is paused beyond this many queued bytes. Default 256 KiB. */
  readonly tcpMaxBufferedBytes: number;
}

export const DEFAULT_EMBEDDED_DNS_LIMITS: EmbeddedDnsLimits = Object.freeze({
  maxUdpPayload: 1232,
  maxQueryBytes: 4096,
  tcpIdleTimeoutMs: 10_000,
  maxTcpConnections: 256,
  tcpMaxBufferedBytes: 256 * 1024,
});

type LogFn = (obj: Record<string, unknown>, msg: string) => void;
/** The subset of a pino logger the server uses. */
export interface EmbeddedDnsLogger {
  readonly info: LogFn;
  readonly warn: LogFn;
}

export interface EmbeddedDnsServerOptions {
  /** The zone served, e.g. `seed.example.com`. */
  readonly zone: string;
  /** IP address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Default DEFAULT_EMBEDDED_DNS_PORT; 0 picks a port free for both UDP and TCP. */
  readonly port?: number;
  /** Initial A/AAAA/TXT sets. */
  readonly records?: readonly RecordSet[];
  readonly soa?: SoaOptions;
  /** NS names at the apex. Default [soa.mname]. */
  readonly ns?: readonly string[];
  /** TTL of the NS set. Default 3600. */
  readonly nsTtl?: number;
  /** Rotate the order of A/AAAA answers per query (cyclic). Default true. */
  readonly rotate?: boolean;
  readonly limits?: Partial<EmbeddedDnsLimits>;
  readonly logger?: EmbeddedDnsLogger;
}

export interface EmbeddedDnsStats {
  readonly serial: number;
  readonly queries: { readonly udp: number; readonly tcp: number };
  /** Responses sent, by rcode name. */
  readonly responses: Readonly<Record<'noerror' | 'formerr' | 'servfail' | 'nxdomain' | 'notimp' | 'refused' | 'badvers', number>>;
  /** UDP responses replaced by a truncated one (TC). */
  readonly truncated: number;
  /** Packets not answered: unparseable, larger than maxQueryBytes, or responses (QR set). */
  readonly dropped: { readonly malformed: number; readonly oversize: number; readonly responses: number };
  readonly tcp: { readonly accepted: number; readonly open: number; readonly rejected: number; readonly closedMalformed: number; readonly idleTimeouts: number };
  /** Socket errors and failed sends. */
  readonly errors: number;
  /** Times the answers were re-encoded after a change of the zone. */
  readonly recompiles: number;
}

export interface EmbeddedDnsServer {
  readonly host: string;
  readonly port: number;
  readonly zone: string;
  readonly store: ZoneStore;
  stats(): EmbeddedDnsStats;
  /** Closes both sockets and every TCP connection; idempotent. */
  stop(): Promise<void>;
}

const SILENT: EmbeddedDnsLogger = { info: () => undefined, warn: () => undefined };
const FREE_PORT_ATTEMPTS = 20;
const ERROR_LOG_INTERVAL_MS = 10_000;

function bindUdp(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

/** UDP and TCP bound on the same port; with port 0, retries when the kernel's UDP pick is taken for TCP. */
async function bindBoth(host: string, port: number): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  const type = net.isIPv6(host) ? 'udp6' : 'udp4';
  for (let attempt = 1; ; attempt++) {
    const udp = dgram.createSocket({ type, reuseAddr: false });
    try {
      await bindUdp(udp, host, port);
    } catch (err) {
      await closeUdp(udp);
      throw err;
    }
    const actual = udp.address().port;
    const tcp = net.createServer({ noDelay: true });
    try {
      await listenTcp(tcp, host, actual);
      return { udp, tcp, port: actual };
    } catch (err) {
      await closeUdp(udp);
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port !== 0 || !inUse || attempt >= FREE_PORT_ATTEMPTS) throw err;
    }
  }
}

function resolveLimits(partial: Partial<EmbeddedDnsLimits> = {}): EmbeddedDnsLimits {
  const limits = { ...DEFAULT_EMBEDDED_DNS_LIMITS, ...partial };
  const check = (field: keyof EmbeddedDnsLimits, min: number, max: number): void => {
    const v = limits[field];
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`limits.${field}: ${v} is not an integer in ${min}..${max}`);
  };
  check('maxUdpPayload', 512, 65_535);
  check('maxQueryBytes', 512, 65_535);
  check('tcpIdleTimeoutMs', 1, 3_600_000);
  check('maxTcpConnections', 1, 100_000);
  check('tcpMaxBufferedBytes', 1024, 1 << 30);
  return limits;
}

export async function startEmbeddedDnsServer(options: EmbeddedDnsServerOptions): Promise<EmbeddedDnsServer> {
  const host = options.host ?? '127.0.0.1';
  if (net.isIP(host) === 0) throw new RangeError(`host: ${JSON.stringify(host)} is not an IP address`);
  const requestedPort = options.port ?? DEFAULT_EMBEDDED_DNS_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) throw new RangeError(`port: ${requestedPort} is not in 0..65535`);
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? SILENT;
  const store = new ZoneStore({
    zone: options.zone,
    records: options.records ?? [],
    soa: options.soa ?? {},
    ...(options.ns ? { ns: options.ns } : {}),
    ...(options.nsTtl !== undefined ? { nsTtl: options.nsTtl } : {}),
  });
  const responder = new Responder(store, { maxUdpPayload: limits.maxUdpPayload, maxQueryBytes: limits.maxQueryBytes, rotate: options.rotate ?? true });
  const { udp, tcp, port } = await bindBoth(host, requestedPort);
  const tcpCounters = new TcpCounters();
  const sockets = new Set<net.Socket>();
  let udpQueries = 0;
  let udpErrors = 0;
  let lastErrorLog = 0;

  const noteError = (where: string, err: unknown): void => {
    udpErrors++;
    const now = Date.now();
    if (now - lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLog = now;
    logger.warn({ zone: store.zone, where, error: String(err), errors: udpErrors }, 'embedded DNS server: socket error (further ones counted, logged at most every 10 s)');
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

  tcp.maxConnections = limits.maxTcpConnections;
  tcp.on('drop', () => tcpCounters.rejected++);
  tcp.on('error', (err) => noteError('tcp', err));
  const tcpLimits = { idleTimeoutMs: limits.tcpIdleTimeoutMs, maxQueryBytes: limits.maxQueryBytes, maxBufferedBytes: limits.tcpMaxBufferedBytes };
  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveTcpConnection(socket, responder, tcpLimits, tcpCounters);
  });
  logger.info({ zone: store.zone, host, port, serial: store.serial }, 'embedded DNS server listening (UDP and TCP)');

  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    zone: store.zone,
    store,
    stats(): EmbeddedDnsStats {
      const c = responder.counters;
      const r = c.rcodes;
      return {
        serial: store.serial,
        queries: { udp: udpQueries, tcp: tcpCounters.queries },
        responses: { noerror: r[0]!, formerr: r[1]!, servfail: r[2]!, nxdomain: r[3]!, notimp: r[4]!, refused: r[5]!, badvers: r[16]! },
        truncated: c.truncated,
        dropped: { malformed: c.droppedMalformed, oversize: c.droppedOversize, responses: c.droppedResponses },
        tcp: {
          accepted: tcpCounters.accepted,
          open: tcpCounters.open,
          rejected: tcpCounters.rejected,
          closedMalformed: tcpCounters.closedMalformed,
          idleTimeouts: tcpCounters.idleTimeouts,
        },
        errors: udpErrors + tcpCounters.errors,
        recompiles: c.compiles,
      };
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        const tcpClosed = new Promise<void>((resolve) => tcp.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await Promise.all([closeUdp(udp), tcpClosed]);
        logger.info({ zone: store.zone, host, port }, 'embedded DNS server stopped');
      })();
      return stopping;
    },
  };
}
