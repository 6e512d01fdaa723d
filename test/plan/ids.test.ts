/**
 * The plan fills `ids` (address -> member id) on the A/AAAA sets it writes, so that a provider keeping one
 * record per member (Route 53 per-node) knows whose record each address is. Comparisons ignore it.
 */
import { describe, expect, it } from 'vitest';
import { calculatePlan } from '../../src/plan/calculate.js';
import { DEFAULT_PLAN_POLICY, type PlanInput, type PlanPolicy } from '../../src/plan/types.js';
import { canonicalSet, sameSet } from '../../src/records/canonical.js';
import type { RecordChange, RecordSet } from '../../src/records/types.js';
import { NAME, OWNER, a, m, marker } from './fixtures/helpers.js';

const policy = (overrides: Partial<PlanPolicy> = {}): PlanPolicy => ({
  ...DEFAULT_PLAN_POLICY,
  ownerId: OWNER,
  ...overrides,
});
const plan = (input: Omit<PlanInput, 'name' | 'candidates' | 'policy'> & { policy?: Partial<PlanPolicy> }) =>
  calculatePlan({ name: NAME, candidates: input.desired.length, ...input, policy: policy(input.policy) });
const written = (change: RecordChange | undefined): RecordSet | undefined =>
  change === undefined
    ? undefined
    : change.kind === 'update'
      ? change.after
      : change.kind === 'create'
        ? change.set
        : undefined;

describe('calculatePlan: member ids on the sets it writes', () => {
  it('maps every created address to its member id, per family; the marker has none', () => {
    const p = plan({
      current: [],
      desired: [m('10.0.0.1', 1, 'r1', 'i-aaa'), m('10.0.0.2', 1, 'r1', 'i-bbb'), m('fd00::1', 1, 'r1', 'i-aaa')],
    });
    const [txt, A, AAAA] = p.changes.map(written);
    expect(txt?.ids).toBeUndefined();
    expect(A?.ids).toEqual({ '10.0.0.1': 'i-aaa', '10.0.0.2': 'i-bbb' });
    expect(AAAA?.ids).toEqual({ 'fd00::1': 'i-aaa' });
    expect(Object.isFrozen(A?.ids)).toBe(true);
  });

  it('knows only desired members: an address kept by the removal cap has no id', () => {
    const p = plan({
      current: [marker(), a('10.0.0.1', '10.0.0.2')],
      desired: [m('10.0.0.2', 1, undefined, 'n2'), m('10.0.0.3', 1, undefined, 'n3')],
      policy: { maxRemovalsPerCycle: 0 },
    });
    const after = written(p.changes[0]);
    expect(after?.values).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(after?.ids).toEqual({ '10.0.0.2': 'n2', '10.0.0.3': 'n3' });
  });

  it('keys ids by canonical address and takes the id of the member the plan keeps (longest-lived)', () => {
    const p = plan({
      current: [],
      desired: [m('FD00::0001', 50, undefined, 'young'), m('fd00:0:0::1', 10, undefined, 'old')],
    });
    expect(written(p.changes[1])?.ids).toEqual({ 'fd00::1': 'old' });
  });

  it('is ignored by set comparison, so a re-plan over what was written changes nothing', () => {
    const first = plan({ current: [], desired: [m('10.0.0.1', 1, undefined, 'n1')] });
    const sets = first.changes.map(written).filter((s): s is RecordSet => s !== undefined);
    const A = sets.find((s) => s.type === 'A')!;
    expect(A.ids).toEqual({ '10.0.0.1': 'n1' });
    expect(canonicalSet(A)).not.toHaveProperty('ids');
    expect(sameSet(A, { ...A, ids: { '10.0.0.1': 'someone-else' } })).toBe(true);
    const again = plan({ current: sets, desired: [m('10.0.0.1', 1, undefined, 'n1')] });
    expect(again.changes).toEqual([]);
  });
});
