import { describe, expect, it } from 'vitest';
import type { EndpointHealth, HealthState } from '../../src/health/types.js';
import { endpointKey, OutageGuard } from '../../src/registrar/outage-guard.js';
import type { Candidate } from '../../src/sources/types.js';

const candidates: Candidate[] = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address) => ({ address, port: 3000, source: 'static' }));

function health(states: readonly [HealthState, number | undefined][]): Map<string, EndpointHealth> {
  return new Map(
    candidates.map((c, i) => {
      const [state, failingSince] = states[i]!;
      const endpoint = { key: endpointKey(c), host: c.address, port: c.port };
      return [endpoint.key, { endpoint, state, since: 0, healthySince: state === 'healthy' ? 0 : undefined, consecutivePasses: 0, failingSince, last: undefined, nodeId: undefined }];
    }),
  );
}

const published = new Set(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
const addresses = (r: { members: { address: string }[] }): string[] => r.members.map((m) => m.address);

describe('OutageGuard', () => {
  it('publishes the healthy candidates in normal operation', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    const r = guard.desired(candidates, health([['healthy', undefined], ['unhealthy', 0], ['healthy', undefined]]), published, 5000);
    expect(addresses(r)).toEqual(['10.0.0.1', '10.0.0.3']);
    expect(r.phase).toBe('none');
  });

  it('desires nothing while every candidate is failing, even before all are unhealthy', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    const r = guard.desired(candidates, health([['unhealthy', 0], ['healthy', 500], ['healthy', 900]]), published, 3100);
    expect(r).toEqual({ members: [], phase: 'active' });
  });

  it('after an outage, keeps published endpoints until they fail for unhealthy-after on fresh evidence', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    guard.desired(candidates, health([['unhealthy', 0], ['unhealthy', 0], ['unhealthy', 0]]), published, 5000);
    // 10.0.0.1 is back; 10.0.0.2 recovering (no failing streak); 10.0.0.3 still failing (really dead?).
    const during = guard.desired(candidates, health([['healthy', undefined], ['unhealthy', undefined], ['unhealthy', 0]]), published, 6000);
    expect(during.phase).toBe('recovering');
    expect(addresses(during)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    // 3 s after the outage ended, the one still failing is judged dead; the recovering one is kept.
    const later = guard.desired(candidates, health([['healthy', undefined], ['unhealthy', undefined], ['unhealthy', 0]]), published, 9000);
    expect(addresses(later)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('never adds an unpublished endpoint during recovery, and ends recovery after the window', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 4000 });
    guard.desired(candidates, health([['unhealthy', 0], ['unhealthy', 0], ['unhealthy', 0]]), published, 1000);
    const r = guard.desired(candidates, health([['healthy', undefined], ['unhealthy', undefined], ['unhealthy', undefined]]), new Set(['10.0.0.1']), 1500);
    expect(addresses(r)).toEqual(['10.0.0.1']);
    const after = guard.desired(candidates, health([['healthy', undefined], ['unhealthy', undefined], ['unhealthy', undefined]]), published, 6000);
    expect(after.phase).toBe('none');
    expect(addresses(after)).toEqual(['10.0.0.1']);
  });

  it('is not an outage when there are no candidates or some are unknown', () => {
    const guard = new OutageGuard({ unhealthyAfterMs: 3000, recoveryWindowMs: 10_000 });
    expect(guard.desired([], new Map(), published, 0).phase).toBe('none');
    expect(guard.desired(candidates, health([['unknown', undefined], ['unhealthy', 0], ['unhealthy', 0]]), published, 5000).phase).toBe('none');
  });
});
