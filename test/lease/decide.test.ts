import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameLease, type Lease } from '../../src/lease/codec.js';
import { decideLease, holdsLease, releaseLease } from '../../src/lease/decide.js';
import { leaseOptions, worstTakeoverMs, type LeaseOptions } from '../../src/lease/options.js';

const opts = leaseOptions(); // 15 s, renew 5 s, skew 2 s
const T0 = 1_764_870_000_000;
const mine = (until: number, term = 4): Lease => ({ holder: 'a', until, term });
const theirs = (until: number, term = 4): Lease => ({ holder: 'b', until, term });

describe('decideLease', () => {
  it('acquires an absent lease with term 1', () => {
    expect(decideLease('a', undefined, T0, opts)).toEqual({
      action: 'acquire',
      next: { holder: 'a', until: T0 + 15_000, term: 1 },
      expected: undefined,
      why: 'absent',
    });
  });

  it('follows a valid lease of someone else, and inside the skew margin after it', () => {
    const lease = theirs(T0 + 10_000);
    expect(decideLease('a', lease, T0, opts)).toEqual({ action: 'follow', lease, checkAt: T0 + 5_000 });
    expect(decideLease('a', lease, T0 + 10_000, opts)).toMatchObject({ action: 'follow', checkAt: T0 + 12_000 });
    expect(decideLease('a', lease, T0 + 11_999, opts)).toMatchObject({ action: 'follow', checkAt: T0 + 12_000 });
  });

  it('acquires an expired lease once the skew margin has passed, with term + 1 and the old text as expected', () => {
    const lease = theirs(T0);
    expect(decideLease('a', lease, T0 + 2_000, opts)).toEqual({
      action: 'acquire',
      next: { holder: 'a', until: T0 + 17_000, term: 5 },
      expected: lease,
      why: 'expired',
    });
  });

  it('acquires a released lease at once', () => {
    const lease = theirs(0, 9);
    expect(decideLease('a', lease, T0, opts)).toMatchObject({
      action: 'acquire',
      next: { term: 10 },
      expected: lease,
      why: 'released',
    });
  });

  it('keeps its own lease until renewal is due, then renews with the same term', () => {
    const lease = mine(T0 + 15_000); // written at T0
    expect(decideLease('a', lease, T0 + 4_999, opts)).toEqual({ action: 'keep', lease, renewAt: T0 + 5_000 });
    expect(decideLease('a', lease, T0 + 5_000, opts)).toEqual({
      action: 'renew',
      next: mine(T0 + 20_000),
      expected: lease,
    });
  });

  it('renews its own lease inside the skew margin (a CAS from the exact text is still safe), re-acquires it after', () => {
    const lease = mine(T0);
    expect(decideLease('a', lease, T0 - 1_000, opts)).toMatchObject({ action: 'renew', next: { term: 4 } });
    expect(decideLease('a', lease, T0 + 2_000, opts)).toMatchObject({
      action: 'acquire',
      next: { term: 5 },
      why: 'expired',
    });
  });

  it('holds only while its clock is before until - skew, and never a released lease', () => {
    expect(holdsLease('a', mine(T0), T0 - 2_001, opts)).toBe(true);
    expect(holdsLease('a', mine(T0), T0 - 2_000, opts)).toBe(false);
    expect(holdsLease('b', mine(T0), T0 - 5_000, opts)).toBe(false);
    expect(holdsLease('a', mine(0), 0, leaseOptions({ skewMarginMs: 0 }))).toBe(false);
    expect(holdsLease('a', undefined, T0, opts)).toBe(false);
  });

  it('refuses a clock that is not whole unix milliseconds', () => {
    expect(() => decideLease('a', undefined, Number.NaN, opts)).toThrow(RangeError);
    expect(() => decideLease('a', undefined, -1, opts)).toThrow(RangeError);
  });
});

describe('releaseLease', () => {
  it('gives up its own lease: until 0, same holder and term', () => {
    expect(releaseLease('a', mine(T0 + 9_000))).toEqual({ next: mine(0), expected: mine(T0 + 9_000) });
  });
  it("does nothing with a lease that is absent, someone else's, or already released", () => {
    expect(releaseLease('a', undefined)).toBeUndefined();
    expect(releaseLease('a', theirs(T0))).toBeUndefined();
    expect(releaseLease('a', mine(0))).toBeUndefined();
  });
});

/**
 * A linearizable CAS store and replicas whose clocks are off by less than the skew margin, interleaved at
 * random: a replica may read and decide, then be paused (time passes, others act) before its CAS lands.
 */
interface Replica {
  readonly id: string;
  readonly offset: number;
  held: Lease | undefined;
  pending: { next: Lease; expected: Lease | undefined } | undefined;
}

