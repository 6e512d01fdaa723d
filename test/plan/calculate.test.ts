/**
 * Table-driven plan tests: every fixture is (current records, desired members, policy) → expected changes,
 * notes and summary. One generic runner, as external-dns and the MongoDB spec tests do.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { calculatePlan } from '../../src/plan/calculate.js';
import { DEFAULT_PLAN_POLICY, type PlanInput, type PlanPolicy } from '../../src/plan/types.js';
import { basicCases } from './fixtures/basic.js';
import { guardCases } from './fixtures/guards.js';
import { NAME, OWNER, a, m, marker, type PlanCase } from './fixtures/helpers.js';
import { ownershipCases } from './fixtures/ownership.js';
import { sizeCapCases } from './fixtures/size-cap.js';

const policyOf = (overrides: Partial<PlanPolicy> = {}): PlanPolicy => ({
  ...DEFAULT_PLAN_POLICY,
  ownerId: OWNER,
  ...overrides,
});

function inputOf(c: PlanCase): PlanInput {
  return {
    name: c.name ?? NAME,
    current: c.current,
    desired: c.desired,
    candidates: c.candidates ?? c.desired.length,
    policy: policyOf(c.policy),
  };
}

function run(cases: readonly PlanCase[]): void {
  it.each(cases.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const plan = calculatePlan(inputOf(c));
    const { expect: want } = c;
    // Sets the plan writes also carry `ids` (address -> member id, see ids.test.ts): matched, not required here.
    expect(plan.changes).toMatchObject(want.changes);
    expect(plan.notes.map((n) => n.code)).toEqual(want.notes);
    expect(plan.refused).toBe(want.refused ?? false);
    if (want.published) expect(plan.published).toEqual(want.published);
    if (want.added) expect(plan.added).toEqual(want.added);
    if (want.removed) expect(plan.removed).toEqual(want.removed);
    if (want.deferred) expect(plan.deferred).toEqual(want.deferred);
    const text = plan.notes.map((n) => n.message).join('\n');
    for (const fragment of want.messages ?? []) expect(text).toContain(fragment);
  });
}

describe('calculatePlan: ordinary changes', () => run(basicCases));
describe('calculatePlan: guards', () => run(guardCases));
describe('calculatePlan: ownership', () => run(ownershipCases));
describe('calculatePlan: size cap', () => run(sizeCapCases));

describe('calculatePlan: purity and input checks', () => {
  const base: PlanInput = {
    name: NAME,
    current: [marker(), a('10.0.0.1', '10.0.0.2', '10.0.0.3')],
    desired: [m('10.0.0.3', 300, 'b'), m('10.0.0.4', 100, 'a'), m('10.0.0.5', 200, 'a')],
    candidates: 5,
    policy: policyOf({ maxRemovalsPerCycle: 1, maxRecordSize: 2 }),
  };

  it('is deterministic: the order of inputs does not matter', () => {
    const reversed = { ...base, current: [...base.current].reverse(), desired: [...base.desired].reverse() };
    expect(calculatePlan(reversed)).toEqual(calculatePlan(base));
  });

  it('does not modify its input and returns a frozen plan', () => {
    const frozen = structuredClone(base);
    const deepFreeze = (o: unknown): void => {
      if (o && typeof o === 'object') {
        Object.values(o).forEach(deepFreeze);
        Object.freeze(o);
      }
    };
    deepFreeze(frozen);
    const plan = calculatePlan(frozen);
    expect(frozen).toEqual(base);
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.changes)).toBe(true);
  });

  it('uses the exact set it read as the compare-and-swap precondition', () => {
    const read = { name: 'SEED.example.com.', type: 'A' as const, ttl: 30, values: ['10.0.0.2', '10.0.0.1'] };
    const plan = calculatePlan({
      ...base,
      name: NAME,
      current: [marker(), read],
      desired: [m('10.0.0.1')],
      policy: policyOf(),
    });
    const change = plan.changes[0];
    expect(change?.kind).toBe('update');
    if (change?.kind === 'update') {
      expect(change.before).toBe(read);
      expect(change.after).toEqual({
        name: 'SEED.example.com.',
        type: 'A',
        ttl: 30,
        values: ['10.0.0.1'],
        ids: { '10.0.0.1': '10.0.0.1' },
      });
    }
  });

  it.each([
    [{ ownerId: '' }, /policy\.ownerId/],
    [{ ownerId: 'has space' }, /policy\.ownerId/],
    [{ ownerId: 'x'.repeat(64) }, /1 to 63/],
    [{ ttl: -1 }, /policy\.ttl/],
    [{ ttl: 1.5 }, /policy\.ttl/],
    [{ maxRemovalsPerCycle: -1 }, /policy\.maxRemovalsPerCycle/],
    [{ maxRecordSize: Number.NaN }, /policy\.maxRecordSize/],
    [{ mode: 'create-only' as never }, /policy\.mode/],
  ])('rejects a bad policy %j with a ConfigError naming the field', (overrides, pattern) => {
    const input = { ...base, policy: policyOf(overrides) };
    expect(() => calculatePlan(input)).toThrow(ConfigError);
    expect(() => calculatePlan(input)).toThrow(pattern);
  });

  it('accepts an unlimited removal cap', () => {
    const plan = calculatePlan({
      ...base,
      desired: [m('10.0.0.9')],
      policy: policyOf({ maxRemovalsPerCycle: Infinity }),
    });
    expect(plan.removed).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('rejects a desired address that is not an IP, naming its index', () => {
    expect(() => calculatePlan({ ...base, desired: [m('10.0.0.1'), m('node-2.example.com')] })).toThrow(
      /desired\[1\]\.address/,
    );
  });
});
