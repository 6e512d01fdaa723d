/**
 * Pacing against Route 53's documented throttling: one conservative budget for every request, and the health
 * check actions paced to their own, slower buckets (CreateHealthCheck refills at 0.5/s), on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { OPERATION_BUCKETS, TokenBucket } from '../../src/providers/route53/rate.js';
import type { RecordSet } from '../../src/records/types.js';
import { a, fakeTime, useWorld } from '../providers/route53/helpers.js';

const world = useWorld();

describe('route53 pacing', () => {
  it('a token bucket lets a burst through, then one request per refill interval, in call order', async () => {
    const time = fakeTime();
    const bucket = new TokenBucket(3, 2, time);
    const done: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => bucket.take().then(() => done.push(i) && undefined)));
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
    expect(time.now()).toBe(1500); // three at once, then 500 ms apart
  });

  it('paces CreateHealthCheck to its own bucket: after a burst, at most 0.5 per second', async () => {
    const { burst, perSecond } = OPERATION_BUCKETS.CreateHealthCheck!;
    const ips = Array.from({ length: 30 }, (_, i) => `203.0.113.${i + 1}`);
    const set: RecordSet = { ...a(ips), ids: Object.fromEntries(ips.map((ip, i) => [ip, `i-${i}`])) };
    await world
      .provider({ mode: 'per-node', healthChecks: { port: 3000, tagOwner: 'prod' } })
      .apply([{ kind: 'create', set }]);
    const at = world.model.callsOf('CreateHealthCheck').map((c) => c.at!);
    expect(at).toHaveLength(30);
    // The k-th (0-based) creation needs k + 1 tokens: burst + refill since the first. The first one's own wait
    // for the shared budget (at most 200 ms) is the only slack.
    at.forEach((t, k) =>
      expect(t - at[0]!).toBeGreaterThanOrEqual(Math.max(0, (k + 1 - burst) / perSecond) * 1000 - 201),
    );
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(((30 - burst) / perSecond) * 1000 - 201);
    // Every request still passes the shared budget: 200 ms apart at the default 5/s.
    const all = world.model.calls.map((c) => c.at!);
    all.slice(1).forEach((t, i) => expect(t - all[i]!).toBeGreaterThanOrEqual(199));
  });
});
