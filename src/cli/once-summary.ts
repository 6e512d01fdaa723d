/** The one stdout line `run --once` prints: what this single reconcile did to the record. */
import { describeError } from '../errors.js';
import { canonicalName } from '../records/canonical.js';
import type { LeadershipStatus } from '../registrar/leadership.js';
import type { ReconcileOutcome } from '../registrar/registrar.js';
import { count, listText } from '../plan/notes.js';

/** `A: a, b; AAAA: (none)` — both families, so a reader sees an empty family at a glance. */
function held(published: ReconcileOutcome['plan']['published']): string {
  return `A: ${listText(published.A)}; AAAA: ${listText(published.AAAA)}`;
}

export function onceSummary(
  outcome: Pick<ReconcileOutcome, 'plan' | 'applied' | 'error' | 'follower'>,
  name: string,
  lease?: Pick<LeadershipStatus, 'replica' | 'holder' | 'term'>,
): string {
  const record = canonicalName(name);
  if (outcome.error !== undefined) return `did not publish: ${describeError(outcome.error)}`;
  if (outcome.follower) {
    const holder =
      lease?.holder !== undefined && lease.holder !== lease.replica
        ? `replica ${lease.holder} holds the lease (term ${lease.term}) and keeps the record`
        : 'this replica could not take the lease';
    return `did not publish: ${holder}; nothing was changed`;
  }
  const { plan } = outcome;
  if (plan.refused)
    return `did not publish: ${record} is not owned by this registrar (no ownership marker of ours); nothing was changed`;
  const failOpen = plan.notes.find((n) => n.code === 'fail-open');
  if (failOpen && !outcome.applied) return `did not publish: ${failOpen.message}`;
  const total = plan.published.A.length + plan.published.AAAA.length;
  if (outcome.applied) return `published ${count(total, 'address')} for ${record} (${held(plan.published)})`;
  return `nothing to change: ${record} already holds ${held(plan.published)}`;
}

/**
 * The embedded DNS server lives in this process: a `--once` run would publish into a server that exits with
 * it, so the record would vanish at once. Returns the refusal, or undefined when `--once` makes sense.
 */
export function onceRefusal(providerType: string): string | undefined {
  if (providerType !== 'embedded') return undefined;
  return 'run --once cannot use the embedded provider: its DNS server exits with this process, so the record would vanish at once; use `seedkeeper run` (without --once) to serve it, or `seedkeeper plan` to preview the changes';
}
