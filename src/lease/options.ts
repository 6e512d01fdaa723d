/**
 * Lease timing. The defaults keep takeover after a crash within durationMs + skewMarginMs + renewEveryMs
 * (15 + 2 + 5 = 22 s worst case: the holder renewed just before dying, the lease runs out 15 s later, a
 * follower waits out the 2 s skew margin and notices on its next poll, at most 5 s later) and after a clean
 * shutdown within renewEveryMs (the holder releases; the next follower poll acquires).
 *
 * Why these numbers: a holder renews every 5 s, so its 15 s lease survives two failed renewals in a row (a
 * slow DNS primary, a throttled Route 53 call) before it is lost; 2 s of skew covers NTP-disciplined clocks
 * by two orders of magnitude while costing takeover only 2 s. Safety never depends on them (every write is
 * fenced by the exact lease text); they decide only how quiet and how quick leadership changes are.
 */
import { ConfigError } from '../errors.js';

export interface LeaseOptions {
  /** How long one acquisition or renewal is good for. Default 15,000 ms. */
  readonly durationMs: number;
  /** The holder renews this long after its last write; followers re-read this often. Default 5,000 ms. */
  readonly renewEveryMs: number;
  /**
   * How far a replica's clock may be from true time. The holder stops acting skewMarginMs before `until`;
   * a follower acquires only skewMarginMs after it. Default 2,000 ms.
   */
  readonly skewMarginMs: number;
}

export const DEFAULT_LEASE_OPTIONS: LeaseOptions = Object.freeze({
  durationMs: 15_000,
  renewEveryMs: 5_000,
  skewMarginMs: 2_000,
});

/** Upper bound on any lease timing: a lease longer than an hour is an outage waiting to happen. */
export const MAX_LEASE_MS = 3_600_000;
export const MIN_RENEW_EVERY_MS = 100;

function wholeMs(path: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > MAX_LEASE_MS) {
    throw new ConfigError(path, `expected whole milliseconds from ${min} to ${MAX_LEASE_MS}, got ${String(value)}`);
  }
  return value;
}

/**
 * `input` over the defaults, checked. The holder must be able to renew twice inside the part of its lease
 * it may act in (renewEveryMs * 2 + skewMarginMs <= durationMs), so one failed renewal never costs the lease.
 */
export function leaseOptions(input: Partial<LeaseOptions> = {}, path = 'lease'): LeaseOptions {
  const merged = { ...DEFAULT_LEASE_OPTIONS, ...input };
  const durationMs = wholeMs(`${path}.durationMs`, merged.durationMs, 1_000);
  const renewEveryMs = wholeMs(`${path}.renewEveryMs`, merged.renewEveryMs, MIN_RENEW_EVERY_MS);
  const skewMarginMs = wholeMs(`${path}.skewMarginMs`, merged.skewMarginMs, 0);
  if (renewEveryMs * 2 + skewMarginMs > durationMs) {
    throw new ConfigError(
      `${path}.renewEveryMs`,
      `${renewEveryMs} ms renewals with a ${skewMarginMs} ms skew margin need durationMs >= ${renewEveryMs * 2 + skewMarginMs} (two renewals before the holder stops acting), got ${durationMs}`,
    );
  }
  return Object.freeze({ durationMs, renewEveryMs, skewMarginMs });
}

/** Worst-case time from a holder's crash to a follower's acquisition (see the module comment). */
export function worstTakeoverMs(options: LeaseOptions): number {
  return options.durationMs + options.skewMarginMs + options.renewEveryMs;
}
