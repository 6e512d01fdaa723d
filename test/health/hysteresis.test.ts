import { describe, expect, it } from 'vitest';
import { initialHealth, nextHealth, transitionReason } from '../../src/health/hysteresis.js';
import type { Endpoint, EndpointHealth, HealthState, ProbeResult } from '../../src/health/types.js';

const endpoint: Endpoint = { key: '127.0.0.1:3000', host: '127.0.0.1', port: 3000 };
const PASS: ProbeResult = { ok: true, latencyMs: 1, nodeId: 'BB9010011AC4202' };
const FAIL: ProbeResult = { ok: false, latencyMs: 1, reason: 'refused' };

/** `P` = pass, `F` = fail; one step every `stepMs` starting at t = 1000. */
function run(
  script: string,
  options: { healthyAfter: number; unhealthyAfterMs: number },
  stepMs = 100,
): EndpointHealth[] {
  let health = initialHealth(endpoint, 0);
  const out: EndpointHealth[] = [];
  [...script].forEach((step, i) => {
    health = nextHealth(health, step === 'P' ? PASS : FAIL, 1000 + i * stepMs, options);
    out.push(health);
  });
  return out;
}

const states = (hs: readonly EndpointHealth[]): string =>
  hs.map((h) => ({ unknown: '?', healthy: 'H', unhealthy: 'U' })[h.state]).join('');

describe('initialHealth', () => {
  it('starts unknown with no streaks', () => {
    const h = initialHealth(endpoint, 42);
    expect(h).toMatchObject({
      state: 'unknown',
      since: 42,
      consecutivePasses: 0,
      healthySince: undefined,
      failingSince: undefined,
      last: undefined,
      nodeId: undefined,
    });
    expect(Object.isFrozen(h)).toBe(true);
  });
});

