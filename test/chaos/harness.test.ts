import { describe, expect, it } from 'vitest';
import { checkFencing, countLeaseRefusals, parseUpdateLog } from '../../scripts/chaos/fencing.js';
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

describe('checkFencing (BIND update log against the lease)', () => {
  const lease = '_seedkeeper-lease.db.seed.test';
  const line = (t: string, client: string, key: string, change: string): string =>
    `2026-12-05T09:11:${t}Z client @0x${client} 127.0.0.1#4000/key ${key}: updating zone 'seed.test/IN': ${change}`;
  const acquire = (t: string, c: string, id: string, until: number, term: number): string[] => [
    line(t, c, `chaos-${id}`, `deleting an RR at ${lease} TXT`),
    line(t, c, `chaos-${id}`, `adding an RR at '${lease}' TXT "holder=${id} until=${until} term=${term}"`),
  ];
  const write = (t: string, c: string, id: string, ip: string): string[] => [
    line(t, c, `chaos-${id}`, 'deleting an RR at db.seed.test A'),
    line(t, c, `chaos-${id}`, `adding an RR at 'db.seed.test' A ${ip}`),
  ];
  const noise = [
    `2026-12-05T09:11:00.000Z client @0xaa 127.0.0.1#4000/key chaos-r1: signer "chaos-r1" approved`,
    `2026-12-05T09:11:00.500Z client @0xaa 127.0.0.1#4000/key chaos-r1: updating zone 'seed.test/IN': update unsuccessful: ${lease}/TXT: 'RRset exists (value dependent)' prerequisite not satisfied (NXRRSET)`,
  ];

  it('passes a log where only the holder of the lease in force writes, across a takeover', () => {
    const log = [
      line('01.000', 'a1', 'chaos-r1', `adding an RR at '${lease}' TXT "holder=r1 until=5000 term=1"`),
      ...write('01.100', 'a2', 'r1', '127.0.0.150'),
      ...noise,
      ...acquire('05.000', 'b1', 'r2', 9000, 2),
      ...write('05.100', 'b2', 'r2', '127.0.0.151'),
      ...write('05.200', 'b3', 'r2', '127.0.0.152'),
    ].join('\n');
    const updates = parseUpdateLog(log);
    expect(updates).toHaveLength(5);
    expect(updates[1]).toMatchObject({ signer: 'chaos-r1', at: Date.parse('2026-12-05T09:11:01.100Z') });
    expect(updates[1]!.changes).toEqual([
      { op: 'delete', name: 'db.seed.test', data: 'A' },
      { op: 'add', name: 'db.seed.test', data: 'A 127.0.0.150' },
    ]);
    expect(checkFencing(updates, lease)).toEqual({ updates: 5, recordWrites: 3, leaseWrites: 2, violations: [] });
  });

  it('flags a write by the paused ex-holder after a successor took the lease, and writes with no or a given-up lease', () => {
    const log = [
      ...write('00.500', 'a0', 'r1', '127.0.0.150'),
      line('01.000', 'a1', 'chaos-r1', `adding an RR at '${lease}' TXT "holder=r1 until=5000 term=1"`),
      ...acquire('05.000', 'b1', 'r2', 9000, 2),
      ...write('06.000', 'a2', 'r1', '127.0.0.153'),
      ...acquire('07.000', 'b2', 'r2', 0, 2),
      ...write('07.500', 'b3', 'r2', '127.0.0.151'),
    ].join('\n');
    const result = checkFencing(parseUpdateLog(log), lease);
    expect(result.recordWrites).toBe(3);
    expect(result.violations.map((v) => [v.kind, v.at])).toEqual([
      ['non-holder-write', Date.parse('2026-12-05T09:11:00.500Z')],
      ['non-holder-write', Date.parse('2026-12-05T09:11:06.000Z')],
      ['non-holder-write', Date.parse('2026-12-05T09:11:07.500Z')],
    ]);
    expect(result.violations[1]!.detail).toContain('signed by chaos-r1 while the lease was held by r2');
    expect(result.violations[2]!.detail).toContain('(given up)');
  });

  it('splits two requests in a row from one client at the approval line (a lease write, then a record write)', () => {
    const approve = (t: string): string =>
      `2026-12-05T09:11:${t}Z client @0xdd 127.0.0.1#4000/key chaos-r2: signer "chaos-r2" approved`;
    const log = [
      line('01.000', 'a1', 'chaos-r1', `adding an RR at '${lease}' TXT "holder=r1 until=5000 term=1"`),
      approve('05.000'),
      ...acquire('05.000', 'dd', 'r2', 9000, 2),
      approve('05.100'),
      ...write('05.100', 'dd', 'r2', '127.0.0.151'),
    ].join('\n');
    expect(checkFencing(parseUpdateLog(log), lease)).toMatchObject({ updates: 3, recordWrites: 1, violations: [] });
  });

  it('flags an unsigned write and ignores lines that are not applied changes', () => {
    const unsigned = `2026-12-05T09:11:02.000Z client @0xcc 127.0.0.1#4000: updating zone 'seed.test/IN': adding an RR at 'db.seed.test' A 127.0.0.9`;
    const result = checkFencing(parseUpdateLog([...noise, unsigned].join('\n')), lease);
    expect(countLeaseRefusals([...noise, unsigned].join('\n'), lease)).toBe(1);
    expect(result.updates).toBe(1);
    expect(result.violations[0]!.detail).toContain('(no key)');
  });
});
