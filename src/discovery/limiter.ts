/**
 * Bounds on connection attempts in flight (connect + validation). Every Cluster (and every probe) has its own
 * limit, and all of them share one process-wide limit, so a hostile peer list or many clusters in one process
 * cannot open thousands of sockets at once. Waiting is FIFO; an aborted waiter leaves the queue at once, so no
 * listener or queue entry outlives the attempt that made it.
 */
import { ConfigError } from '../errors.js';
import { AbortedError } from '../protocol/deadline.js';

export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
}

export class Semaphore {
  private active = 0;
  private readonly waiters: Waiter[] = [];
  private peak = 0;

  constructor(private limitValue: number) {
    Semaphore.check(limitValue);
  }

  private static check(limit: number): void {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new ConfigError('connectionLimit', `a connection limit must be a positive integer, got ${limit}`);
  }

  get limit(): number {
    return this.limitValue;
  }
  get inFlight(): number {
    return this.active;
  }
  get waiting(): number {
    return this.waiters.length;
  }
  /** The most permits ever held at once (for tests and metrics). */
  get peakInFlight(): number {
    return this.peak;
  }

  setLimit(limit: number): void {
    Semaphore.check(limit);
    this.limitValue = limit;
    this.drain();
  }

  /** Wait for a permit; rejects with AbortedError (and leaves the queue) when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted)
      return Promise.reject(new AbortedError('connection attempt aborted while waiting for a slot', signal.reason));
    if (this.active < this.limitValue && this.waiters.length === 0) return Promise.resolve(this.take());
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new AbortedError('connection attempt aborted while waiting for a slot', signal?.reason));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private take(): Release {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limitValue && this.waiters.length > 0) this.waiters.shift()!.grant(this.take());
  }
}

/** Attempts in flight across the whole process. Default 256; raise it with setProcessConnectionLimit(). */
export const DEFAULT_PROCESS_CONNECTION_LIMIT = 256;
const processConnections = new Semaphore(DEFAULT_PROCESS_CONNECTION_LIMIT);

export function processConnectionLimiter(): Semaphore {
  return processConnections;
}

export function setProcessConnectionLimit(limit: number): void {
  processConnections.setLimit(limit);
}

/**
 * Hold one permit of `local` and one of the process limiter while `work` runs. The local permit is taken
 * first, so one busy cluster queues behind its own limit instead of filling the process-wide one.
 */
export async function withConnectionSlot<T>(
  local: Semaphore,
  work: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const releaseLocal = await local.acquire(signal);
  let releaseProcess: Release | undefined;
  try {
    releaseProcess = await processConnections.acquire(signal);
    return await work();
  } finally {
    releaseProcess?.();
    releaseLocal();
  }
}
