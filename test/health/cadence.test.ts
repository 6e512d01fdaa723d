import { describe, expect, it } from 'vitest';
import { firstProbeDelay, gridAtOrAfter, MIN_GAP_MS, nextProbe, type CadenceInput } from '../../src/health/cadence.js';
import { initialHealth, nextHealth } from '../../src/health/hysteresis.js';
import type { EndpointHealth } from '../../src/health/types.js';

const endpoint = { key: 'a:1', host: 'a', port: 1 };
const options = { intervalMs: 1000, unhealthyAfterMs: 3000 };
const hysteresis = { healthyAfter: 1, unhealthyAfterMs: 3000 };
const unknown = initialHealth(endpoint, 0);
const healthy: EndpointHealth = nextHealth(unknown, { ok: true, latencyMs: 1 }, 0, hysteresis);
const failing = (since: number): EndpointHealth =>
  nextHealth(healthy, { ok: false, latencyMs: 1, reason: 'refused' }, since, hysteresis);
const unhealthy: EndpointHealth = nextHealth(
  failing(0),
  { ok: false, latencyMs: 1, reason: 'refused' },
  3000,
  hysteresis,
);

/** Defaults: a healthy endpoint with phase 0 whose last probe was due at 10 000 and took 5 ms. */
function input(over: Partial<CadenceInput>): CadenceInput {
  return { health: healthy, startedAt: 10_000, endedAt: 10_005, nominal: 10_000, phase: 0, options, ...over };
}

describe('gridAtOrAfter', () => {
  it.each([
    [0, 250, 250],
    [250, 250, 250],
    [251, 250, 1250],
    [10_999, 0, 11_000],
    [11_000, 0, 11_000],
  ])('time %d, phase %d -> %d', (time, phase, expected) => {
    expect(gridAtOrAfter(time, phase, 1000)).toBe(expected);
  });
});

describe('nextProbe, healthy', () => {
  it('on its grid: one interval after the last grid point, start to start, whatever the latency', () => {
    expect(nextProbe(input({}))).toEqual({ due: 11_000, nominal: 11_000 });
    expect(nextProbe(input({ startedAt: 10_030, endedAt: 10_480 }))).toEqual({ due: 11_000, nominal: 11_000 });
  });

  it('a late start does not move the grid', () => {
    const next = nextProbe(input({ startedAt: 10_040 }));
    expect(nextProbe(input({ startedAt: next.due + 30, endedAt: next.due + 35, nominal: next.nominal })).due).toBe(
      12_000,
    );
  });

  it('off its grid (just became healthy, or after a fast re-probe) it moves to the next point of its phase', () => {
    expect(nextProbe(input({ nominal: Number.NaN, phase: 700 }))).toEqual({ due: 10_700, nominal: 10_700 });
    expect(nextProbe(input({ nominal: 10_000, phase: 300 }))).toEqual({ due: 10_300, nominal: 10_300 });
    expect(nextProbe(input({ nominal: Number.NaN, phase: 2 }))).toEqual({ due: 11_002, nominal: 11_002 });
    // A start more than half an interval after it was due counts as off the grid too.
    expect(nextProbe(input({ startedAt: 10_600, endedAt: 10_610 }))).toEqual({ due: 11_000, nominal: 11_000 });
  });

  it('never sooner than the minimum gap after the probe ended', () => {
    expect(nextProbe(input({ startedAt: 10_000, endedAt: 10_995 })).due).toBe(11_005);
  });
});

describe('nextProbe, failing toward unhealthy', () => {
  it('probes when X will have elapsed: at most an interval and at least 10 ms after the last probe ended', () => {
    expect(nextProbe(input({ health: failing(10_000), endedAt: 10_000 }))).toMatchObject({ due: 11_000 });
    expect(nextProbe(input({ health: failing(10_000), endedAt: 12_400 }))).toMatchObject({ due: 13_000 });
    expect(nextProbe(input({ health: failing(10_000), endedAt: 12_999 }))).toMatchObject({ due: 12_999 + MIN_GAP_MS });
    expect(Number.isNaN(nextProbe(input({ health: failing(10_000) })).nominal)).toBe(true);
  });
});

describe('nextProbe, unknown or unhealthy', () => {
  it('probes exactly one interval after the last start, on or off the phase', () => {
    expect(nextProbe(input({ health: unhealthy, phase: 400 }))).toEqual({ due: 11_000, nominal: 11_000 });
    expect(nextProbe(input({ health: unhealthy, nominal: Number.NaN, startedAt: 10_123, endedAt: 10_130 }))).toEqual({
      due: 11_123,
      nominal: 11_123,
    });
    expect(nextProbe(input({ health: unknown, nominal: Number.NaN, startedAt: 5, endedAt: 6 }))).toEqual({
      due: 1005,
      nominal: 1005,
    });
    // Timer lateness does not add up.
    expect(nextProbe(input({ health: unknown, nominal: 1005, startedAt: 1007, endedAt: 1008 })).due).toBe(2005);
  });
});

describe('firstProbeDelay', () => {
  it('is within jitter × interval', () => {
    expect(firstProbeDelay({ intervalMs: 1000, jitter: 0.1 }, 0)).toBe(0);
    expect(firstProbeDelay({ intervalMs: 1000, jitter: 0.1 }, 0.5)).toBe(50);
    expect(firstProbeDelay({ intervalMs: 1000, jitter: 0 }, 0.9)).toBe(0);
  });
});
