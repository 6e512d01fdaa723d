/**
 * The plan when instances are known to be leaving (a terminate lifecycle action).
 *
 * The per-cycle removal cap guards against a glitch in the source (an API answer missing half the group must
 * not empty the record). A terminate lifecycle action is not such a glitch: Auto Scaling says this very
 * instance is going, and clients must stop being sent to it before it goes. So the leaving instances'
 * addresses never count against the cap: if the ordinary plan would defer one of them, the plan is made again
 * with the other deferred addresses held in place and the cap raised by exactly the number of leaving
 * addresses, so at most `cap` other addresses are removed, as usual.
 *
 * Not overridden: ownership (a record we do not own is never touched), fail open (the record is never
 * emptied: the last instance of a group stays published while it terminates), and upsert-only mode (an
 * operator's explicit "never remove").
 */
import { calculatePlan } from '../../plan/calculate.js';
import type { DesiredMember, Plan, PlanInput } from '../../plan/types.js';

function currentId(input: PlanInput, address: string): string {
  for (const set of input.current) {
    const id = set.ids?.[address];
    if (id !== undefined) return id;
  }
  return address;
}

export function planWithLeaving(input: PlanInput, leaving: ReadonlySet<string>): Plan {
  const plan = calculatePlan(input);
  const deferred = plan.deferred ?? [];
  const held = deferred.filter((a) => leaving.has(a));
  if (held.length === 0) return plan;
  const others = deferred.filter((a) => !leaving.has(a));
  // Still-deferred addresses stay as they are this cycle (same id, so a per-node record is not rewritten).
  const keep: DesiredMember[] = others.map((address) => ({ address, id: currentId(input, address), healthySince: 0 }));
  const again = calculatePlan({
    ...input,
    desired: [...input.desired, ...keep],
    policy: { ...input.policy, maxRemovalsPerCycle: input.policy.maxRemovalsPerCycle + held.length },
  });
  if (others.length === 0) return again;
  const note = {
    code: 'removals-capped' as const,
    message: `removed the leaving instance(s) ${held.join(', ')} outside the cap; ${others.length} other removal(s) wait for the next cycle: ${others.join(', ')}`,
  };
  return Object.freeze({
    ...again,
    deferred: Object.freeze([...others]),
    notes: Object.freeze([...again.notes, Object.freeze(note)]),
  });
}
