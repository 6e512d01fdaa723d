/**
 * The primary's side of a multi-worker embedded server: forks N `cluster` workers (worker-main.ts) that
 * share one UDP socket and one TCP listener, publishes every snapshot to all of them, knows when all serve
 * a given publish (`settled`), replaces a worker that dies (the others keep answering meanwhile), adds up
 * their counters, and ends every worker on stop (none outlives the pool: cluster workers also exit when
 * the primary's IPC channel closes).
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { SeedkeeperError } from '../../errors.js';
import { backoffDelay, type BackoffPolicy } from '../../time/backoff.js';
import { sumStats, ZERO_LISTENER_STATS, type ListenerStats } from './listener.js';
import {
  isFromWorker,
  toWire,
  WORKER_CONFIG_ENV,
  type FromWorker,
  type ToWorker,
  type WorkerConfig,
} from './snapshot-channel.js';
import type { ZoneSnapshot } from './zone-store.js';

type LogFn = (obj: Record<string, unknown>, msg: string) => void;
interface PoolLogger {
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error?: LogFn;
}

/** The workers could not start (bind failed, crashed, or too slow); `cause` holds the worker's error. */
export class EmbeddedWorkerError extends SeedkeeperError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('ERR_EMBEDDED_WORKERS', message, options);
  }
}

export interface WorkerPoolOptions {
  readonly count: number;
  readonly config: WorkerConfig;
  readonly initial: ZoneSnapshot;
  readonly logger: PoolLogger;
  /** How long all workers may take to bind. Default 60 s (a loaded machine, TypeScript compiled at start in tests). */
  readonly startTimeoutMs?: number;
}

interface Slot {
  worker: Worker;
  /** Listening: messages sent before are lost; it gets the last publish on hello. */
  hello: boolean;
  ready: boolean;
  gen: number;
  stats: ListenerStats;
}

const STOP_GRACE_MS = 3000;
/** Pause before replacing a dead worker: 200 ms, doubling while replacements keep dying, up to 10 s. */
const RESTART_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 200, maxMs: 10_000, jitter: 'none' });

/** worker-main next to this file: .ts under tsx/vitest (loaded through tsx), .js once built. */
function entry(): { exec: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  return {
    exec: fileURLToPath(new URL(ts ? './worker-main.ts' : './worker-main.js', import.meta.url)),
    execArgv: ts ? ['--import', 'tsx'] : [],
  };
}

