/**
 * Cancellation for socket work: one timer plus an optional AbortSignal around a promise. Whichever fires first
 * settles the result and tells the owner to tear down (destroy the socket), so nothing keeps running after a
 * caller has given up.
 */
import { SeedkeeperError } from '../errors.js';

/** The caller aborted through its AbortSignal (e.g. a losing racer). Not a fault of the peer. */
export class AbortedError extends SeedkeeperError {
  constructor(message: string, reason?: unknown) {
    super('ERR_ABORTED', message, reason === undefined ? {} : { cause: reason });
    this.name = 'AbortError';
  }
}

/** Rejections should carry Errors; wrap anything else so callers can rely on it. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export interface DeadlineOptions {
  /** Undefined means no timer (the caller supplies its own deadline). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onTimeout: () => Error;
  readonly onAbort: (reason: unknown) => Error;
  /** Called once with the error when the timer or the signal wins, before the promise rejects. */
  readonly cancel: (error: Error) => void;
}

/**
 * Run `start()` under the deadline. `start` is not called at all when the signal is already aborted. The
 * timer is cleared and the abort listener removed as soon as anything settles.
 */
export function withDeadline<T>(start: () => Promise<T>, options: DeadlineOptions): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(options.onAbort(signal.reason));
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (error: Error): void => {
      if (!finish()) return;
      options.cancel(error);
      reject(error);
    };
    const onAbort = (): void => fail(options.onAbort(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => fail(options.onTimeout()), options.timeoutMs);
      timer.unref();
    }
    let work: Promise<T>;
    try {
      work = start();
    } catch (error) {
      work = Promise.reject(asError(error));
    }
    work.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(asError(error));
      },
    );
  });
}
