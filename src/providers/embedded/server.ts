/**
 * seedkeeper's own authoritative DNS server: one zone, UDP and TCP on the same port, answers from the
 * zone store's current snapshot (query.ts has the semantics). Malformed traffic is counted and dropped;
 * nothing a peer sends can throw out of a socket handler.
 */
import dgram from 'node:dgram';
import os from 'node:os';
import net from 'node:net';
import { canonicalName } from '../../records/canonical.js';
import type { RecordSet } from '../../records/types.js';
import { Responder } from './query.js';
import { resolveLimits, type EmbeddedDnsLimits } from './limits.js';
import { LogLimiter } from './log-limiter.js';
import { readZoneStateFile, ZonePersister } from './state-file.js';
import { literalLookup, serveOn, type ListenerStats, type NoteFn } from './listener.js';
import { WorkerPool } from './workers.js';
import type { ZoneState } from './zone-state.js';
import { ZoneStore, type SoaOptions } from './zone-store.js';
import { InvalidArgumentError } from '../../errors.js';

/**
 * Not 53 (that needs CAP_NET_BIND_SERVICE), not 5353 (multicast DNS: avahi, systemd-resolved), 5355 (LLMNR),
 * 5053 (cloudflared), 5335 (unbound next to Pi-hole), 8053 (BIND's statistics channel, bind_exporter),
 * 8600 (Consul) or 10053 (kube-dns); below Linux's ephemeral range (32768+), so never taken by an outgoing
 * connection. Same as the registrar's default `provider.listen`.
 */
export const DEFAULT_EMBEDDED_DNS_PORT = 15353;

export { DEFAULT_EMBEDDED_DNS_LIMITS, type EmbeddedDnsLimits } from './limits.js';

type LogFn = (obj: Record<string, unknown>, msg: string) => void;
/** The subset of a pino logger the server uses. */
export interface EmbeddedDnsLogger {
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error?: LogFn;
}

export interface EmbeddedDnsServerOptions {
  /** The zone served, e.g. `seed.example.com`. */
  readonly zone: string;
  /** IP address to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Default DEFAULT_EMBEDDED_DNS_PORT; 0 picks a port free for both UDP and TCP. */
  readonly port?: number;
  /**
   * Initial A/AAAA/TXT sets; given (even empty), the zone is loaded. Without them (and without a state file)
   * every name in the zone answers SERVFAIL until the first change: never NXDOMAIN for a name not yet known.
   */
  readonly records?: readonly RecordSet[];
  /**
   * Keep the zone in this file (written atomically after every change) and serve it from the first packet
   * after a restart; it wins over `records`. An unreadable or corrupt file is logged and the zone starts
   * not loaded; the next change overwrites the file. Default: none (memory only).
   */
  readonly stateFile?: string;
  readonly soa?: SoaOptions;
  /** NS names at the apex. Default [soa.mname]. */
  readonly ns?: readonly string[];
  /** TTL of the NS set. Default 3600. */
  readonly nsTtl?: number;
  /** Rotate the order of A/AAAA answers per query (cyclic). Default true. */
  readonly rotate?: boolean;
  readonly limits?: Partial<EmbeddedDnsLimits>;
  readonly logger?: EmbeddedDnsLogger;
  /**
   * Processes answering queries: 1 serves from this process (as before); more fork that many `cluster`
   * workers sharing the UDP socket and TCP listener, each with its own copy of the zone (see workers.ts).
   * `'auto'` = the number of cores. Default 1 (the registrar's config defaults to `'auto'`).
   */
  readonly workers?: number | 'auto';
  /** Clock of the TCP deadlines (ms). Default Date.now. */
  readonly now?: () => number;
}

/**
 * Counters since start. With workers, the sum over all of them (a dead worker's last report included),
 * each reported every second, so up to a second behind.
 */
export interface EmbeddedDnsStats extends ListenerStats {
  readonly serial: number;
  /** The state file: successful and failed writes; whether the zone was restored from it at start. */
  readonly state: { readonly writes: number; readonly failures: number; readonly restored: boolean };
}

/** Most workers; more than a few per core only adds context switches. */
export const MAX_EMBEDDED_WORKERS = 64;
const WORKER_STATS_INTERVAL_MS = 1000;

function resolveWorkers(value: number | 'auto' | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.min(os.availableParallelism(), MAX_EMBEDDED_WORKERS);
  if (!Number.isInteger(value) || value < 1 || value > MAX_EMBEDDED_WORKERS)
    throw new InvalidArgumentError('workers', `${value} is not 'auto' or an integer in 1..${MAX_EMBEDDED_WORKERS}`);
  return value;
}

interface Serving {
  stats(): ListenerStats;
  /** Resolves once everything that answers queries serves the store's current snapshot. */
  settled(): Promise<void>;
  pids(): readonly number[];
  stop(): Promise<void>;
}

export interface EmbeddedDnsServer {
  readonly host: string;
  readonly port: number;
  readonly zone: string;
  readonly store: ZoneStore;
  /** Processes answering queries (1: this one). */
  readonly workers: number;
  /** Process ids of the live workers; empty with one worker (this process answers). */
  workerPids(): readonly number[];
  stats(): EmbeddedDnsStats;
  /**
   * Resolves once the current zone is in the state file (or its write failed) and every worker serves it
   * (a replaced worker starts with it); never rejects.
   */
  flush(): Promise<void>;
  /** Closes both sockets and every TCP connection; idempotent. */
  stop(): Promise<void>;
}

