/**
 * Decide which candidates may be published, guarding against the health checker's own failures.
 *
 * - Every candidate failing at once is far more likely the checker's network than every node dying
 *   together: nothing is desired, so the plan keeps the last known good record (fail open). Failing streaks,
 *   not verdicts, are compared, so the first endpoint to cross unhealthy-after is not removed while the
 *   others are about to follow (this needs unhealthy-after >= the probe interval).
 * - When such an outage ends, endpoints recover one by one; the first ones back must not make the others look
 *   dead. For a recovery window, a published endpoint is judged only on what was seen after the outage:
 *   it is kept until it has failed for unhealthy-after since then.
 * - "Not yet probed" is never "unhealthy", after a restart or ever: a published endpoint without a verdict
 *   (unknown, or not yet known to the checker) stays published. Only the checker's unhealthy verdict, which
 *   comes after failing continuously for unhealthy-after, removes it.
 */
import { canonicalIp } from '../net/ip.js';
import { endpointKey } from '../net/endpoint.js';
import type { EndpointHealth } from '../health/types.js';
import type { DesiredMember } from '../plan/types.js';
import type { Candidate } from '../sources/types.js';

export interface OutageGuardOptions {
  readonly unhealthyAfterMs: number;
  /** How long after an outage published endpoints are judged only on post-outage evidence. */
  readonly recoveryWindowMs: number;
}

export type OutagePhase = 'none' | 'active' | 'recovering';

/** The health checker's key of a candidate. */
export function candidateKey(candidate: Candidate): string {
  return endpointKey({ host: candidate.address, port: candidate.port });
}

function member(candidate: Candidate, health: EndpointHealth | undefined, now: number): DesiredMember {
  return {
    address: candidate.address,
    id: candidate.id ?? health?.nodeId ?? candidate.address,
    healthySince: health ? (health.healthySince ?? health.since) : now,
    ...(candidate.rack ? { rack: candidate.rack } : {}),
  };
}

export class OutageGuard {
  private active = false;
  private endedAt: number | undefined;

  constructor(private readonly options: OutageGuardOptions) {}

  get phase(): OutagePhase {
    return this.active ? 'active' : this.endedAt === undefined ? 'none' : 'recovering';
  }

  desired(
    candidates: readonly Candidate[],
    health: ReadonlyMap<string, EndpointHealth>,
    published: ReadonlySet<string>,
    now: number,
  ): { members: DesiredMember[]; phase: OutagePhase } {
    const states = candidates.map((c) => health.get(candidateKey(c)));
    const allFailing =
      states.length > 0 &&
      states.every((h) => h !== undefined && (h.state === 'unhealthy' || h.failingSince !== undefined));
    if (allFailing) {
      this.active = true;
      return { members: [], phase: 'active' };
    }
    if (this.active) {
      this.active = false;
      this.endedAt = now;
    }
    if (this.endedAt !== undefined && now - this.endedAt >= this.options.recoveryWindowMs) this.endedAt = undefined;
    const endedAt = this.endedAt;
    const members: DesiredMember[] = [];
    candidates.forEach((candidate, i) => {
      const h = states[i];
      if (h?.state === 'healthy') {
        members.push(member(candidate, h, now));
        return;
      }
      if (!published.has(canonicalIp(candidate.address))) return;
      if (h === undefined || h.state === 'unknown') {
        members.push(member(candidate, h, now));
        return;
      }
      if (endedAt === undefined) return;
      const failingFor = h.failingSince === undefined ? 0 : now - Math.max(h.failingSince, endedAt);
      if (failingFor < this.options.unhealthyAfterMs) members.push(member(candidate, h, now));
    });
    return { members, phase: endedAt === undefined ? 'none' : 'recovering' };
  }
}
