import { describe, expect, it } from 'vitest';
import type { EndpointHealth } from '../../src/health/types.js';
import { judge, type WhyInput } from '../../src/web/why.js';

const NOW = 1_000_000;
const endpoint = { key: '10.0.0.1:3000', host: '10.0.0.1', port: 3000 };

function health(over: Partial<EndpointHealth> = {}): EndpointHealth {
  return {
    endpoint,
    state: 'healthy',
    since: NOW - 60_000,
    healthySince: NOW - 60_000,
    consecutivePasses: 10,
    failingSince: undefined,
    last: { ok: true, latencyMs: 1 },
    nodeId: 'A1',
    ...over,
  };
}

function input(over: Partial<WhyInput> = {}): WhyInput {
  return {
    health: health(),
    published: true,
    now: NOW,
    unhealthyAfterMs: 3000,
    notes: new Set(),
    deferred: new Set(),
    outage: 'none',
    mode: 'sync',
    refused: false,
    ...over,
  };
}

const failing = (ms: number, reason = 'connection refused'): Partial<EndpointHealth> => ({
  failingSince: NOW - ms,
  last: { ok: false, latencyMs: 1, reason },
});

describe('judge: why a candidate is in or out', () => {
  it('healthy and published', () => {
    expect(judge(input())).toEqual({ code: 'healthy', published: true, text: 'healthy: published' });
  });

  it('failing for N s of X while still healthy, with the probe reason', () => {
    const why = judge(input({ health: health(failing(1200)) }));
    expect(why.code).toBe('failing');
    expect(why.text).toBe('failing for 1.2 s of 3.0 s (connection refused); still published');
  });

  it('names the guard that keeps an unhealthy address published', () => {
    const down = health({ state: 'unhealthy', healthySince: undefined, ...failing(9000) });
    expect(judge(input({ health: down, notes: new Set(['fail-open']) })).code).toBe('fail-open');
    expect(judge(input({ health: down, deferred: new Set(['10.0.0.1']) })).code).toBe('removal-cap');
    expect(judge(input({ health: down, outage: 'recovering' })).code).toBe('recovering');
    expect(judge(input({ health: down, mode: 'upsert-only' })).code).toBe('upsert-only');
    expect(judge(input({ health: down })).text).toMatch(
      /^unhealthy \(connection refused\): removed by the next reconcile$/,
    );
  });

  it('out: unhealthy, another cluster, size cap, pending, waiting', () => {
    const down = health({ state: 'unhealthy', ...failing(9000) });
    expect(judge(input({ health: down, published: false })).text).toBe(
      'unhealthy: failing for 9.0 s (connection refused)',
    );
    const stranger = health({ state: 'unhealthy', ...failing(20_000, 'cluster-name "other", expected "demo"') });
    expect(judge(input({ health: stranger, published: false }))).toMatchObject({
      code: 'other-cluster',
      published: false,
    });
    expect(
      judge(
        input({
          health: health({ ...failing(20_000, 'node id B2, expected A1'), state: 'unhealthy' }),
          published: false,
        }),
      ).code,
    ).toBe('other-cluster');
    expect(judge(input({ published: false, notes: new Set(['size-capped']) })).code).toBe('size-cap');
    expect(judge(input({ published: false })).code).toBe('pending');
    expect(judge(input({ health: health({ state: 'unknown', consecutivePasses: 1 }), published: false })).text).toBe(
      'no verdict yet (1 passing probes so far)',
    );
    expect(judge(input({ health: undefined, published: false })).code).toBe('waiting');
  });

  it('a record that is not ours overrides everything', () => {
    expect(judge(input({ refused: true })).code).toBe('not-owned');
  });
});
