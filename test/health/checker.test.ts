// The scheduler with a scripted probe under fake timers: cadence, hysteresis timing, concurrency and
// lifecycle are checked deterministically (simulated time, no wall-clock dependence).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HealthChecker } from '../../src/health/checker.js';
import { DEFAULT_HEALTH_OPTIONS, type HealthOptions, type HealthTransition } from '../../src/health/types.js';
import { ConfigError } from '../../src/errors.js';
import { FakeProbe, ep } from './fake-probe.js';

let checker: HealthChecker | undefined;
let probe: FakeProbe;

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date', 'queueMicrotask'],
  });
  probe = new FakeProbe();
});

afterEach(async () => {
  const stopping = checker?.stop();
  await vi.runAllTimersAsync();
  await stopping;
  checker = undefined;
  vi.useRealTimers();
});

function make(options: Partial<HealthOptions> = {}): { checker: HealthChecker; transitions: HealthTransition[] } {
  checker = new HealthChecker(probe, { jitter: 0, ...options });
  const transitions: HealthTransition[] = [];
  checker.on('transition', (t) => transitions.push(t));
  return { checker, transitions };
}

const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => Math.round(t - times[i]!));

describe('HealthChecker options', () => {
  it('merges over the defaults', () => {
    expect(new HealthChecker(probe).options).toEqual(DEFAULT_HEALTH_OPTIONS);
    expect(new HealthChecker(probe, { healthyAfter: 5 }).options).toMatchObject({ healthyAfter: 5, intervalMs: 1000 });
    // A short interval brings the default timeout down with it.
    expect(new HealthChecker(probe, { intervalMs: 200 }).options.timeoutMs).toBe(200);
  });

  it.each<[Partial<HealthOptions>, string]>([
    [{ intervalMs: 0 }, 'intervalMs'],
    [{ intervalMs: Number.NaN }, 'intervalMs'],
    [{ timeoutMs: -1 }, 'timeoutMs'],
    [{ intervalMs: 100, timeoutMs: 500 }, 'timeoutMs'],
    [{ healthyAfter: 0 }, 'healthyAfter'],
    [{ healthyAfter: 1.5 }, 'healthyAfter'],
    [{ unhealthyAfterMs: -5 }, 'unhealthyAfterMs'],
    [{ jitter: 0.9 }, 'jitter'],
    [{ maxConcurrent: 0 }, 'maxConcurrent'],
    [{ maxConcurent: 5 } as Partial<HealthOptions>, 'maxConcurent'],
    [{ intervalMs: '1000' } as unknown as Partial<HealthOptions>, 'intervalMs'],
  ])('rejects %j naming %s', (options, path) => {
    let error: unknown;
    try {
      new HealthChecker(probe, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
    expect((error as ConfigError).message).toContain(path);
  });

  it('rejects bad endpoints naming the index', () => {
    const { checker } = make();
    expect(() => checker.setEndpoints([ep(1), { key: 'x', host: '127.0.0.1', port: 0 }])).toThrow(
      /endpoints\[1\]\.port/,
    );
  });
});

describe('HealthChecker scheduling', () => {
  it('an endpoint becomes healthy after N passes, one interval apart, with one transition', async () => {
    const { checker, transitions } = make({ intervalMs: 1000, healthyAfter: 3 });
    checker.setEndpoints([ep(1)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(1500);
    expect(checker.snapshot().get(ep(1).key)?.state).toBe('unknown');
    await vi.advanceTimersByTimeAsync(1000);
    expect(transitions).toMatchObject([
      { from: 'unknown', to: 'healthy', reason: '3 consecutive passes', endpoint: ep(1) },
    ]);
    const before = probe.callsFor(ep(1).key).filter((at) => at + performance.timeOrigin <= transitions[0]!.at);
    expect(gaps(before)).toEqual([1000, 1000]);
    const health = checker.snapshot().get(ep(1).key)!;
    expect(health).toMatchObject({ state: 'healthy', nodeId: 'A1' });
    expect(health.consecutivePasses).toBeGreaterThanOrEqual(3);
    expect(health.healthySince).toBe(transitions[0]!.at);
  });

  it('probes start-to-start every interval, whatever the probe latency', async () => {
    probe.delayMs = 300;
    const { checker } = make({ intervalMs: 1000, timeoutMs: 500 });
    checker.setEndpoints([ep(1)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(7500);
    const [beforeHealthy, toGrid, ...onGrid] = gaps(probe.callsFor(ep(1).key));
    // Unknown: one interval start to start; once healthy (2nd pass) it moves to its phase, at most an
    // interval (plus the probe's latency) later; from then on exactly one interval apart.
    expect(beforeHealthy).toBe(1000);
    expect(toGrid).toBeGreaterThan(300);
    expect(toGrid).toBeLessThanOrEqual(1000 + 300 + 10);
    expect(onGrid.slice(0, 4)).toEqual([1000, 1000, 1000, 1000]);
  });

  it('jitter spreads the first probes; after that each endpoint keeps an exact period', async () => {
    const { checker } = make({ intervalMs: 1000, jitter: 0.2 });
    checker.setEndpoints(Array.from({ length: 50 }, (_, i) => ep(i + 1)));
    checker.start();
    await vi.advanceTimersByTimeAsync(10_500);
    const first = probe.calls.slice(0, 50).map((c) => c.at);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(0);
    expect(Math.max(...first) - Math.min(...first)).toBeLessThanOrEqual(200);
    for (let i = 1; i <= 50; i++) {
      const all = gaps(probe.callsFor(ep(i).key));
      expect(Math.max(...all)).toBeLessThanOrEqual(1000 + 10 + 2); // + the minimum gap, + timer rounding
      const g = all.slice(2); // after the move to its phase once healthy
      expect(Math.min(...g)).toBeGreaterThanOrEqual(999);
      expect(Math.max(...g)).toBeLessThanOrEqual(1001);
    }
    expect(probe.calls.length).toBeGreaterThanOrEqual(50 * 9);
    expect(probe.calls.length).toBeLessThanOrEqual(50 * 12);
  });

  it('spreads many endpoints added at once evenly over the interval', async () => {
    const { checker } = make({ intervalMs: 1000 });
    checker.setEndpoints(Array.from({ length: 1000 }, (_, i) => ep(i + 1)));
    checker.start();
    await vi.advanceTimersByTimeAsync(3000);
    const from = probe.calls.length;
    await vi.advanceTimersByTimeAsync(1000);
    const buckets = Array.from({ length: 10 }, () => 0);
    const t0 = probe.calls[from]!.at;
    for (const call of probe.calls.slice(from)) buckets[Math.min(9, Math.floor((call.at - t0) / 100))]!++;
    expect(probe.calls.length - from).toBeGreaterThanOrEqual(950);
    // Uniform would be 100 per 100 ms; a start-up burst kept in step would put most in one bucket.
    expect(Math.max(...buckets)).toBeLessThan(200);
    expect(Math.min(...buckets)).toBeGreaterThan(30);
  });

  it('a failing endpoint is re-probed so the verdict comes when X has elapsed, not an interval later', async () => {
    const { checker, transitions } = make({ intervalMs: 1000, healthyAfter: 1, unhealthyAfterMs: 2500 });
    checker.setEndpoints([ep(1)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(checker.snapshot().get(ep(1).key)?.state).toBe('healthy');
    probe.set(ep(1).key, 'fail');
    await vi.advanceTimersByTimeAsync(5000);
    const health = checker.snapshot().get(ep(1).key)!;
    expect(health.state).toBe('unhealthy');
    const down = transitions.find((t) => t.to === 'unhealthy')!;
    expect(down.at - health.failingSince!).toBeGreaterThanOrEqual(2500);
    expect(down.at - health.failingSince!).toBeLessThan(2510);
    expect(down.reason).toMatch(/^failing for 250\d ms: refused$/);
    // Probes after the first failure: one interval apart, then the remaining 500 ms, not a whole interval.
    const after = probe.callsFor(ep(1).key).filter((t) => t + performance.timeOrigin >= health.failingSince! - 1);
    const failingGaps = gaps(after).slice(0, 3);
    [1000, 1000, 500].forEach((expected, i) => expect(Math.abs(failingGaps[i]! - expected)).toBeLessThanOrEqual(2));
  });

  it('holds the convergence bounds: dead -> unhealthy within X + interval, back -> healthy within N intervals', async () => {
    const I = 1000;
    const X = 2500;
    const N = 3;
    const { checker, transitions } = make({ intervalMs: I, healthyAfter: N, unhealthyAfterMs: X, jitter: 0.1 });
    checker.setEndpoints([ep(1), ep(2), ep(3)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(N * I + 200);
    const worst = { down: 0, up: 0 };
    const until = async (key: string, to: string): Promise<number> => {
      for (
        let i = 0;
        i < 1000 && !transitions.some((t) => t.endpoint.key === key && t.to === to && t.at >= changedAt);
        i++
      ) {
        await vi.advanceTimersByTimeAsync(5);
      }
      return transitions.find((t) => t.endpoint.key === key && t.to === to && t.at >= changedAt)!.at - changedAt;
    };
    let changedAt = 0;
    for (let round = 0; round < 12; round++) {
      const key = ep(1 + (round % 3)).key;
      await vi.advanceTimersByTimeAsync(Math.floor(Math.random() * I));
      changedAt = performance.timeOrigin + performance.now();
      probe.set(key, 'fail');
      worst.down = Math.max(worst.down, await until(key, 'unhealthy'));
      await vi.advanceTimersByTimeAsync(Math.floor(Math.random() * I));
      changedAt = performance.timeOrigin + performance.now();
      probe.set(key, 'pass');
      worst.up = Math.max(worst.up, await until(key, 'healthy'));
    }
    expect(worst.down).toBeLessThanOrEqual(X + I + 2);
    expect(worst.up).toBeLessThanOrEqual(N * I + 2);
  });

  it('X = 0: unhealthy on the first failure; back to healthy after N passes', async () => {
    const { checker, transitions } = make({ intervalMs: 100, healthyAfter: 2, unhealthyAfterMs: 0 });
    checker.setEndpoints([ep(1)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(150);
    probe.set(ep(1).key, 'fail');
    await vi.advanceTimersByTimeAsync(100);
    probe.set(ep(1).key, 'pass');
    await vi.advanceTimersByTimeAsync(300);
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'unknown>healthy',
      'healthy>unhealthy',
      'unhealthy>healthy',
    ]);
  });

  it('a dead host that times out is failed once X has elapsed', async () => {
    const { checker, transitions } = make({
      intervalMs: 1000,
      timeoutMs: 400,
      healthyAfter: 1,
      unhealthyAfterMs: 1000,
    });
    checker.setEndpoints([ep(1)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(100);
    probe.set(ep(1).key, 'slow-fail');
    await vi.advanceTimersByTimeAsync(4000);
    const down = transitions.find((t) => t.to === 'unhealthy')!;
    const failingSince = checker.snapshot().get(ep(1).key)!.failingSince!;
    expect(down.at - failingSince).toBeGreaterThanOrEqual(1000);
    expect(down.at - failingSince).toBeLessThanOrEqual(1000 + 400 + 10);
  });

  it('never runs more than maxConcurrent probes at once, and still probes everyone', async () => {
    probe.delayMs = 50;
    const { checker } = make({ intervalMs: 1000, maxConcurrent: 5 });
    checker.setEndpoints(Array.from({ length: 40 }, (_, i) => ep(i + 1)));
    checker.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(probe.maxInFlight).toBe(5);
    for (let i = 1; i <= 40; i++) expect(probe.callsFor(ep(i).key).length).toBeGreaterThanOrEqual(2);
  });

  it('probeNow expedites one endpoint, or all', async () => {
    const { checker } = make({ intervalMs: 10_000 });
    checker.setEndpoints([ep(1), ep(2)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(probe.calls).toHaveLength(2);
    expect(checker.probeNow(ep(1).key)).toBe(true);
    expect(checker.probeNow('nope')).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(probe.callsFor(ep(1).key)).toHaveLength(2);
    expect(probe.callsFor(ep(2).key)).toHaveLength(1);
    checker.probeNow();
    await vi.advanceTimersByTimeAsync(10);
    expect(probe.calls).toHaveLength(5);
  });
});

describe('HealthChecker endpoints and lifecycle', () => {
  it('setEndpoints adds, removes, keeps state, and re-checks at once an endpoint whose expected node id changed', async () => {
    const { checker } = make({ intervalMs: 100, healthyAfter: 1 });
    checker.setEndpoints([ep(1), ep(2, 'A1')]);
    checker.start();
    await vi.advanceTimersByTimeAsync(50);
    const before = checker.snapshot();
    expect([...before.values()].map((h) => h.state)).toEqual(['healthy', 'healthy']);
    const callsOf2 = probe.callsFor(ep(2).key).length;
    checker.setEndpoints([ep(1), ep(2, 'B2'), ep(3)]);
    const after = checker.snapshot();
    expect(after.get(ep(1).key)).toBe(before.get(ep(1).key));
    // The history stays (a verdict still needs the usual evidence); the new identity is probed at once.
    expect(after.get(ep(2).key)).toMatchObject({ state: 'healthy', endpoint: { expectedNodeId: 'B2' } });
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.callsFor(ep(2).key).length).toBe(callsOf2 + 1);
    expect(after.get(ep(3).key)?.state).toBe('unknown');
    checker.setEndpoints([ep(3)]);
    expect([...checker.snapshot().keys()]).toEqual([ep(3).key]);
    const callsOf1 = probe.callsFor(ep(1).key).length;
    await vi.advanceTimersByTimeAsync(500);
    expect(probe.callsFor(ep(1).key)).toHaveLength(callsOf1);
    expect(checker.stats.endpoints).toBe(1);
  });

  it('snapshots are immutable values; a listener already sees the new state', async () => {
    const { checker } = make({ intervalMs: 100, healthyAfter: 1 });
    const seen: string[] = [];
    checker.on('transition', (t) => seen.push(checker.snapshot().get(t.endpoint.key)!.state));
    checker.setEndpoints([ep(1)]);
    const first = checker.snapshot();
    checker.start();
    await vi.advanceTimersByTimeAsync(50);
    expect(seen).toEqual(['healthy']);
    expect(first.get(ep(1).key)?.state).toBe('unknown');
    expect('set' in first).toBe(false);
    expect(Object.isFrozen(checker.snapshot().get(ep(1).key))).toBe(true);
  });

  it('a probe that throws or never settles is a failure, and does not stall the scheduler', async () => {
    probe.set(ep(1).key, 'throw');
    probe.set(ep(2).key, 'never');
    const { checker, transitions } = make({ intervalMs: 1000, timeoutMs: 200, unhealthyAfterMs: 0 });
    checker.setEndpoints([ep(1), ep(2), ep(3)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(3100);
    const reasons = Object.fromEntries(
      transitions.filter((t) => t.to === 'unhealthy').map((t) => [t.endpoint.key, t.reason]),
    );
    expect(reasons[ep(1).key]).toBe('probe threw: probe bug');
    expect(reasons[ep(2).key]).toMatch(/^probe did not settle within \d+ ms$/);
    expect(checker.snapshot().get(ep(3).key)?.state).toBe('healthy');
    expect(checker.stats.overdue).toBeGreaterThanOrEqual(2);
    // Only the current 'never' probe counts; the abandoned ones do not.
    expect(probe.inFlight).toBeGreaterThanOrEqual(3);
    expect(checker.inFlight).toBeLessThanOrEqual(1);
  });

  it('stop() aborts and awaits probes in flight, and leaves no timer or probe running', async () => {
    probe.set(ep(1).key, 'slow-fail');
    const { checker } = make({ intervalMs: 1000, timeoutMs: 800 });
    checker.setEndpoints([ep(1), ep(2)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(checker.inFlight).toBe(1);
    await checker.stop();
    expect(checker.inFlight).toBe(0);
    expect(probe.inFlight).toBe(0);
    expect(checker.stats).toMatchObject({ inFlight: 0, timerArmed: false, running: false });
    const calls = probe.calls.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(probe.calls).toHaveLength(calls);
    expect(vi.getTimerCount()).toBe(0);
    // It can start again and picks up where it was.
    checker.start();
    await vi.advanceTimersByTimeAsync(200);
    expect(probe.calls.length).toBeGreaterThan(calls);
  });

  it('stop() twice waits for the same stop; many probes on the one abort signal raise no listener warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (let i = 1; i <= 30; i++) probe.set(ep(i).key, 'slow-fail');
      const { checker } = make({ intervalMs: 1000, timeoutMs: 800 });
      checker.setEndpoints(Array.from({ length: 30 }, (_, i) => ep(i + 1)));
      checker.start();
      await vi.advanceTimersByTimeAsync(150);
      expect(checker.inFlight).toBe(30);
      const [first, second] = [checker.stop(), checker.stop()];
      await Promise.all([first, second]);
      expect(checker.inFlight).toBe(0);
      await new Promise((resolve) => process.nextTick(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stop() gives up on a probe that never settles, within the timeout plus a grace period', async () => {
    probe.set(ep(1).key, 'never');
    const { checker } = make({ intervalMs: 1000, timeoutMs: 300 });
    checker.setEndpoints([ep(1)]);
    checker.start();
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = checker.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1300);
    expect(stopped).toBe(true);
    await stopping;
    expect(checker.stats).toMatchObject({ inFlight: 0, timerArmed: false });
  });
});
