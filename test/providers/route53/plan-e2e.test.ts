/**
 * The plan and the provider end to end: calculatePlan's changes applied through Route 53 (the model), then
 * re-read and re-planned: no changes (idempotent), in both modes, and through a conflict with another writer.
 */
import { describe, expect, it } from 'vitest';
import { calculatePlan } from '../../../src/plan/calculate.js';
import { DEFAULT_PLAN_POLICY, type DesiredMember, type Plan, type PlanPolicy } from '../../../src/plan/types.js';
import type { Route53Mode, Route53Provider } from '../../../src/providers/route53/index.js';
import { ConflictError } from '../../../src/providers/types.js';
import { MARKER, NAME, OWNER, userRecords, useWorld } from './helpers.js';

const world = useWorld();
const policy: PlanPolicy = { ...DEFAULT_PLAN_POLICY, ownerId: OWNER, maxRemovalsPerCycle: 10 };
const member = (address: string, id: string): DesiredMember => ({ address, id, healthySince: 1000 });

async function plan(p: Route53Provider, desired: readonly DesiredMember[]): Promise<Plan> {
  const current = await p.read([NAME, MARKER]);
  return calculatePlan({ name: NAME, current, desired, candidates: desired.length, policy });
}

/** One reconcile as the registrar runs it: read, plan, apply; re-read and re-plan on a conflict. */
async function reconcile(
  p: Route53Provider,
  desired: readonly DesiredMember[],
  beforeApply?: () => Promise<void>,
): Promise<number> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const next = await plan(p, desired);
    if (next.changes.length === 0) return attempt;
    if (attempt === 1) await beforeApply?.();
    try {
      await p.apply(next.changes);
      return attempt;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  throw new Error('no convergence');
}

describe.each<Route53Mode>(['shared', 'per-node'])('plan + route53 provider (%s)', (mode) => {
  const provider = () => world.provider({ mode });
  const v1 = [member('10.0.0.1', 'i-1'), member('10.0.0.2', 'i-2'), member('2001:db8::3', 'i-3')];
  const v2 = [member('10.0.0.2', 'i-2'), member('10.0.0.4', 'i-4'), member('2001:db8::3', 'i-3')];

  it('applies a plan, and a re-plan over what it wrote changes nothing', async () => {
    const p = provider();
    const first = await plan(p, v1);
    expect(first.changes.map((c) => c.kind)).toEqual(['create', 'create', 'create']);
    await p.apply(first.changes);
    const again = await plan(p, v1);
    expect(again.changes).toEqual([]);
    expect(again.notes.map((n) => n.code)).toEqual(['in-sync']);
    expect(again.published).toEqual({ A: ['10.0.0.1', '10.0.0.2'], AAAA: ['2001:db8::3'] });
  });

  it('follows membership changes and settles again', async () => {
    const p = provider();
    await reconcile(p, v1);
    await reconcile(p, v2);
    const settled = await plan(p, v2);
    expect(settled.changes).toEqual([]);
    expect(settled.published).toEqual({ A: ['10.0.0.2', '10.0.0.4'], AAAA: ['2001:db8::3'] });
    if (mode === 'per-node') {
      expect(
        userRecords(world.model)
          .filter((r) => r.Type !== 'TXT')
          .map((r) => r.SetIdentifier),
      ).toEqual(['i-2', 'i-4', 'i-3']);
    }
  });

  it('converges when another writer changes the record between our read and our apply', async () => {
    const p = provider();
    await reconcile(p, v1);
    const intruder = async (): Promise<void> => {
      const other = world.provider({ mode });
      const [A] = await other.read([NAME]);
      await other.apply([
        {
          kind: 'update',
          before: A!,
          after: { ...A!, values: [...A!.values, '10.0.0.9'], ids: { '10.0.0.9': 'i-9' } },
        },
      ]);
    };
    const attempts = await reconcile(p, v2, intruder);
    // shared: the compare-and-swap lost and was re-planned; per-node: member records never conflict.
    expect(attempts).toBe(mode === 'shared' ? 2 : 1);
    const [A] = await p.read([NAME]);
    expect(A?.values).toEqual(mode === 'shared' ? ['10.0.0.2', '10.0.0.4'] : ['10.0.0.2', '10.0.0.4', '10.0.0.9']);
    // per-node: the intruder's member was not in our plan's view; the next reconcile removes it.
    await reconcile(p, v2);
    expect((await plan(p, v2)).changes).toEqual([]);
    expect((await p.read([NAME]))[0]?.values).toEqual(['10.0.0.2', '10.0.0.4']);
  });
});