export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #slots = new Set<Slot>();
  #gen = 0;
  #last: ToWorker;
  #retired: ListenerStats = ZERO_LISTENER_STATS;
  #waiters: { gen: number; resolve: () => void }[] = [];
  #stopping = false;
  /** Restarts since a worker last became ready. */
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | undefined;

  private constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.#last = { t: 'zone', gen: 0, snapshot: toWire(options.initial) };
  }

  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    const started = Array.from({ length: options.count }, () => pool.#fork());
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(started),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new EmbeddedWorkerError(`the DNS workers did not start within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await pool.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return pool;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Sends `snapshot` to every worker; `settled()` then waits for all of them to serve it. */
  publish(snapshot: ZoneSnapshot): void {
    this.#last = { t: 'zone', gen: ++this.#gen, snapshot: toWire(snapshot) };
    for (const slot of this.#slots) this.#send(slot, this.#last);
  }

  /** Resolves once every live worker serves the last publish (a replaced one starts with it), or on stop. */
  settled(): Promise<void> {
    const gen = this.#gen;
    return new Promise((resolve) => {
      this.#waiters.push({ gen, resolve });
      this.#check();
    });
  }

  stats(): ListenerStats {
    return sumStats([this.#retired, ...[...this.#slots].map((s) => s.stats)]);
  }

  /** Worker pids (tests check that none is left). */
  pids(): number[] {
    return [...this.#slots].map((s) => s.worker.process.pid!).filter((p) => p !== undefined);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    await Promise.all([...this.#slots].map((slot) => this.#end(slot.worker)));
    this.#check();
  }

  #fork(): Promise<void> {
    const { exec, execArgv } = entry();
    cluster.setupPrimary({ exec, execArgv, args: [] });
    const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify(this.#options.config) });
    const slot: Slot = { worker, hello: false, ready: false, gen: -1, stats: ZERO_LISTENER_STATS };
    this.#slots.add(slot);
    return new Promise((resolve, reject) => {
      let fatal: FromWorker | undefined;
      worker.on('message', (message: unknown) => {
        if (!isFromWorker(message)) return;
        if (message.t === 'fatal') fatal = message;
        else if (message.t === 'ready' && !slot.ready) {
          slot.ready = true;
          this.#restarts = 0;
          resolve();
        }
        this.#receive(slot, message);
      });
      worker.on('error', () => undefined); // IPC errors while it dies: 'exit' follows
      worker.once('exit', (code, signal) => {
        this.#slots.delete(slot);
        const { tcp } = slot.stats;
        this.#retired = sumStats([this.#retired, { ...slot.stats, tcp: { ...tcp, open: 0 } }]);
        if (!slot.ready) {
          const why = fatal?.t === 'fatal' ? `: ${fatal.message}` : ` (exit ${code ?? signal})`;
          reject(new EmbeddedWorkerError(`a DNS worker failed to start${why}`, { cause: fatal }));
        }
        if (this.#stopping) return this.#check();
        (this.#options.logger.error ?? this.#options.logger.warn)(
          { pid: worker.process.pid, code, signal, ready: slot.ready },
          'embedded DNS server: a worker died; starting a replacement (the others keep serving)',
        );
        this.#restartLater();
        this.#check();
      });
    });
  }

  #restartLater(): void {
    if (this.#restartTimer !== undefined) return;
    const delay = backoffDelay(++this.#restarts, RESTART_BACKOFF);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping || this.#slots.size >= this.#options.count) return;
      this.#fork().catch((error: unknown) => {
        this.#options.logger.warn(
          { error: String(error) },
          'embedded DNS server: a replacement worker failed; retrying',
        );
      });
      if (this.#slots.size < this.#options.count) this.#restartLater();
    }, delay);
  }

  #receive(slot: Slot, message: FromWorker): void {
    switch (message.t) {
      case 'hello':
        slot.hello = true;
        this.#send(slot, this.#last);
        return;
      case 'ready':
      case 'ack':
        slot.gen = Math.max(slot.gen, message.gen);
        slot.stats = message.stats;
        this.#check();
        return;
      case 'stats':
        slot.stats = message.stats;
        return;
      case 'log': {
        const { logger } = this.#options;
        (message.level === 'error' ? (logger.error ?? logger.warn) : logger[message.level])(
          message.fields,
          message.msg,
        );
        return;
      }
      case 'fatal':
        (this.#options.logger.error ?? this.#options.logger.warn)(
          { pid: slot.worker.process.pid, code: message.code, error: message.message },
          'embedded DNS server: a worker failed',
        );
        return;
    }
  }

  #send(slot: Slot, message: ToWorker): void {
    if (!slot.hello || !slot.worker.isConnected()) return; // dying: its replacement starts with the last publish
    slot.worker.send(message, undefined, () => undefined);
  }

  #check(): void {
    const done = (gen: number): boolean =>
      this.#stopping ||
      (this.#slots.size >= this.#options.count && [...this.#slots].every((s) => s.ready && s.gen >= gen));
    const waiting = this.#waiters;
    this.#waiters = waiting.filter((w) => !done(w.gen));
    for (const w of waiting) if (done(w.gen)) w.resolve();
  }

  #end(worker: Worker): Promise<void> {
    if (worker.isDead()) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
      worker.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      worker.process.kill('SIGTERM');
    });
  }
}