describe('nextHealth', () => {
  // Each row: options, script of results (100 ms apart), expected state after each step.
  const table: { healthyAfter: number; unhealthyAfterMs: number; script: string; expected: string; name: string }[] = [
    { name: 'healthy after one pass', healthyAfter: 1, unhealthyAfterMs: 0, script: 'P', expected: 'H' },
    { name: 'healthy after two passes', healthyAfter: 2, unhealthyAfterMs: 3000, script: 'PPP', expected: '?HH' },
    { name: 'healthy after three passes', healthyAfter: 3, unhealthyAfterMs: 3000, script: 'PPPP', expected: '??HH' },
    {
      name: 'X = 0: unhealthy on the first failure',
      healthyAfter: 1,
      unhealthyAfterMs: 0,
      script: 'PF',
      expected: 'HU',
    },
    { name: 'X = 0 from unknown', healthyAfter: 2, unhealthyAfterMs: 0, script: 'F', expected: 'U' },
    {
      name: 'sub-second X: unhealthy once 250 ms have passed',
      healthyAfter: 1,
      unhealthyAfterMs: 250,
      script: 'PFFFF',
      expected: 'HHHHU',
    },
    { name: 'X exactly reached counts', healthyAfter: 1, unhealthyAfterMs: 200, script: 'PFFF', expected: 'HHHU' },
    {
      name: 'larger X: 1 s of failures at 100 ms',
      healthyAfter: 2,
      unhealthyAfterMs: 1000,
      script: 'PP' + 'F'.repeat(11) + 'F',
      expected: '?H' + 'H'.repeat(10) + 'UU',
    },
    {
      name: 'from unknown a failure waits for X too',
      healthyAfter: 2,
      unhealthyAfterMs: 300,
      script: 'FFFF',
      expected: '???U',
    },
    {
      name: 'a pass resets the failing streak',
      healthyAfter: 1,
      unhealthyAfterMs: 300,
      script: 'PFFPFFPFF',
      expected: 'HHHHHHHHH',
    },
    {
      name: 'unhealthy needs N passes to recover',
      healthyAfter: 3,
      unhealthyAfterMs: 0,
      script: 'PPPFPPFPPP',
      expected: '??HUUUUUUH',
    },
    {
      name: 'flapping never reaches healthy with N = 2',
      healthyAfter: 2,
      unhealthyAfterMs: 0,
      script: 'PFPFPFPF',
      expected: '?UUUUUUU',
    },
    {
      name: 'flapping with X > 0 stays healthy',
      healthyAfter: 2,
      unhealthyAfterMs: 500,
      script: 'PPFPFPFPFP',
      expected: '?HHHHHHHHH',
    },
  ];

  it.each(table)('$name', ({ healthyAfter, unhealthyAfterMs, script, expected }) => {
    expect(states(run(script, { healthyAfter, unhealthyAfterMs }))).toBe(expected);
  });

  it('tracks streaks, since, healthySince and failingSince', () => {
    const hs = run('PPFFPP', { healthyAfter: 2, unhealthyAfterMs: 100 });
    expect(hs.map((h) => h.consecutivePasses)).toEqual([1, 2, 0, 0, 1, 2]);
    expect(hs.map((h) => h.failingSince)).toEqual([undefined, undefined, 1200, 1200, undefined, undefined]);
    expect(hs.map((h) => h.healthySince)).toEqual([undefined, 1100, 1100, undefined, undefined, 1500]);
    expect(hs.map((h) => h.since)).toEqual([0, 1100, 1100, 1300, 1300, 1500]);
  });

  it('keeps the node id of the last pass through failures', () => {
    const hs = run('PF', { healthyAfter: 1, unhealthyAfterMs: 0 });
    expect(hs[1]!.nodeId).toBe('BB9010011AC4202');
    expect(hs[1]!.last).toBe(FAIL);
  });

  it('never mutates its input and returns frozen values', () => {
    const start = initialHealth(endpoint, 0);
    const copy = { ...start };
    const next = nextHealth(start, FAIL, 10, { healthyAfter: 1, unhealthyAfterMs: 0 });
    expect(start).toEqual(copy);
    expect(next).not.toBe(start);
    expect(Object.isFrozen(next)).toBe(true);
  });

  it('explains transitions', () => {
    const opts = { healthyAfter: 2, unhealthyAfterMs: 200 };
    const hs = [initialHealth(endpoint, 0), ...run('PPFFF', opts)];
    const reasons = hs.slice(1).map((h, i) => transitionReason(hs[i]!, h));
    expect(reasons).toEqual(['', '2 consecutive passes', '', '', 'failing for 200 ms: refused']);
    const immediate = nextHealth(hs[2]!, FAIL, 5000, { healthyAfter: 2, unhealthyAfterMs: 0 });
    expect(transitionReason(hs[2]!, immediate)).toBe('refused');
  });

  it('every state is reachable only through the rules (random scripts)', () => {
    for (let seed = 0; seed < 200; seed++) {
      let x = seed * 7919 + 1;
      const rand = (): number => (x = (x * 48271) % 2147483647) / 2147483647;
      const healthyAfter = 1 + Math.floor(rand() * 3);
      const unhealthyAfterMs = [0, 150, 1000][Math.floor(rand() * 3)]!;
      let health = initialHealth(endpoint, 0);
      let passes = 0;
      let failStart: number | undefined;
      for (let i = 0; i < 40; i++) {
        const now = 1000 + i * 100;
        const pass = rand() < 0.5;
        const prev: HealthState = health.state;
        health = nextHealth(health, pass ? PASS : FAIL, now, { healthyAfter, unhealthyAfterMs });
        passes = pass ? passes + 1 : 0;
        failStart = pass ? undefined : (failStart ?? now);
        if (health.state === 'healthy' && prev !== 'healthy') expect(passes).toBeGreaterThanOrEqual(healthyAfter);
        if (health.state === 'unhealthy' && prev !== 'unhealthy')
          expect(now - failStart!).toBeGreaterThanOrEqual(unhealthyAfterMs);
        if (pass && prev === 'unhealthy' && passes < healthyAfter) expect(health.state).toBe('unhealthy');
      }
    }
  });
});
