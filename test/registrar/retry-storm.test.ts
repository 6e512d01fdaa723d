/**
 * An unreachable provider must not make a log storm: retries back off (exponential, jittered, bounded, reset
 * by a success) and identical errors in a row are logged once, then summarised once per period.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_PROVIDER_LIMITS } from '../../src/records/limits.js';
import { ProviderError, type DnsProvider } from '../../src/providers/types.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/registrar/metrics.js';
import { Registrar } from '../../src/registrar/registrar.js';
import { RepeatSummary } from '../../src/registrar/repeat-summary.js';
import { Backoff, backoffDelay } from '../../src/time/backoff.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import type { Clock } from '../../src/time/clock.js';
import { healthyView } from '../helpers/healthy-view.js';
import type { Candidate, Source } from '../../src/sources/types.js';

const NAME = 'seed.storm.test';

const source: Source = {
  kind: 'static',
  start: () => Promise.resolve(),
  candidates: (): Candidate[] => [{ address: '10.0.0.1', port: 3000, source: 'static' }],
  close: () => Promise.resolve(),
};

/** A provider whose server does not answer (until `heal`), counting reads. */
function unreachableProvider() {
  const state = { reads: 0, healed: false };
  const provider: DnsProvider = {
    kind: 'rfc2136',
    limits: DEFAULT_PROVIDER_LIMITS,
    zone: 'storm.test',
    read: () => {
      state.reads++;
      return state.healed
        ? Promise.resolve([])
        : Promise.reject(
            new ProviderError('rfc2136', 'ERR_PROVIDER_TIMEOUT', 'no answer from 127.0.0.1:1 within 1000 ms', {
              labels: ['retryable'],
            }),
          );
    },
    apply: (changes) => Promise.resolve({ applied: changes.length }),
    close: () => Promise.resolve(),
  };
  return { provider, state };
}

function setUp(clock?: Clock) {
  const lines: { level: number; msg: string; repeats?: number }[] = [];
  const logger = createLogger('info', {
    write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]),
  });
  const { provider, state } = unreachableProvider();
  const registrar = new Registrar({
    name: NAME,
    sources: [source],
    health: healthyView(),
    provider,
    policy: { mode: 'sync', ttl: 30, ownerId: 'storm', maxRemovalsPerCycle: 2, maxRecordSize: 0 },
    intervalMs: 60_000,
    debounceMs: 1,
    logger,
    metrics: createMetrics(),
    outage: { unhealthyAfterMs: 1000, recoveryWindowMs: 5000 },
    retry: { baseMs: 1000, maxMs: 30_000 },
    ...(clock ? { clock } : {}),
    random: () => 0.5,
  });
  return { registrar, lines, state };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('retry backoff (pure)', () => {
  it('grows exponentially with jitter, stays within its bound, never drops to zero', () => {
    const options = { baseMs: 1000, maxMs: 30_000, jitter: 'equal' } as const;
    expect(backoffDelay(1, options, 0)).toBe(500);
    expect(backoffDelay(1, options, 0.999)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(3, options, 0)).toBe(2000);
    expect(backoffDelay(50, options, 1)).toBe(30_000);
    expect(backoffDelay(50, options, 0)).toBe(15_000);
  });

  it('resets on success', () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 10_000, jitter: 'equal' }, () => 1);
    for (let i = 0; i < 5; i++) backoff.failed(0);
    expect(backoff.waitMs(0)).toBe(1600);
    backoff.succeeded();
    expect(backoff.waitMs(0)).toBe(0);
    expect(backoff.failed(0)).toBe(100);
  });
});

describe('repeat summary (pure)', () => {
  it('logs the first, is quiet within the period, summarises after it, and closes the run on a change', () => {
    const summary = new RepeatSummary(60_000);
    expect(summary.occurred('a', 0)).toEqual({ kind: 'log' });
    for (let t = 1; t <= 10; t++) expect(summary.occurred('a', t * 1000).kind).toBe('quiet');
    expect(summary.occurred('a', 60_000)).toEqual({ kind: 'summary', run: { key: 'a', repeats: 11, sinceMs: 0 } });
    expect(summary.occurred('a', 61_000).kind).toBe('quiet');
    expect(summary.occurred('b', 62_000)).toEqual({ kind: 'log', closed: { key: 'a', repeats: 1, sinceMs: 60_000 } });
    expect(summary.resolved()).toBeUndefined();
  });
});

describe('registrar against an unreachable provider', () => {
  it('logs one line for 40 identical failures, one summary a minute later, and one line when it recovers', async () => {
    const clock = new ManualClock(0);
    const { registrar, lines, state } = setUp(clock);
    for (let i = 0; i < 40; i++) {
      await clock.advance(25);
      expect((await registrar.reconcile('warm-up', { dryRun: true })).error).toBeInstanceOf(ProviderError);
    }
    const failures = (): typeof lines => lines.filter((l) => l.msg.includes('reconcile failed'));
    expect(failures()).toHaveLength(1);
    expect(failures()[0]!.msg).toMatch(/retrying in \d/);

    await clock.advance(60_000);
    await registrar.reconcile('interval');
    expect(failures()).toHaveLength(2);
    expect(failures()[1]!.msg).toMatch(/same error 40 more times in the last 6\d\.\d s; retrying in/);

    await clock.advance(1000);
    await registrar.reconcile('interval');
    state.healed = true;
    await clock.advance(1000);
    expect((await registrar.reconcile('interval')).error).toBeUndefined();
    expect(failures()).toHaveLength(3);
    expect(failures()[2]!.msg).toMatch(/same error 1 more time in the last 2\.0 s; this reconcile succeeded/);
    await registrar.stop();
  });

  it('backs off between scheduled attempts however often health or sources trigger one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const { registrar, state } = setUp(); // systemClock reads the faked Date
    // A trigger every 10 ms for 10 s: without backoff, one failing read per trigger (~1000).
    for (let i = 0; i < 1000; i++) {
      registrar.schedule('health');
      await vi.advanceTimersByTimeAsync(10);
    }
    // Pauses of 0.5-1, 1-2, 2-4, 4-8 s (jitter 0.5 → 0.75, 1.5, 3, 6 s): at most 5 reads in 10 s.
    expect(state.reads).toBeGreaterThanOrEqual(3);
    expect(state.reads).toBeLessThanOrEqual(5);
    await registrar.stop();
  });
});
