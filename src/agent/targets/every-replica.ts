/**
 * One registration sent to every registrar replica. Each replica keeps agent registrations in its own memory
 * and only the lease holder writes DNS, so a member registered with one replica alone would wait for that
 * replica to lead. Calls go to all at once; the call succeeds only when every replica accepted, so the agent's
 * retries (PUT and DELETE are idempotent) reach the ones that missed it, while those that did publish as usual.
 */
import { SeedkeeperError } from '../../errors.js';
import type { AgentMember, RegistrationTarget } from '../target.js';
import { AgentApiError } from './registrar-api.js';

export function createEveryReplicaTarget(targets: readonly RegistrationTarget[]): RegistrationTarget {
  if (targets.length === 1) return targets[0]!;
  const all = async (call: (t: RegistrationTarget) => Promise<void>): Promise<void> => {
    const results = await Promise.allSettled(targets.map(call));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length === 0) return;
    // A problem no retry can fix (a wrong token, a rejected member) wins: it is the one to report.
    const fatal = failed.find((e) => e instanceof SeedkeeperError && e.hasLabel('usage'));
    if (fatal !== undefined || failed.length === 1) throw fatal ?? failed[0];
    const first = failed[0];
    throw new AgentApiError(
      'ERR_AGENT_API',
      `${failed.length} of ${targets.length} registrar replicas did not take the change: ${failed
        .map((e) => (e instanceof Error ? e.message : String(e)))
        .join('; ')}`,
      { cause: first, labels: first instanceof SeedkeeperError ? [...first.labels] : [] },
    );
  };
  return {
    kind: targets[0]!.kind,
    register: (member: AgentMember) => all((t) => t.register(member)),
    deregister: (member: AgentMember) => all((t) => t.deregister(member)),
    close: async () => {
      await Promise.all(targets.map((t) => t.close()));
    },
  };
}
