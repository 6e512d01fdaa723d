/** The plan never asks a provider for a set it cannot hold, whatever maxRecordSize says (0 = no cap of our own). */
import { describe, expect, it } from 'vitest';
import { calculatePlan } from '../../src/plan/calculate.js';
import { DEFAULT_PLAN_POLICY, type DesiredMember, type Plan, type PlanInput } from '../../src/plan/types.js';
import { validateRecordSet } from '../../src/providers/validate.js';
import type { ProviderLimits } from '../../src/records/limits.js';
import type { RecordSet } from '../../src/records/types.js';
import { NAME, OWNER, a, m, marker } from './fixtures/helpers.js';

const ipv4 = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const members = (count: number, from = 1, since = (i: number) => 1000 + i): DesiredMember[] =>
  Array.from({ length: count }, (_, k) => m(ipv4(from + k), since(from + k)));

function input(
  desired: readonly DesiredMember[],
  current: readonly RecordSet[] = [],
  extra: Partial<PlanInput> = {},
  policy = {},
): PlanInput {
  return {
    name: NAME,
    current,
    desired,
    candidates: desired.length,
    policy: { ...DEFAULT_PLAN_POLICY, ownerId: OWNER, ...policy },
    ...extra,
  };
}

const written = (plan: Plan): RecordSet[] =>
  plan.changes
    .flatMap((c) => (c.kind === 'create' ? [c.set] : c.kind === 'update' ? [c.after] : []))
    .filter((s) => s.type !== 'TXT');

describe('plan: provider limits', () => {
  it('publishes a stable 400-value subset of 450 healthy members although maxRecordSize is 0', () => {
    const plan = calculatePlan(input(members(450)));
    const [set] = written(plan);
    expect(set?.values).toHaveLength(400);
    // The embedded provider's own checks accept what the plan writes.
    expect(() => validateRecordSet('embedded', set!, 'example.com')).not.toThrow();
    expect(plan.notes.map((n) => n.code)).toEqual(['provider-limit']);
    expect(plan.notes[0]!.message).toContain(
      "450 healthy IPv4 addresses are more than the provider's limit of 400 values per record allows",
    );
    expect(plan.capped).toEqual([{ family: 'A', healthy: 450, published: 400, limit: 400, reason: 'provider-limit' }]);
    // The longest-lived members (lowest healthySince) are the ones published.
    expect(set?.values).toContain(ipv4(1));
    expect(set?.values).not.toContain(ipv4(450));
  });

  it('keeps the published subset when more (even older) members appear: no flapping', () => {
    const first = written(calculatePlan(input(members(450))))[0]!;
    const plan = calculatePlan(input([...members(450), ...members(20, 1000, () => 1)], [marker(), first]));
    expect(plan.changes).toEqual([]);
    expect(plan.notes.map((n) => n.code)).toEqual(['provider-limit', 'in-sync']);
  });

  it('applies the smaller of maxRecordSize and the provider limit, and says which bound it', () => {
    const limits: ProviderLimits = { maxValuesPerSet: 5, maxSetWireBytes: 16_000, maxChangesPerBatch: 1000 };
    const byProvider = calculatePlan(input(members(8), [], { limits }, { maxRecordSize: 7 }));
    expect(written(byProvider)[0]?.values).toHaveLength(5);
    expect(byProvider.capped?.[0]?.reason).toBe('provider-limit');
    const byPolicy = calculatePlan(input(members(8), [], { limits }, { maxRecordSize: 3 }));
    expect(written(byPolicy)[0]?.values).toHaveLength(3);
    expect(byPolicy.notes.map((n) => n.code)).toEqual(['size-capped']);
  });

  it('derives a cap from the byte budget: 16 bytes per A record, 28 per AAAA', () => {
    const limits: ProviderLimits = { maxValuesPerSet: 400, maxSetWireBytes: 100, maxChangesPerBatch: 1000 };
    const v6 = Array.from({ length: 10 }, (_, i) => m(`2001:db8::${i + 1}`));
    const plan = calculatePlan(input([...members(10), ...v6], [], { limits }));
    const sets = written(plan);
    expect(sets.find((s) => s.type === 'A')?.values).toHaveLength(6);
    expect(sets.find((s) => s.type === 'AAAA')?.values).toHaveLength(3);
    expect(plan.notes[0]?.message).toContain('100 bytes per answer');
  });

  it('holds additions back while the removal cap leaves dead addresses in a full record', () => {
    const limits: ProviderLimits = { maxValuesPerSet: 5, maxSetWireBytes: 16_000, maxChangesPerBatch: 1000 };
    // 5 published, 3 of them dead; 4 new healthy members; only one removal per cycle.
    const current = [marker(), a(ipv4(1), ipv4(2), ipv4(3), ipv4(4), ipv4(5))];
    const desired = [m(ipv4(1)), m(ipv4(2)), ...members(4, 100)];
    const plan = calculatePlan(input(desired, current, { limits }, { maxRemovalsPerCycle: 1 }));
    const values = written(plan)[0]!.values;
    expect(values.length).toBeLessThanOrEqual(5);
    expect(plan.removed).toHaveLength(1);
    expect(plan.added).toHaveLength(1);
  });

  it('never writes a set beyond the limit, for any mix of published, dead and new members', () => {
    const limits: ProviderLimits = { maxValuesPerSet: 7, maxSetWireBytes: 16_000, maxChangesPerBatch: 1000 };
    let seed = 42;
    const random = (n: number): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let round = 0; round < 300; round++) {
      const current = Array.from({ length: 1 + random(7) }, () => ipv4(1 + random(20)));
      const desired = Array.from({ length: random(25) }, () => m(ipv4(1 + random(30)), random(5000)));
      const policy = { maxRemovalsPerCycle: 1 + random(3), maxRecordSize: random(10) };
      const plan = calculatePlan(input(desired, [marker(), a(...new Set(current))], { limits }, policy));
      for (const set of written(plan)) expect(set.values.length).toBeLessThanOrEqual(7);
    }
  });
});
