import { describe, expect, it } from 'vitest';
import { checkAnswer, sameAddresses } from '../../scripts/chaos/invariants.js';
import { Monitor } from '../../scripts/chaos/monitor.js';
import { Prng } from '../../scripts/chaos/prng.js';
import { planSchedule } from '../../scripts/chaos/schedule.js';

const members = new Set(['127.0.0.150', '127.0.0.151', '127.0.0.152']);

describe('Prng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    const c = new Prng(43);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('stays in range and covers it', () => {
    const p = new Prng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const x = p.int(3, 7);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(7);
      seen.add(x);
      const f = p.next();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => p.pick([])).toThrow(RangeError);
    expect(() => new Prng(-1)).toThrow(RangeError);
  });
});

describe('planSchedule', () => {
  const kinds = [
    { kind: 'a', minHoldMs: 100, maxHoldMs: 500 },
    { kind: 'b', minHoldMs: 1000, maxHoldMs: 2000, weight: 2 },
  ];
  const options = { durationMs: 60_000, minGapMs: 500, maxGapMs: 1500 };

  it('is reproducible from the seed', () => {
    expect(planSchedule(new Prng(9), kinds, options)).toEqual(planSchedule(new Prng(9), kinds, options));
    expect(planSchedule(new Prng(9), kinds, options)).not.toEqual(planSchedule(new Prng(10), kinds, options));
  });

  it('never overlaps faults, keeps gaps and holds in range, and undoes everything before the end', () => {
    for (let seed = 0; seed < 50; seed++) {
      const plan = planSchedule(new Prng(seed), kinds, options);
      expect(plan.length).toBeGreaterThan(5);
      let end = 0;
      for (const f of plan) {
        const spec = kinds.find((k) => k.kind === f.kind)!;
        expect(f.atMs - end).toBeGreaterThanOrEqual(options.minGapMs);
        expect(f.atMs - end).toBeLessThanOrEqual(options.maxGapMs);
        expect(f.holdMs).toBeGreaterThanOrEqual(spec.minHoldMs);
        expect(f.holdMs).toBeLessThanOrEqual(spec.maxHoldMs);
        end = f.atMs + f.holdMs;
      }
      expect(end).toBeLessThan(options.durationMs);
    }
  });

  it('is bounded by maxFaults and refuses bad specs', () => {
    expect(planSchedule(new Prng(1), kinds, { ...options, durationMs: 1e9, maxFaults: 7 })).toHaveLength(7);
    expect(() => planSchedule(new Prng(1), [], options)).toThrow(RangeError);
    expect(() => planSchedule(new Prng(1), [{ kind: 'x', minHoldMs: 5, maxHoldMs: 1 }], options)).toThrow(RangeError);
  });
});

describe('invariant checks', () => {
  it('flags each violation kind, and nothing for a good answer or no answer', () => {
    expect(checkAnswer({ kind: 'addresses', addresses: ['127.0.0.150', '127.0.0.152'] }, members, 1)).toEqual([]);
    expect(checkAnswer({ kind: 'no-answer', code: 'ECONNREFUSED' }, members, 1)).toEqual([]);
    expect(checkAnswer({ kind: 'nxdomain' }, members, 1)).toMatchObject([{ kind: 'nxdomain', at: 1 }]);
    expect(checkAnswer({ kind: 'empty' }, members, 2)).toMatchObject([{ kind: 'empty', at: 2 }]);
    expect(checkAnswer({ kind: 'addresses', addresses: [] }, members, 3)).toMatchObject([{ kind: 'empty' }]);
    const stranger = checkAnswer({ kind: 'addresses', addresses: ['127.0.0.150', '127.0.0.199'] }, members, 4);
    expect(stranger).toMatchObject([{ kind: 'not-a-member', at: 4 }]);
    expect(stranger[0]!.detail).toContain('127.0.0.199');
    expect(stranger[0]!.detail).not.toContain('127.0.0.150,');
  });

  it('compares address sets without order', () => {
    expect(sameAddresses(['b', 'a'], ['a', 'b'])).toBe(true);
    expect(sameAddresses(['a'], ['a', 'b'])).toBe(false);
    expect(sameAddresses(['a', 'c'], ['a', 'b'])).toBe(false);
  });
});

describe('Monitor', () => {
  it('judges synthetic answers: counts checks, keeps violations with their time, and the newest answer', async () => {
    const answers = [
      { kind: 'addresses' as const, addresses: ['127.0.0.150'] },
      { kind: 'nxdomain' as const },
      { kind: 'no-answer' as const, code: 'ETIMEOUT' },
      { kind: 'empty' as const },
      { kind: 'addresses' as const, addresses: ['127.0.0.99'] },
    ];
    let i = 0;
    let clock = 1000;
    const monitor = new Monitor({
      query: () => Promise.resolve(answers[i++]!),
      members: () => members,
      now: () => clock++,
    });
    for (let n = 0; n < answers.length; n++) await monitor.tick();
    expect(monitor.violations.map((v) => v.kind)).toEqual(['nxdomain', 'empty', 'not-a-member']);
    expect(monitor.violations.map((v) => v.at)).toEqual([1001, 1003, 1004]);
    expect(monitor.snapshot()).toMatchObject({
      ticks: 5,
      checks: 4,
      noAnswer: 1,
      skipped: 0,
      byKind: { addresses: 2, nxdomain: 1, empty: 1, 'no-answer': 1 },
    });
    expect(monitor.latest()?.answer).toEqual(answers[4]);
  });

  it('turns a failing query into no answer, and skips ticks beyond maxInFlight', async () => {
    let release: (() => void) | undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const monitor = new Monitor({
      query: async () => {
        await slow;
        throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      },
      members: () => members,
      maxInFlight: 2,
    });
    const pending = [monitor.tick(), monitor.tick(), monitor.tick()];
    release!();
    await Promise.all(pending);
    expect(monitor.snapshot()).toMatchObject({ ticks: 3, skipped: 1, noAnswer: 2, checks: 0 });
    expect(monitor.violations).toEqual([]);
  });

  it('keeps the newest answer by send order, not arrival order', () => {
    const monitor = new Monitor({ query: () => Promise.resolve({ kind: 'nxdomain' }), members: () => members });
    monitor.judge({ kind: 'addresses', addresses: ['127.0.0.151'] }, 5);
    monitor.judge({ kind: 'addresses', addresses: ['127.0.0.150'] }, 4);
    expect(monitor.latest()?.answer).toEqual({ kind: 'addresses', addresses: ['127.0.0.151'] });
  });
});
