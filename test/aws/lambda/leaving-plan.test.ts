/**
 * A terminate lifecycle action's instance is removed outside the per-cycle removal cap; nothing else changes.
 */
import { describe, expect, it } from 'vitest';
import { planWithLeaving } from '../../../src/aws/lambda/leaving-plan.js';
import { DEFAULT_PLAN_POLICY, type DesiredMember, type PlanInput } from '../../../src/plan/types.js';
import type { RecordSet } from '../../../src/records/types.js';

const NAME = 'seed.example.com';
const marker: RecordSet = { name: `_seedkeeper.${NAME}`, type: 'TXT', ttl: 30, values: ['seedkeeper/v1 owner=test'] };
const aSet = (values: string[], ids?: Record<string, string>): RecordSet => ({
  name: NAME,
  type: 'A',
  ttl: 30,
  values,
  ...(ids ? { ids } : {}),
});
const member = (n: number): DesiredMember => ({ address: `10.0.0.${n}`, id: `i-${n}`, healthySince: 0 });

function input(
  current: RecordSet[],
  desired: DesiredMember[],
  overrides: Partial<PlanInput['policy']> = {},
): PlanInput {
  return {
    name: NAME,
    current: [marker, ...current],
    desired,
    candidates: desired.length,
    policy: { ...DEFAULT_PLAN_POLICY, ownerId: 'test', ...overrides },
  };
}

describe('planWithLeaving', () => {
  it('is the ordinary plan when the leaving address is within the cap', () => {
    const plan = planWithLeaving(
      input([aSet(['10.0.0.1', '10.0.0.2', '10.0.0.3'])], [member(2), member(3)]),
      new Set(['10.0.0.1']),
    );
    expect(plan.removed).toEqual(['10.0.0.1']);
    expect(plan.published.A).toEqual(['10.0.0.2', '10.0.0.3']);
  });

  it('removes the leaving address even when the cap is used up, and still removes at most `cap` others', () => {
    const current = [aSet(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'])];
    const leaving = new Set(['10.0.0.4']);
    const ordinary = planWithLeaving(input(current, [member(5)]), new Set());
    expect(ordinary.removed).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ordinary.deferred).toEqual(['10.0.0.3', '10.0.0.4']);

    const plan = planWithLeaving(input(current, [member(5)]), leaving);
    expect([...plan.removed].sort()).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.4']);
    expect(plan.deferred).toEqual(['10.0.0.3']);
    expect(plan.published.A).toEqual(['10.0.0.3', '10.0.0.5']);
    expect(plan.notes.find((n) => n.code === 'removals-capped')?.message).toMatch(
      /leaving instance\(s\) 10\.0\.0\.4 outside the cap; 1 other removal/,
    );
    const change = plan.changes.find((c) => c.kind === 'update');
    expect(change?.kind === 'update' && change.before.values).toEqual(current[0]!.values);
  });

  it('keeps a deferred address under its current id (a per-node record is not rewritten)', () => {
    const current = [aSet(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'], { '10.0.0.3': 'i-3', '10.0.0.4': 'i-4' })];
    const plan = planWithLeaving(input(current, [member(4)], { maxRemovalsPerCycle: 1 }), new Set(['10.0.0.2']));
    expect([...plan.removed].sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    const change = plan.changes.find((c) => c.kind === 'update');
    expect(change?.kind === 'update' && change.after.ids).toEqual({ '10.0.0.3': 'i-3', '10.0.0.4': 'i-4' });
  });

  it('does not override fail open (last instance) or upsert-only', () => {
    const alone = planWithLeaving(input([aSet(['10.0.0.1'])], []), new Set(['10.0.0.1']));
    expect(alone.published.A).toEqual(['10.0.0.1']);
    expect(alone.notes.map((n) => n.code)).toContain('fail-open');
    const upsert = planWithLeaving(
      input([aSet(['10.0.0.1', '10.0.0.2'])], [member(2)], { mode: 'upsert-only' }),
      new Set(['10.0.0.1']),
    );
    expect(upsert.published.A).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(upsert.changes).toEqual([]);
  });
});
