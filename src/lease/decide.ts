/**
 * What a replica does with the lease, given what it just read and its own clock. Pure: the caller reads the
 * lease record, calls decideLease, and for `acquire`/`renew` writes `next` by compare-and-swap against
 * `expected` (absent: "must not exist"). Only after that write succeeds does the replica hold the lease, and
 * it holds it while holdsLease() says so.
 *
 * Why two replicas never both hold it (with a linearizable compare-and-swap store, and each clock within
 * skewMarginMs of true time): a holder acts only while its clock reads < until - skew, i.e. before true time
 * `until`; a follower acquires only when its clock reads >= until + skew, i.e. after true time `until`; and
 * a renewal or acquisition is a CAS from the exact lease read, so at most one of two racing writers wins.
 */
import { type Lease } from './codec.js';
import type { LeaseOptions } from './options.js';

export type LeaseDecision =
  /** The lease is absent, released, or expired beyond the skew margin: take it with term + 1. */
  | {
      readonly action: 'acquire';
      readonly next: Lease;
      readonly expected: Lease | undefined;
      readonly why: 'absent' | 'released' | 'expired';
    }
  /** Mine and due for renewal (or past the part of it I may act in): extend it, same term. */
  | { readonly action: 'renew'; readonly next: Lease; readonly expected: Lease }
  /** Mine, not due: act as the holder until renewAt. */
  | { readonly action: 'keep'; readonly lease: Lease; readonly renewAt: number }
  /** Someone else's and valid (or inside the skew margin): keep health-checking, look again at checkAt. */
  | { readonly action: 'follow'; readonly lease: Lease; readonly checkAt: number };

/** True while `me` may act as the holder of `lease` by its own clock `now`. */
export function holdsLease(me: string, lease: Lease | undefined, now: number, options: LeaseOptions): boolean {
  return lease !== undefined && lease.holder === me && lease.until > 0 && now < lease.until - options.skewMarginMs;
}

/** When the holder of `lease` should renew it: renewEveryMs after it was written. */
export function renewAt(lease: Lease, options: LeaseOptions): number {
  return lease.until - options.durationMs + options.renewEveryMs;
}

function checkNow(now: number): void {
  if (!Number.isSafeInteger(now) || now < 0) throw new RangeError(`now ${now} must be whole unix milliseconds`);
}

/** The decision for replica `me`, having read `current` (undefined: no lease record), at its clock `now`. */
export function decideLease(me: string, current: Lease | undefined, now: number, options: LeaseOptions): LeaseDecision {
  checkNow(now);
  const fresh = (term: number): Lease => Object.freeze({ holder: me, until: now + options.durationMs, term });
  if (current === undefined) return { action: 'acquire', next: fresh(1), expected: undefined, why: 'absent' };
  const released = current.until === 0;
  const expired = now >= current.until + options.skewMarginMs;
  if (released || expired)
    return {
      action: 'acquire',
      next: fresh(current.term + 1),
      expected: current,
      why: released ? 'released' : 'expired',
    };
  if (current.holder !== me) {
    // Poll at the renewal cadence to notice a release early, but never later than the moment it expires.
    return {
      action: 'follow',
      lease: current,
      checkAt: Math.min(current.until + options.skewMarginMs, now + options.renewEveryMs),
    };
  }
  const due = renewAt(current, options);
  if (holdsLease(me, current, now, options) && now < due) return { action: 'keep', lease: current, renewAt: due };
  // Mine but due, or inside the skew margin: a CAS from the exact text is still safe (a successor would have
  // changed it), and it ends the window in which nobody may act.
  return { action: 'renew', next: fresh(current.term), expected: current };
}

/** On clean shutdown: the lease to write (until 0, same holder and term) so the next follower takes over at once. */
export function releaseLease(
  me: string,
  current: Lease | undefined,
): { readonly next: Lease; readonly expected: Lease } | undefined {
  if (current === undefined || current.holder !== me || current.until === 0) return undefined;
  return { next: Object.freeze({ holder: me, until: 0, term: current.term }), expected: current };
}
