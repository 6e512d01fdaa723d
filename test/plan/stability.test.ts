/** Across reconciles: a capped record stays put while its members stay healthy; a dead one is replaced alone. */
import { describe, expect, it } from 'vitest';
import { calculatePlan } from '../../src/plan/calculate.js';
import { DEFAULT_PLAN_POLICY, type DesiredMember, type PlanPolicy } from '../../src/plan/types.js';
import type { RecordSet } from '../../src/records/types.js';
import { NAME, OWNER, m } from './fixtures/helpers.js';
import { applyChanges, valuesOf } from './model.js';

const policy: PlanPolicy = { ...DEFAULT_PLAN_POLICY, ownerId: OWNER, maxRecordSize: 3 };

function reconcile(
  current: readonly RecordSet[],
  desired: readonly DesiredMember[],
  p = policy,
): { next: RecordSet[]; changed: boolean } {
  const plan = calculatePlan({ name: NAME, current, desired, candidates: desired.length, policy: p });
  return { next: applyChanges(current, plan.changes), changed: plan.changes.length > 0 };
}

describe('size cap across reconciles', () => {
  const first = [
    m('10.0.0.1', 100, 'a'),
    m('10.0.0.2', 200, 'a'),
    m('10.0.0.3', 300, 'b'),
    m('10.0.0.4', 400, 'b'),
    m('10.0.0.5', 500, 'c'),
  ];

  it('keeps published members when older members appear, and replaces only the one that died', () => {
    let { next: zone } = reconcile([], first);
    expect(valuesOf(zone, NAME, 'A')).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.5']);

    // Same desired set, shuffled: nothing changes.
    expect(reconcile(zone, [...first].reverse()).changed).toBe(false);

    // Older members in every rack join: still nothing changes (seeds are used only at start; stability wins).
    const joined = [...first, m('10.0.0.6', 1, 'a'), m('10.0.0.7', 2, 'b'), m('10.0.0.8', 3, 'c')];
    expect(reconcile(zone, joined).changed).toBe(false);

    // 10.0.0.3 (rack b) dies: it alone is replaced, by the longest-lived member of the rack now missing.
    const withoutThree = joined.filter((x) => x.address !== '10.0.0.3');
    ({ next: zone } = reconcile(zone, withoutThree));
    expect(valuesOf(zone, NAME, 'A')).toEqual(['10.0.0.1', '10.0.0.5', '10.0.0.7']);
    expect(reconcile(zone, withoutThree).changed).toBe(false);
  });

  it('shrinks to a lowered cap within the removal cap, keeping the best members', () => {
    let { next: zone } = reconcile([], first, { ...policy, maxRecordSize: 0 });
    expect(valuesOf(zone, NAME, 'A')).toHaveLength(5);
    const lowered = { ...policy, maxRecordSize: 2, maxRemovalsPerCycle: 1 };
    const seen: (readonly string[])[] = [];
    for (let i = 0; i < 5; i++) {
      const step = reconcile(zone, first, lowered);
      if (!step.changed) break;
      zone = step.next;
      seen.push(valuesOf(zone, NAME, 'A'));
    }
    expect(seen).toEqual([
      ['10.0.0.1', '10.0.0.3', '10.0.0.4', '10.0.0.5'],
      ['10.0.0.1', '10.0.0.3', '10.0.0.5'],
      ['10.0.0.1', '10.0.0.3'],
    ]);
  });
});
