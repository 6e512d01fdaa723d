/**
 * Properties of the plan over random records, members and policies, checked through an in-memory zone that
 * enforces the providers' compare-and-swap rules: never an empty record, the removal cap holds, the plan
 * describes what applying it yields, and re-planning after applying changes nothing (or converges).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculatePlan } from '../../src/plan/calculate.js';
import type { DesiredMember, PlanInput, PlanPolicy } from '../../src/plan/types.js';
import type { RecordSet } from '../../src/records/types.js';
import { MARKER_NAME, NAME, OWNER } from './fixtures/helpers.js';
import { applyChanges, valuesOf } from './model.js';

const V4 = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.10', '192.168.1.7', '172.16.0.1'];
const V6 = ['fd00::1', 'fd00::2', '2001:db8::a', 'fe80::1:2'];
/** Same addresses, written differently: the plan must canonicalise. */
const spelled = (ip: string): fc.Arbitrary<string> =>
  ip.includes(':') ? fc.constantFrom(ip, ip.toUpperCase(), ip.replace('::', ':0::')) : fc.constant(ip);

const setArb = (type: 'A' | 'AAAA', pool: readonly string[]): fc.Arbitrary<RecordSet | undefined> =>
  fc.option(
    fc
      .record({ values: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1 }), ttl: fc.constantFrom(30, 60) })
      .map((r) => ({ name: NAME, type, ttl: r.ttl, values: [...r.values].sort() })),
    { nil: undefined },
  );

const memberArb: fc.Arbitrary<DesiredMember> = fc
  .record({
    address: fc.constantFrom(...V4, ...V6).chain(spelled),
    healthySince: fc.integer({ min: 0, max: 20 }),
    rack: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
    node: fc.integer({ min: 0, max: 5 }),
  })
  .map(({ address, healthySince, rack, node }) =>
    rack === undefined ? { address, id: `n${node}`, healthySince } : { address, id: `n${node}`, healthySince, rack },
  );

const policyArb: fc.Arbitrary<PlanPolicy> = fc.record({
  mode: fc.constantFrom('sync' as const, 'upsert-only' as const),
  ttl: fc.constantFrom(30, 60),
  ownerId: fc.constant(OWNER),
  maxRemovalsPerCycle: fc.integer({ min: 0, max: 4 }),
  maxRecordSize: fc.integer({ min: 0, max: 4 }),
});

const markerArb = fc.constantFrom('ours', 'ours', 'ours', 'none', 'theirs').map((who): RecordSet | undefined =>
  who === 'none'
    ? undefined
    : {
        name: MARKER_NAME,
        type: 'TXT',
        ttl: 30,
        values: [`seedkeeper/v1 owner=${who === 'ours' ? OWNER : 'someone-else'}`],
      },
);

const inputArb: fc.Arbitrary<PlanInput> = fc
  .record({
    A: setArb('A', V4),
    AAAA: setArb('AAAA', V6),
    marker: markerArb,
    desired: fc.array(memberArb, { maxLength: 10 }),
    extra: fc.nat(3),
    policy: policyArb,
  })
  .map(({ A, AAAA, marker, desired, extra, policy }) => ({
    name: NAME,
    current: [marker, A, AAAA].filter((s): s is RecordSet => s !== undefined),
    desired,
    candidates: desired.length + extra,
    policy,
  }));

const addresses = (sets: readonly RecordSet[]): string[] => [
  ...valuesOf(sets, NAME, 'A'),
  ...valuesOf(sets, NAME, 'AAAA'),
];

describe('plan properties', () => {
  it('never empties the record, respects the removal cap, and says what applying it yields', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = calculatePlan(input);
        const after = applyChanges(input.current, plan.changes); // throws on a broken precondition
        if (plan.refused) expect(plan.changes).toEqual([]);
        if (addresses(input.current).length > 0) expect(addresses(after).length).toBeGreaterThan(0);
        for (const c of plan.changes) {
          expect(c.kind).not.toBe('delete');
          const set = c.kind === 'update' ? c.after : c.set;
          expect(set.values.length).toBeGreaterThan(0);
          expect([NAME, MARKER_NAME]).toContain(set.name);
        }
        expect(plan.removed.length).toBeLessThanOrEqual(input.policy.maxRemovalsPerCycle);
        if (input.policy.mode === 'upsert-only') expect(plan.removed).toEqual([]);
        expect(plan.published).toEqual({ A: valuesOf(after, NAME, 'A'), AAAA: valuesOf(after, NAME, 'AAAA') });
        if (
          input.policy.maxRecordSize > 0 &&
          !plan.refused &&
          plan.notes.every((n) => n.code !== 'fail-open' && n.code !== 'upsert-only' && n.code !== 'removals-capped')
        ) {
          expect(plan.published.A.length).toBeLessThanOrEqual(input.policy.maxRecordSize);
          expect(plan.published.AAAA.length).toBeLessThanOrEqual(input.policy.maxRecordSize);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: after applying a plan with no deferred removals, re-planning changes nothing', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const plan = calculatePlan(input);
        fc.pre(!plan.notes.some((n) => n.code === 'removals-capped'));
        const again = calculatePlan({ ...input, current: applyChanges(input.current, plan.changes) });
        expect(again.changes).toEqual([]);
        expect(again.published).toEqual(plan.published);
      }),
      { numRuns: 2000 },
    );
  });

  it('converges within the removal cap when removals are allowed', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        fc.pre(input.policy.maxRemovalsPerCycle > 0);
        let current = input.current;
        const bound = addresses(current).length + 2;
        for (let step = 0; step < bound; step++) {
          const plan = calculatePlan({ ...input, current });
          if (plan.changes.length === 0) return;
          current = applyChanges(current, plan.changes);
        }
        expect.fail(`no fixed point after ${bound} reconciles`);
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on the order of its inputs', () => {
    fc.assert(
      fc.property(inputArb, fc.integer(), (input, seed) => {
        const rotate = <T>(xs: readonly T[]): T[] =>
          xs.length === 0 ? [] : [...xs.slice(seed % xs.length), ...xs.slice(0, seed % xs.length)];
        const shuffled = {
          ...input,
          current: rotate(input.current).reverse(),
          desired: rotate(input.desired).reverse(),
        };
        expect(calculatePlan(shuffled)).toEqual(calculatePlan(input));
      }),
      { numRuns: 1000 },
    );
  });
});
