/**
 * reconcileOnce runs the one compare-and-swap loop (applyWithRetries) and keeps its own contract: it never
 * rejects, counts attempts, tells about each retried conflict, and reports the last ConflictError itself
 * when the budget is spent. Pauses run on a clock that only moves time.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { ConflictError, ProviderError, type DnsProvider } from '../../src/providers/types.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../src/records/limits.js';
import type { RecordChange } from '../../src/records/types.js';
import { RECONCILE_CONFLICT_BACKOFF, reconcileOnce } from '../../src/reconcile/once.js';
import { jumpingClock } from '../helpers/jumping-clock.js';

const NAME = 'seed.cas.test';
const change: RecordChange = { kind: 'create', set: { name: NAME, type: 'A', ttl: 30, values: ['10.0.0.1'] } };
const plan = (overrides: Partial<Plan> = {}): Plan => ({
  changes: [change],
  published: { A: ['10.0.0.1'], AAAA: [] },
  added: ['10.0.0.1'],
  removed: [],
  notes: [],
  refused: false,
  ...overrides,
});

/** Applies fail with `failures` in order (then succeed); reads fail when `readFailsAt` is reached. */
function scripted(
  failures: Error[],
  readFailsAt = Infinity,
): { provider: DnsProvider; reads: () => number; names: string[][] } {
  let reads = 0;
  const names: string[][] = [];
  const provider: DnsProvider = {
    kind: 'rfc2136',
    limits: DEFAULT_PROVIDER_LIMITS,
    zone: 'cas.test',
    read: (n) => {
      names.push([...n]);
      reads++;
      return reads >= readFailsAt
        ? Promise.reject(new ProviderError('rfc2136', 'ERR_PROVIDER_TIMEOUT', 'no answer'))
        : Promise.resolve([]);
    },
    apply: (changes) => {
      const failure = failures.shift();
      return failure ? Promise.reject(failure) : Promise.resolve({ applied: changes.length });
    },
    close: () => Promise.resolve(),
  };
  return { provider, reads: () => reads, names };
}

function setUp() {
  let now = 0;
  const pauses: number[] = [];
  const clock = jumpingClock(
    () => now,
    (ms) => {
      pauses.push(ms);
      now += ms;
    },
  );
  return { clock, pauses };
}

const conflict = (): ConflictError => new ConflictError('rfc2136', 'the record changed');

describe('reconcileOnce', () => {
  it('re-reads the record and its marker after each conflict, with short pauses, and applies', async () => {
    const { clock, pauses } = setUp();
    const { provider, names } = scripted([conflict(), conflict()]);
    const seen: number[] = [];
    const result = await reconcileOnce({
      name: NAME,
      provider,
      plan: () => plan(),
      clock,
      onConflict: (attempt) => seen.push(attempt),
    });
    expect(result).toMatchObject({ applied: true, attempts: 3 });
    expect(result.error).toBeUndefined();
    expect(seen).toEqual([1, 2]);
    expect(names[0]).toEqual([NAME, `_seedkeeper.${NAME}`]);
    // 10 ms plus up to 40 ms × attempt.
    expect(pauses).toHaveLength(2);
    pauses.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(RECONCILE_CONFLICT_BACKOFF.floorMs!);
      expect(ms).toBeLessThanOrEqual(10 + 40 * (i + 1));
    });
  });

  it('past the budget, returns the last ConflictError itself with every attempt counted', async () => {
    const { clock } = setUp();
    const last = conflict();
    const { provider } = scripted([conflict(), conflict(), last]);
    const seen: number[] = [];
    const result = await reconcileOnce({
      name: NAME,
      provider,
      plan: () => plan(),
      clock,
      maxConflictRetries: 2,
      onConflict: (attempt) => seen.push(attempt),
    });
    expect(result).toMatchObject({ applied: false, attempts: 3 });
    expect(result.error).toBe(last);
    expect(seen).toEqual([1, 2]); // the last conflict is not retried, so not announced
  });

  it('a read that fails after a conflict is returned with the attempt it failed on', async () => {
    const { clock } = setUp();
    const { provider } = scripted([conflict()], 2);
    const result = await reconcileOnce({ name: NAME, provider, plan: () => plan(), clock });
    expect(result).toMatchObject({ applied: false, attempts: 2, error: { code: 'ERR_PROVIDER_TIMEOUT' } });
    expect(result.plan).toBeDefined();
  });

  it('applies nothing on a dry run or a refused plan, and fails without a plan when the first read fails', async () => {
    const { clock } = setUp();
    const dry = scripted([]);
    expect(
      await reconcileOnce({ name: NAME, provider: dry.provider, plan: () => plan(), clock, dryRun: true }),
    ).toMatchObject({ applied: false, attempts: 1 });
    const refused = scripted([]);
    expect(
      await reconcileOnce({ name: NAME, provider: refused.provider, plan: () => plan({ refused: true }), clock }),
    ).toMatchObject({ applied: false, attempts: 1 });
    const down = scripted([], 1);
    const result = await reconcileOnce({ name: NAME, provider: down.provider, plan: () => plan(), clock });
    expect(result).toMatchObject({
      plan: undefined,
      applied: false,
      attempts: 1,
      error: { code: 'ERR_PROVIDER_TIMEOUT' },
    });
  });
});
