/**
 * The fencing case of docs/replicas.md, against any provider (an in-memory zone, real BIND 9, the Route 53
 * model): replica A leads and writes; A is paused (its clock frozen) after it read and fenced a write; B's
 * clock runs past the lease and B takes over; A resumes and sends its write. The store must refuse it, A must
 * step down instead of retrying, and B's own fenced write must go through.
 */
import { expect } from 'vitest';
import { changeBetween } from '../../src/providers/cas.js';
import { markerName } from '../../src/records/marker.js';
import type { Plan } from '../../src/plan/types.js';
import { ConflictError, ProviderError, type DnsProvider } from '../../src/providers/types.js';
import type { RecordChange, RecordSet } from '../../src/records/types.js';
import { reconcileOnce } from '../../src/reconcile/once.js';
import { DEFAULT_LEASE_OPTIONS, leaseRecordName, parseLease, type LeaseOptions } from '../../src/lease/index.js';
import { createLogger } from '../../src/log/logger.js';
import { Leadership, LeaseLostError } from '../../src/registrar/leadership.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import { waitFor } from '../helpers/wait.js';

export const T0 = 1_800_000_000_000;
const silent = createLogger('silent');

export function replica(
  provider: DnsProvider,
  name: string,
  id: string,
  clock: ManualClock,
  lease: LeaseOptions = DEFAULT_LEASE_OPTIONS,
): Leadership {
  return new Leadership({ name, provider, id, lease, logger: silent, clock });
}

/** A's or B's plan: the A record of `name` becomes exactly `values`. */
export function planTo(name: string, values: readonly string[]): (current: readonly RecordSet[]) => Plan {
  return (current) => {
    const now = current.find((s) => s.name === name && s.type === 'A');
    const change = changeBetween(now, { name, type: 'A', ttl: 5, values: [...values] });
    return {
      changes: change ? [change] : [],
      published: { A: [...values], AAAA: [] },
      added: [],
      removed: [],
      notes: [],
      refused: false,
    };
  };
}

export async function published(provider: DnsProvider, name: string): Promise<string[]> {
  return [...((await provider.read([name])).find((s) => s.type === 'A')?.values ?? [])].sort();
}

export async function leaseHolder(
  provider: DnsProvider,
  name: string,
): Promise<{ holder: string; term: number; until: number } | undefined> {
  const set = (await provider.read([leaseRecordName(name)]))[0];
  return set ? parseLease(set.values[0]) : undefined;
}

/** Start `r` and let its clock fire the first look; resolves once its first tick has read (and maybe written). */
export async function startAndSettle(r: Leadership, clock: ManualClock, check: () => boolean): Promise<void> {
  r.start();
  await clock.advance(0);
  await waitFor(check, { what: `${r.id} to settle`, timeoutMs: 5000 });
}

export async function pausedLeaderIsFenced(provider: DnsProvider, name: string): Promise<void> {
  const clockA = new ManualClock(T0);
  const clockB = new ManualClock(T0);
  const a = replica(provider, name, 'replica-a', clockA);
  const b = replica(provider, name, 'replica-b', clockB);
  try {
    await startAndSettle(a, clockA, () => a.isLeader());
    await startAndSettle(b, clockB, () => b.status().holder === 'replica-a');
    expect(b.isLeader()).toBe(false);

    // A leads and writes, fenced.
    const first = await reconcileOnce({ name, provider, fence: a.fence, plan: planTo(name, ['192.0.2.1']) });
    expect(first.error).toBeUndefined();
    expect(await published(provider, name)).toEqual(['192.0.2.1']);
    // A follower writes nothing, even when asked: its guard refuses.
    const none = await reconcileOnce({ name, provider, fence: b.fence, plan: planTo(name, ['192.0.2.66']) });
    expect(none.error).toBeInstanceOf(LeaseLostError);

    // A reads, plans and fences its next write... and is paused (SIGSTOP, a long GC) before sending it.
    const current = await provider.read([name, markerName(name), leaseRecordName(name)]);
    const late: readonly RecordChange[] = a.fence.guard(current, planTo(name, ['192.0.2.99'])(current).changes);

    // B's clock runs past the lease and its skew margin: B takes over.
    await clockB.advance(DEFAULT_LEASE_OPTIONS.durationMs + DEFAULT_LEASE_OPTIONS.skewMarginMs);
    await waitFor(() => b.isLeader(), { what: 'B to take over', timeoutMs: 5000 });
    expect((await leaseHolder(provider, name))?.holder).toBe('replica-b');
    expect((await leaseHolder(provider, name))?.term).toBe(2);

    // A resumes, still believing its frozen clock, and sends the write it fenced before the pause: refused.
    expect(a.isLeader()).toBe(true);
    await expect(provider.apply(late)).rejects.toBeInstanceOf(ConflictError);
    expect(await published(provider, name)).toEqual(['192.0.2.1']);
    // Its next reconcile re-reads, sees B's lease, steps down and writes nothing: no blind retry.
    const retried = await reconcileOnce({ name, provider, fence: a.fence, plan: planTo(name, ['192.0.2.99']) });
    expect(retried.error).toBeInstanceOf(LeaseLostError);
    expect(a.status().role).toBe('follower');
    expect(await published(provider, name)).toEqual(['192.0.2.1']);

    // B's fenced write goes through.
    const next = await reconcileOnce({ name, provider, fence: b.fence, plan: planTo(name, ['192.0.2.2']) });
    expect(next.error).toBeUndefined();
    expect(await published(provider, name)).toEqual(['192.0.2.2']);
  } finally {
    await a.stop();
    await b.stop();
  }
}

/** `provider` with a switch: while `cut`, every call fails as an unreachable server would (a crashed replica's view). */
export function cuttable(provider: DnsProvider): DnsProvider & { cut: boolean } {
  const view = {
    ...provider,
    cut: false,
    read: async (names: readonly string[]) => {
      if (view.cut) throw new ProviderError('cut', 'ERR_UNREACHABLE', 'unreachable');
      return provider.read(names);
    },
    apply: async (changes: readonly RecordChange[]) => {
      if (view.cut) throw new ProviderError('cut', 'ERR_UNREACHABLE', 'unreachable');
      return provider.apply(changes);
    },
  };
  return view;
}
