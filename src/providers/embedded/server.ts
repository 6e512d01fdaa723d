/**
 * seedkeeper's own authoritative DNS server: one zone, UDP and TCP on the same port, answers from the
 * zone store's current snapshot (query.ts has the semantics). Malformed traffic is counted and dropped;
 * nothing a peer sends can throw out of a socket handler.
 */
import os from 'node:os';
import net from 'node:net';
import { canonicalName } from '../../records/canonical.js';
import type { RecordSet } from '../../records/types.js';
import { Responder } from './query.js';
import { resolveLimits, type EmbeddedDnsLimits } from './limits.js';
import { LogLimiter } from './log-limiter.js';
import { readZoneStateFile, ZonePersister } from './state-file.js';
import { serveOn, type ListenerStats, type NoteFn, type Serving } from './listener.js';
import { loadNativeUdp, type NativeUdpBinding } from './native/binding.js';
import { serveNative } from './native/serving.js';
import { bindBoth, closeTcp, closeUdp } from './sockets.js';
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

export type EmbeddedDnsEngine = 'auto' | 'native' | 'node';
export const EMBEDDED_DNS_ENGINES: readonly EmbeddedDnsEngine[] = ['auto', 'native', 'node'];

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
   * What reads and writes UDP. `native`: the native engine (native/udp): threads with a socket each
   * (SO_REUSEPORT) answer from the pre-encoded zone and hand everything else to this process; start fails if
   * it is not built or cannot load. `node`: Node's dgram, in this process or `cluster` workers. `auto`
   * (default): native when it loads, else node, saying why once at start.
   */
  readonly engine?: EmbeddedDnsEngine;
  /**
   * Answering workers: with the native engine, threads (each its own socket; the kernel spreads clients over
   * them); with node, processes (1 = this one; more fork `cluster` workers that share one socket, see
   * workers.ts). `'auto'`: one thread per core with native, this one process with node (on Node 20 forked
   * workers do not scale with cores). Default 'auto'.
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

function resolveWorkers(value: number | 'auto' | undefined, native: boolean): number {
  if (value === undefined || value === 'auto')
    return native ? Math.min(os.availableParallelism(), MAX_EMBEDDED_WORKERS) : 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_EMBEDDED_WORKERS)
    throw new InvalidArgumentError('workers', `${value} is not 'auto' or an integer in 1..${MAX_EMBEDDED_WORKERS}`);
  return value;
}

/** The engine to use: native if asked or if `auto` and it loads; the reason when it was not used. */
function chooseEngine(engine: EmbeddedDnsEngine | undefined): {
  readonly binding?: NativeUdpBinding;
  readonly why?: string;
} {
  const choice = engine ?? 'auto';
  if (!EMBEDDED_DNS_ENGINES.includes(choice))
    throw new InvalidArgumentError(
      'engine',
      `${JSON.stringify(choice)} is not one of ${EMBEDDED_DNS_ENGINES.join(', ')}`,
    );
  if (choice === 'node') return { why: 'engine: node' };
  const native = loadNativeUdp();
  if (native.ok) return { binding: native.binding };
  if (choice === 'native')
    throw new InvalidArgumentError('engine', `the native UDP engine ${native.reason} (${native.file})`);
  return { why: `the native UDP engine ${native.reason}` };
}

export interface EmbeddedDnsServer {
  readonly host: string;
  readonly port: number;
  readonly zone: string;
  readonly store: ZoneStore;
  /** What reads and writes UDP (see EmbeddedDnsServerOptions.engine). */
  readonly engine: 'native' | 'node';
  /** Threads (native) or processes (node; 1: this one) answering UDP queries. */
  readonly workers: number;
  /** Process ids of the live workers; empty with one worker (this process answers) and with native threads. */
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
  const chosen = chooseEngine(options.engine);
  const engine = chosen.binding ? 'native' : 'node';
  const workers = resolveWorkers(options.workers, engine === 'native');
  const rotate = options.rotate ?? true;
  const note: NoteFn = (key, fields, msg) => limited.note(key, fields, msg);
  let serving: Serving;
  let port: number;
  const responder = (): Responder =>
    new Responder(store, { maxUdpPayload: limits.maxUdpPayload, maxQueryBytes: limits.maxQueryBytes, rotate });
  if (chosen.binding) {
    ({ port, serving } = await serveNative({
      binding: chosen.binding,
      host,
      port: requestedPort,
      threads: workers,
      store,
      responder: responder(),
      limits,
      note,
      now,
    }));
  } else if (workers === 1) {
    const bound = await bindBoth(host, requestedPort);
    port = bound.port;
    const listener = serveOn(bound.udp, bound.tcp, responder(), limits, note, now);
    serving = {
      stats: () => listener.stats(),
      settled: () => Promise.resolve(),
      pids: () => [],
      stop: async () => {
        listener.stop();
        await Promise.all([closeUdp(bound.udp), closeTcp(bound.tcp)]);
      },
    };
  } else {
    // The port is picked (port 0) or checked here, released, and bound again by the cluster primary for the workers.
    const probe = await bindBoth(host, requestedPort);
    port = probe.port;
    await Promise.all([closeUdp(probe.udp), closeTcp(probe.tcp)]);
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
      engine,
      ...(chosen.why !== undefined ? { engineNote: chosen.why } : {}),
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
    engine,
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
