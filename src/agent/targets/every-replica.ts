/**
 * One registration sent to every registrar replica. Each replica keeps agent registrations in its own memory
 * and only the lease holder writes DNS, so a member registered with one replica alone would wait for that
 * replica to lead. Calls go to all at once. One replica down must not fail the agent (systemd would restart it
 * in a loop while the others already hold the member): a call succeeds when at least one replica took it, the
 * misses are reported through `onMissed`, and the agent's renewals (PUT is idempotent) reach a replica once it is
 * back. A problem no retry can fix (a wrong token, a refused member) fails the call wherever it happens.
 */
import { SeedkeeperError } from '../../errors.js';
import type { AgentMember, RegistrationTarget } from '../target.js';
import { AgentApiError } from './registrar-api.js';

export interface EveryReplicaOptions {
  /** Some replicas, not all, missed a call: one error per miss (each names its URL). */
  readonly onMissed?: (call: 'register' | 'deregister', missed: readonly unknown[], of: number) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createEveryReplicaTarget(
  targets: readonly RegistrationTarget[],
  options: EveryReplicaOptions = {},
): RegistrationTarget {
  if (targets.length === 1) return targets[0]!;
  const all = async (call: 'register' | 'deregister', run: (t: RegistrationTarget) => Promise<void>): Promise<void> => {
    const results = await Promise.allSettled(targets.map(run));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length === 0) return;
    const usage = failed.find((e): e is SeedkeeperError => e instanceof SeedkeeperError && e.hasLabel('usage'));
    if (usage !== undefined) throw usage;
    if (failed.length < targets.length) {
      options.onMissed?.(call, failed, targets.length);
      return;
    }
    const first = failed[0];
    throw new AgentApiError(
      'ERR_AGENT_API',
      `no registrar replica took the change: ${failed.map(message).join('; ')}`,
      {
        cause: first,
        labels: first instanceof SeedkeeperError ? [...first.labels] : [],
      },
    );
  };
  return {
    kind: targets[0]!.kind,
    register: (member: AgentMember) => all('register', (t) => t.register(member)),
    deregister: (member: AgentMember) => all('deregister', (t) => t.deregister(member)),
    close: async () => {
      await Promise.all(targets.map((t) => t.close()));
    },
  };
}
