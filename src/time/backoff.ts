/**
 * The one backoff formula: exponential in the attempt number, capped, with a chosen jitter. Every retry loop
 * (discovery re-seed, peer retry, agent watch and API target, registrar retries, compare-and-swap, Route 53
 * throttling, the Lambda, restarts of embedded workers) computes its pause here. Pure: the caller gives the
 * random number.
 */

export interface BackoffPolicy {
  /** Pause after the first failure, ms. */
  readonly baseMs: number;
  /** Largest pause, ms. */
  readonly maxMs: number;
  /**
   * none: the ceiling itself. full: uniform in [0, ceiling) — spreads retries most, may be 0 (fine for
   * conflicts between writers). equal: half fixed, half random — never collapses to zero (for retries after
   * an outage, where a zero pause is the storm again).
   */
  readonly jitter: 'none' | 'full' | 'equal';
  /**
   * How the ceiling grows per failure: exponential (base·2^(n-1), the default) or linear (base·n, for short
   * bounded loops whose pauses were always meant to grow gently).
   */
  readonly growth?: 'exponential' | 'linear';
  /** Added to every pause after the jitter, ms: a floor the jitter cannot go below. Default 0. */
  readonly floorMs?: number;
}

/** The un-jittered pause after `failures` failures in a row (1 = the first; 0 or less = no pause). */
export function backoffCeiling(failures: number, policy: Pick<BackoffPolicy, 'baseMs' | 'maxMs' | 'growth'>): number {
  if (failures <= 0) return 0;
  const factor = policy.growth === 'linear' ? failures : 2 ** Math.min(failures - 1, 30);
  return Math.min(policy.maxMs, policy.baseMs * factor);
}

/** The pause after `failures` failures in a row; `random` in [0, 1) (Math.random() in production). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random = 0): number {
  if (failures <= 0) return 0;
  const ceiling = backoffCeiling(failures, policy);
  return (policy.floorMs ?? 0) + jittered(ceiling, policy.jitter, Math.min(Math.max(random, 0), 1));
}

function jittered(ceiling: number, jitter: BackoffPolicy['jitter'], r: number): number {
  switch (jitter) {
    case 'none':
      return ceiling;
    case 'full':
      return Math.floor(r * ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (ceiling / 2) * r);
  }
}

/** Failures in a row and the earliest time of the next attempt; `succeeded` resets it. */
export class Backoff {
  #failures = 0;
  #notBefore = 0;
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;

  constructor(policy: BackoffPolicy, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** Records a failure at `now`; returns the pause before the next attempt. */
  failed(now: number): number {
    this.#failures++;
    const delay = backoffDelay(this.#failures, this.#policy, this.#random());
    this.#notBefore = now + delay;
    return delay;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#notBefore = 0;
  }

  /** How long to wait at `now` before the next attempt (0 when it may run now). */
  waitMs(now: number): number {
    return Math.max(0, this.#notBefore - now);
  }

  get failuresInARow(): number {
    return this.#failures;
  }
}
