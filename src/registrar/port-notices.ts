/**
 * `run` tells about port advice (src/net/seed-ports.ts) once per distinct advice, not every cycle: only
 * advice that was not there on the previous reconcile is new. Advice that goes away and comes back is new again.
 */
import { portAdvice, type PortAdvice } from '../net/seed-ports.js';
import type { Candidate } from '../sources/types.js';
import type { Plan } from '../plan/types.js';

/** Advice for the candidates whose address the plan publishes (what clients will actually be given). */
export function publishedPortAdvice(name: string, plan: Plan, candidates: readonly Candidate[]): PortAdvice[] {
  const published = new Set([...plan.published.A, ...plan.published.AAAA]);
  return portAdvice(
    candidates.filter((c) => published.has(c.address)),
    name,
  );
}

export class PortNotices {
  private previous = new Set<string>();

  /** The advice in `current` not seen on the previous call. */
  fresh(current: readonly PortAdvice[]): PortAdvice[] {
    const seen = this.previous;
    this.previous = new Set(current.map((a) => a.message));
    return current.filter((a) => !seen.has(a.message));
  }
}
