/**
 * The registrar's lease loop (src/registrar/leadership.ts) on an in-memory zone with manual clocks: acquire,
 * renew, expire, give up on shutdown, takeover time, and the fencing case.
 */
import { describe, expect, it } from 'vitest';
import { ZoneStore } from '../../src/providers/embedded/zone-store.js';
import { ConflictError, ProviderError, type DnsProvider } from '../../src/providers/types.js';
import { DEFAULT_LEASE_OPTIONS, leaseRecordName, worstTakeoverMs } from '../../src/lease/index.js';
import type { Leadership, LeadershipChange } from '../../src/registrar/leadership.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import { markerName } from '../../src/records/marker.js';
import { reconcileOnce } from '../../src/reconcile/once.js';
import { leaseHolder, pausedLeaderIsFenced, planTo, published, replica, T0 } from './fencing-scenario.js';

const ZONE = 'lease.test';
const NAME = 'seed.lease.test';
const { durationMs, renewEveryMs, skewMarginMs } = DEFAULT_LEASE_OPTIONS;

/** A zone in memory as a provider (another view of `store` when given); `cut` makes its calls fail like an unreachable server. */
function memoryProvider(
  store = new ZoneStore({ zone: ZONE, records: [] }),
): DnsProvider & { cut: boolean; store: ZoneStore } {
  const reachable = async (): Promise<void> => {
    await Promise.resolve();
    if (provider.cut) throw new ProviderError('memory', 'ERR_DOWN', 'unreachable');
  };
  const provider = {
    kind: 'memory',
    zone: ZONE,
    cut: false,
    store,
    read: async (names: readonly string[]) => (await reachable(), store.read(names)),
    apply: async (changes: Parameters<DnsProvider['apply']>[0]) => (await reachable(), store.apply(changes)),
    close: () => Promise.resolve(),
  };
  return provider;
}

/** Advance `clock` in steps of `step` ms until `done()` (bounded); the time it took. */
async function advanceUntil(clock: ManualClock, done: () => boolean, limitMs: number, step = 50): Promise<number> {
  const start = clock.now();
  while (!done() && clock.now() - start <= limitMs) await clock.advance(step);
  return clock.now() - start;
}

/** Replica A started on a fresh zone with its first look done (it leads), recording its role changes. */
async function leaderA(): Promise<{
  provider: ReturnType<typeof memoryProvider>;
  clock: ManualClock;
  a: Leadership;
  changes: LeadershipChange[];
}> {
  const provider = memoryProvider();
  const clock = new ManualClock(T0);
  const a = replica(provider, NAME, 'replica-a', clock);
  const changes: LeadershipChange[] = [];
  a.on('change', (c) => changes.push(c));
  a.start();
  await clock.advance(0);
  return { provider, clock, a, changes };
}

