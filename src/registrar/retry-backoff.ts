/**
 * When the registrar retries after a failed reconcile: exponential in the number of failures in a row, with
 * jitter (so replicas do not retry in step), bounded, and reset by the first success. Pure: the caller gives
 * `now` and the random number.
 */

export interface RetryBackoffOptions {
  /** Pause after the first failure, ms. */
  readonly baseMs: number;
  /** Largest pause, ms (also bounded by the reconcile interval, which retries anyway). */
  readonly maxMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoffOptions = Object.freeze({ baseMs: 1000, maxMs: 60_000 });

/**
 * Pause after `failures` failures in a row (1 = the first): "equal jitter", half of the ceiling fixed and
 * half random, so the pause never collapses to zero (full jitter can, and a zero pause is the storm again).
 */
export function retryDelayMs(failures: number, options: RetryBackoffOptions, random: number): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}

/** Failures in a row and the earliest time of the next attempt; `succeeded` resets it. */
export class RetryBackoff {
  private failures = 0;
  private notBefore = 0;
  private readonly options: RetryBackoffOptions;
  private readonly random: () => number;

  constructor(options: RetryBackoffOptions = DEFAULT_RETRY_BACKOFF, random: () => number = Math.random) {
    this.options = options;
    this.random = random;
  }

  /** Records a failure at `now`; returns the pause before the next attempt. */
  failed(now: number): number {
    this.failures++;
    const delay = retryDelayMs(this.failures, this.options, this.random());
    this.notBefore = now + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.notBefore = 0;
  }

  /** How long to wait at `now` before the next attempt (0 when it may run now). */
  waitMs(now: number): number {
    return Math.max(0, this.notBefore - now);
  }

  get failuresInARow(): number {
    return this.failures;
  }
}