const SILENT: EmbeddedDnsLogger = { info: () => undefined, warn: () => undefined };
const LIMIT_LOG_INTERVAL_MS = 10_000;
const FREE_PORT_ATTEMPTS = 20;

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
    const udp = dgram.createSocket({ type, reuseAddr: false, lookup: literalLookup });
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

/** The persisted zone, or undefined (logged) when there is none or it cannot be used. */
async function restore(
  file: string | undefined,
  zone: string,
  logger: EmbeddedDnsLogger,
): Promise<ZoneState | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readZoneStateFile(file, zone);
  } catch (error) {
    unusableState(logger, file, zone, error);
    return undefined;
  }
}

function unusableState(logger: EmbeddedDnsLogger, file: string, zone: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  (logger.error ?? logger.warn)(
    { zone, stateFile: file, code: (error as { code?: string }).code, error: message },
    `embedded DNS server: cannot use the state file ${file} (${message}); serving SERVFAIL until the first publish, which overwrites it`,
  );
}

export async function startEmbeddedDnsServer(options: EmbeddedDnsServerOptions): Promise<EmbeddedDnsServer> {
  const host = options.host ?? '127.0.0.1';
  if (net.isIP(host) === 0) throw new InvalidArgumentError('host', `${JSON.stringify(host)} is not an IP address`);
  const requestedPort = options.port ?? DEFAULT_EMBEDDED_DNS_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535)
    throw new InvalidArgumentError('port', `${requestedPort} is not in 0..65535`);
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? SILENT;
  const now = options.now ?? Date.now;
  let restored = await restore(options.stateFile, canonicalName(options.zone), logger);
  const soa = options.soa ?? {};
  const buildStore = (state: ZoneState | undefined): ZoneStore =>
    new ZoneStore({
      zone: options.zone,
      // The persisted zone wins; its serial never goes backwards (a secondary would ignore a lower one).
      ...(state ? { records: state.sets } : options.records ? { records: options.records } : {}),
      soa: state ? { ...soa, serial: Math.max(state.serial, soa.serial ?? Math.floor(Date.now() / 1000)) } : soa,
      ...(options.ns ? { ns: options.ns } : {}),
      ...(options.nsTtl !== undefined ? { nsTtl: options.nsTtl } : {}),
    });
  let store: ZoneStore;
  try {
    store = buildStore(restored);
  } catch (error) {
    if (restored === undefined) throw error; // the caller's own options are wrong
    unusableState(logger, options.stateFile!, canonicalName(options.zone), error);
    restored = undefined;
    store = buildStore(undefined);
  }
  const limited = new LogLimiter(
    (fields, msg) => logger.warn({ zone: store.zone, ...fields }, msg),
    LIMIT_LOG_INTERVAL_MS,
    now,
  );
  const persister =
    options.stateFile === undefined
      ? undefined
      : new ZonePersister({
          file: options.stateFile,
          onError: (error) =>
            limited.note(
              'state',
              { stateFile: options.stateFile, error: String(error) },
              `embedded DNS server: cannot write the state file ${options.stateFile}; the zone is served from memory and written again on the next change`,
            ),
        });
  if (persister) store.onChange((snapshot) => persister.save(snapshot));
  const workers = resolveWorkers(options.workers);
  const rotate = options.rotate ?? true;
  const note: NoteFn = (key, fields, msg) => limited.note(key, fields, msg);
  let serving: Serving;
  let port: number;
  if (workers === 1) {
    const responder = new Responder(store, {
      maxUdpPayload: limits.maxUdpPayload,
      maxQueryBytes: limits.maxQueryBytes,
      rotate,
    });
    const bound = await bindBoth(host, requestedPort);
    port = bound.port;
    const listener = serveOn(bound.udp, bound.tcp, responder, limits, note, now);
    serving = {
      stats: () => listener.stats(),
      settled: () => Promise.resolve(),
      pids: () => [],
      stop: async () => {
        listener.stop();
        await Promise.all([closeUdp(bound.udp), new Promise<void>((resolve) => bound.tcp.close(() => resolve()))]);
      },
    };
  } else {
    // The port is picked (port 0) or checked here, released, and bound again by the cluster primary for the workers.
    const probe = await bindBoth(host, requestedPort);
    port = probe.port;
    await Promise.all([closeUdp(probe.udp), new Promise<void>((resolve) => probe.tcp.close(() => resolve()))]);
    const pool = await WorkerPool.start({
      count: workers,
      config: { host, port, limits, rotate, statsIntervalMs: WORKER_STATS_INTERVAL_MS },
      initial: store.snapshot(),
      logger,
    });
    store.onChange((snapshot) => pool.publish(snapshot));
    serving = {
      stats: () => pool.stats(),
      settled: () => pool.settled(),
      pids: () => pool.pids(),
      stop: () => pool.stop(),
    };
  }
  logger.info(
    {
      zone: store.zone,
      host,
      port,
      workers,
      serial: store.serial,
      loaded: store.snapshot().loaded,
      stateFile: options.stateFile,
      restored: restored !== undefined,
    },
    'embedded DNS server listening (UDP and TCP)',
  );

  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    zone: store.zone,
    store,
    workers,
    workerPids: () => serving.pids(),
    stats(): EmbeddedDnsStats {
      return {
        serial: store.serial,
        ...serving.stats(),
        state: { writes: persister?.writes ?? 0, failures: persister?.failures ?? 0, restored: restored !== undefined },
      };
    },
    flush: async () => {
      await Promise.all([persister?.flush(), serving.settled()]);
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        persister?.cancelRetry();
        await Promise.all([serving.stop(), persister?.flush()]);
        logger.info({ zone: store.zone, host, port }, 'embedded DNS server stopped');
      })();
      return stopping;
    },
  };
}