type Step =
  | { kind: 'advance'; ms: number }
  /** Jump to where replica `who`'s clock reads the stored lease's until + k * skew + delta: the edges. */
  | { kind: 'edge'; who: number; k: -1 | 0 | 1; delta: number }
  | { kind: 'decide'; who: number }
  | { kind: 'commit'; who: number }
  | { kind: 'release'; who: number };

function simulate(
  options: LeaseOptions,
  offsets: readonly number[],
  steps: readonly Step[],
): { maxHolders: number; acquisitions: number } {
  let now = 10_000_000;
  let store: Lease | undefined;
  const replicas: Replica[] = offsets.map((offset, i) => ({
    id: `r${i}`,
    offset,
    held: undefined,
    pending: undefined,
  }));
  const cas = (expected: Lease | undefined, next: Lease): boolean => {
    if (!sameLease(store, expected)) return false;
    store = next;
    return true;
  };
  let maxHolders = 0;
  let acquisitions = 0;
  for (const step of steps) {
    if (step.kind === 'advance') now += step.ms;
    else if (step.kind === 'edge') {
      const r = replicas[step.who % replicas.length]!;
      if (store) now = Math.max(now, store.until + step.k * options.skewMarginMs + step.delta - r.offset);
    } else {
      const r = replicas[step.who % replicas.length]!;
      const clock = now + r.offset;
      if (step.kind === 'decide') {
        const d = decideLease(r.id, store, clock, options);
        r.pending = d.action === 'acquire' || d.action === 'renew' ? { next: d.next, expected: d.expected } : undefined;
      } else if (step.kind === 'commit' && r.pending) {
        if (cas(r.pending.expected, r.pending.next)) {
          if (r.pending.next.term !== r.held?.term) acquisitions++;
          r.held = r.pending.next;
        }
        r.pending = undefined;
      } else if (step.kind === 'release') {
        const release = releaseLease(r.id, store);
        if (release && cas(release.expected, release.next)) r.held = release.next;
      }
    }
    const holders = replicas.filter((r) => holdsLease(r.id, r.held, now + r.offset, options)).length;
    maxHolders = Math.max(maxHolders, holders);
  }
  return { maxHolders, acquisitions };
}

describe('two replicas never both hold the lease', () => {
  const optionsArb = fc
    .record({
      durationMs: fc.integer({ min: 1_000, max: 30_000 }),
      renewEveryMs: fc.integer({ min: 100, max: 10_000 }),
      skewMarginMs: fc.integer({ min: 1, max: 5_000 }),
    })
    .filter((o) => o.renewEveryMs * 2 + o.skewMarginMs <= o.durationMs)
    .map((o) => leaseOptions(o));
  const stepArb = fc.oneof(
    fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 20_000 })),
    }),
    fc.record({
      kind: fc.constant('edge' as const),
      who: fc.nat(7),
      k: fc.constantFrom(-1 as const, 0 as const, 1 as const),
      delta: fc.integer({ min: -2, max: 2 }),
    }),
    fc.record({ kind: fc.constant('decide' as const), who: fc.nat(7) }),
    fc.record({ kind: fc.constant('commit' as const), who: fc.nat(7) }),
    fc.record({ kind: fc.constant('release' as const), who: fc.nat(7) }),
  );

  it('with a linearizable CAS and clocks within the skew margin, through pauses, races and releases', () => {
    fc.assert(
      fc.property(
        optionsArb.chain((options) =>
          fc.tuple(
            fc.constant(options),
            fc.array(
              fc.oneof(
                fc.constantFrom(-(options.skewMarginMs - 1), options.skewMarginMs - 1),
                fc.integer({ min: -(options.skewMarginMs - 1), max: options.skewMarginMs - 1 }),
              ),
              { minLength: 2, maxLength: 4 },
            ),
            fc.array(stepArb, { minLength: 1, maxLength: 120, size: 'max' }),
          ),
        ),
        ([options, offsets, steps]) => {
          expect(simulate(options, offsets, steps).maxHolders).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a follower polling at checkAt takes over a crashed holder within duration + skew + one renewal interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_999 }), (sinceRenewal) => {
        const crashAt = T0 + sinceRenewal; // the holder renewed at T0, then died
        const lease = { holder: 'b', until: T0 + opts.durationMs, term: 2 };
        let now = crashAt;
        for (let i = 0; i < 100; i++) {
          const d = decideLease('a', lease, now, opts);
          if (d.action === 'acquire') break;
          if (d.action !== 'follow') throw new Error(`unexpected ${d.action}`);
          now = d.checkAt;
        }
        expect(now - crashAt).toBeLessThanOrEqual(worstTakeoverMs(opts));
        expect(decideLease('a', lease, now, opts).action).toBe('acquire');
      }),
    );
  });
});