describe('Leadership', () => {
  it('tryOnce (run --once): one step, no loop: takes a free lease, refuses a live one of another replica', async () => {
    const provider = memoryProvider();
    const clock = new ManualClock(T0);
    const a = replica(provider, NAME, 'replica-a', clock);
    expect(await a.tryOnce()).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    expect(await leaseHolder(provider, NAME)).toEqual({ holder: 'replica-a', until: T0 + durationMs, term: 1 });
    const b = replica(provider, NAME, 'replica-b', clock);
    expect(await b.tryOnce()).toBe(false);
    expect(b.status()).toMatchObject({ role: 'follower', holder: 'replica-a', term: 1 });
    // No loop: time passing renews nothing.
    await clock.advance(renewEveryMs * 2);
    expect(await leaseHolder(provider, NAME)).toEqual({ holder: 'replica-a', until: T0 + durationMs, term: 1 });
    await a.stop();
    expect(await leaseHolder(provider, NAME)).toMatchObject({ holder: 'replica-a', until: 0 });
    expect(await b.tryOnce()).toBe(true);
    await b.stop();
  });

  it('acquires an absent lease (term 1), renews it on the cadence with the same term, and says so', async () => {
    const { provider, clock, a, changes } = await leaderA();
    expect(a.isLeader()).toBe(true);
    expect(await leaseHolder(provider, NAME)).toEqual({ holder: 'replica-a', until: T0 + durationMs, term: 1 });
    expect(changes).toEqual([
      expect.objectContaining({ replica: 'replica-a', from: 'follower', to: 'leader', term: 1, reason: 'acquired' }),
    ]);
    await clock.advance(renewEveryMs);
    expect(await leaseHolder(provider, NAME)).toEqual({
      holder: 'replica-a',
      until: T0 + renewEveryMs + durationMs,
      term: 1,
    });
    expect(a.status()).toMatchObject({ role: 'leader', term: 1, leaseAgeMs: 0 });
    await clock.advance(1500);
    expect(a.status().leaseAgeMs).toBe(1500);
    expect(changes).toHaveLength(1);
    await a.stop();
  });

  it('stops acting when it cannot renew: follower once the lease is inside its skew margin, before it expires', async () => {
    const provider = memoryProvider();
    const clock = new ManualClock(T0);
    const a = replica(provider, NAME, 'replica-a', clock);
    a.start();
    await clock.advance(0);
    provider.cut = true;
    const lost = await advanceUntil(clock, () => !a.isLeader() && a.status().role === 'follower', durationMs);
    expect(lost).toBeLessThanOrEqual(durationMs - skewMarginMs);
    await a.stop();
  });

  it('takes over after a crash within lease duration + skew + one renew interval, with term + 1', async () => {
    const provider = memoryProvider();
    const clock = new ManualClock(T0);
    const viewOfA = memoryProvider(provider.store);
    const a = replica(viewOfA, NAME, 'replica-a', clock);
    const b = replica(provider, NAME, 'replica-b', clock);
    a.start();
    await clock.advance(0);
    b.start();
    await clock.advance(renewEveryMs); // A renews; B looks and follows.
    expect(b.status()).toMatchObject({ role: 'follower', holder: 'replica-a', term: 1 });
    // A "crashes" right after its renewal: it can no longer reach the store, and never releases.
    const renewedAt = clock.now();
    viewOfA.cut = true;
    const took = await advanceUntil(clock, () => b.isLeader(), worstTakeoverMs(DEFAULT_LEASE_OPTIONS) + 1000);
    expect(b.isLeader()).toBe(true);
    expect(clock.now() - renewedAt).toBeLessThanOrEqual(durationMs + skewMarginMs + renewEveryMs);
    expect(took).toBeGreaterThanOrEqual(durationMs + skewMarginMs);
    expect(await leaseHolder(provider, NAME)).toMatchObject({ holder: 'replica-b', term: 2 });
    await a.stop();
    await b.stop();
  });

  it('gives the lease up on shutdown (until=0), so a follower takes over within one renew interval', async () => {
    const provider = memoryProvider();
    const clock = new ManualClock(T0);
    const a = replica(provider, NAME, 'replica-a', clock);
    const b = replica(provider, NAME, 'replica-b', clock);
    a.start();
    await clock.advance(0);
    b.start();
    await clock.advance(1000);
    await a.stop();
    expect(await leaseHolder(provider, NAME)).toEqual({ holder: 'replica-a', until: 0, term: 1 });
    expect(a.status().role).toBe('follower');
    const took = await advanceUntil(clock, () => b.isLeader(), renewEveryMs + 1000);
    expect(took).toBeLessThanOrEqual(renewEveryMs);
    expect(await leaseHolder(provider, NAME)).toMatchObject({ holder: 'replica-b', term: 2 });
    await b.stop();
  });

  it('does not step down when a renewal lands while a reconcile reads: the stale fence is refused, the retry passes', async () => {
    const { provider, clock, a, changes } = await leaderA();
    const current = await provider.read([NAME, markerName(NAME), leaseRecordName(NAME)]);
    await clock.advance(renewEveryMs); // the renewal lands after that read
    const stale = a.fence.guard(current, planTo(NAME, ['192.0.2.1'])(current).changes);
    expect(a.isLeader()).toBe(true);
    await expect(provider.apply(stale)).rejects.toBeInstanceOf(ConflictError);
    const result = await reconcileOnce({
      name: NAME,
      provider,
      fence: a.fence,
      plan: planTo(NAME, ['192.0.2.1']),
      backoff: { baseMs: 0, maxMs: 0, jitter: 'none' },
    });
    expect(result.error).toBeUndefined();
    expect(await published(provider, NAME)).toEqual(['192.0.2.1']);
    expect(changes.map((c) => c.to)).toEqual(['leader']);
    await a.stop();
  });

  it('never lets two replicas both write: a leader paused past its lease has its late write refused', async () => {
    await pausedLeaderIsFenced(memoryProvider(), NAME);
  });
});
