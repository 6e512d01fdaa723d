import { describe, expect, it } from 'vitest';
import { initialHealth, nextHealth } from '../../src/health/hysteresis.js';
import type { EndpointHealth, HealthState } from '../../src/health/types.js';
import { candidateKey, OutageGuard } from '../../src/registrar/outage-guard.js';
import type { Candidate } from '../../src/sources/types.js';

const candidates: Candidate[] = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address) => ({
  address,
  port: 3000,
  source: 'static',
}));

function health(states: readonly [HealthState, number | undefined][]): Map<string, EndpointHealth> {
  return new Map(
    candidates.map((c, i) => {
      const [state, failingSince] = states[i]!;
      const endpoint = { key: candidateKey(c), host: c.address, port: c.port };
      return [
        endpoint.key,
        {
          endpoint,
          state,
          since: 0,
          healthySince: state === 'healthy' ? 0 : undefined,
          consecutivePasses: 0,
          failingSince,
          last: undefined,
          nodeId: undefined,
        },
      ];
    }),
  );
}

const published = new Set(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
const addresses = (r: { members: { address: string }[] }): string[] => r.members.map((m) => m.address);

describe('OutageGuard', () => {
  it('publishes the healthy candidates in normal operation', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    const r = guard.desired(
      candidates,
      health([
        ['healthy', undefined],
        ['unhealthy', 0],
        ['healthy', undefined],
      ]),
      published,
      5000,
    );
    expect(addresses(r)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(r.phase).toBe('none');
  });

  it('desires nothing while every candidate is failing, even before all are unhealthy', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    const r = guard.desired(
      candidates,
      health([
        ['unhealthy', 0],
        ['healthy', 500],
        ['healthy', 900],
      ]),
      published,
      3100,
    );
    expect(r).toEqual({ members: [], phase: 'active' });
  });

  it('after an outage, keeps published endpoints until they fail for unhealthy-after on fresh evidence', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    guard.desired(
      candidates,
      health([
        ['unhealthy', 0],
        ['unhealthy', 0],
        ['unhealthy', 0],
      ]),
      published,
      5000,
    );
    // 10.0.0.1 is back; 10.0.0.2 recovering (no failing streak); 10.0.0.3 still failing (really dead?).
    const during = guard.desired(
      candidates,
      health([
        ['healthy', undefined],
        ['unhealthy', undefined],
        ['unhealthy', 0],
      ]),
      published,
      6000,
    );
    expect(during.phase).toBe('recovering');
    expect(addresses(during)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    // 3 s after the outage ended, the one still failing is judged dead; the recovering one is kept.
    const later = guard.desired(
      candidates,
      health([
        ['healthy', undefined],
        ['unhealthy', undefined],
        ['unhealthy', 0],
      ]),
      published,
      9000,
    );
    expect(addresses(later)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('never adds an unpublished endpoint during recovery, and ends recovery after the window', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 4000 });
    guard.desired(
      candidates,
      health([
        ['unhealthy', 0],
        ['unhealthy', 0],
        ['unhealthy', 0],
      ]),
      published,
      1000,
    );
    const r = guard.desired(
      candidates,
      health([
        ['healthy', undefined],
        ['unhealthy', undefined],
        ['unhealthy', undefined],
      ]),
      new Set(['10.0.0.1']),
      1500,
    );
    expect(addresses(r)).toEqual(['10.0.0.1']);
    const after = guard.desired(
      candidates,
      health([
        ['healthy', undefined],
        ['unhealthy', undefined],
        ['unhealthy', undefined],
      ]),
      published,
      6000,
    );
    expect(after.phase).toBe('none');
    expect(addresses(after)).toEqual(['10.0.0.1']);
  });

  it('is not an outage when there are no candidates or some are unknown', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    expect(guard.desired([], new Map(), published, 0).phase).toBe('none');
    expect(
      guard.desired(
        candidates,
        health([
          ['unknown', undefined],
          ['unhealthy', 0],
          ['unhealthy', 0],
        ]),
        published,
        5000,
      ).phase,
    ).toBe('none');
  });

  it('keeps published endpoints that have no verdict yet after a restart (not yet probed is not unhealthy)', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    // Right after a restart: one endpoint passed its probes, the others have not been probed (or are unknown to the checker).
    const snapshot = health([
      ['healthy', undefined],
      ['unknown', undefined],
      ['unknown', undefined],
    ]);
    snapshot.delete(candidateKey(candidates[2]!));
    const r = guard.desired(candidates, snapshot, published, 450);
    expect(addresses(r)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    // An unpublished endpoint without a verdict is still not added.
    expect(addresses(guard.desired(candidates, snapshot, new Set(['10.0.0.1']), 450))).toEqual(['10.0.0.1']);
  });

  it('removes a published endpoint only after it has failed continuously for unhealthy-after (injected clock)', () => {
    const options = { healthyAfter: 2, unhealthyAfterMs: 1000 };
    const guard = new OutageGuard({ unhealthyAfterMs: 1000, recoveryWindowMs: 5000 });
    const [ok, failing] = candidates.map((c) => ({ key: candidateKey(c), host: c.address, port: c.port }));
    let good = initialHealth(ok!, 0);
    let bad = initialHealth(failing!, 0);
    const removedAt: number[] = [];
    // Probes every 100 ms from a restart at t = 0: the first endpoint passes, the second fails from its first probe on.
    for (let now = 100; now <= 2000; now += 100) {
      good = nextHealth(good, { ok: true, latencyMs: 1 }, now, options);
      bad = nextHealth(bad, { ok: false, latencyMs: 1, reason: 'connection refused' }, now, options);
      const snapshot = new Map([
        [good.endpoint.key, good],
        [bad.endpoint.key, bad],
      ]);
      const r = guard.desired(candidates.slice(0, 2), snapshot, published, now);
      if (!addresses(r).includes('10.0.0.2')) removedAt.push(now);
    }
    // Failing since its first probe at 100 ms: unhealthy (and removable) from 1100 ms, never before.
    expect(removedAt[0]).toBe(1100);
    expect(removedAt).toHaveLength(10);
  });
});
