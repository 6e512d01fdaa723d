/**
 * Where DNS, the cluster's own members and the sources disagree: the silent failures a client runs into
 * ("in DNS but not a member", "a member but not in DNS", a caching resolver still serving an old answer).
 */
import type { Difference, DnsAnswerStatus } from './schema.js';

export interface DifferenceInput {
  readonly answers: readonly DnsAnswerStatus[];
  /** Addresses the cluster itself reports as members (cluster sources); undefined when no cluster source. */
  readonly members: ReadonlySet<string> | undefined;
  /** Every address some source offers. */
  readonly offered: ReadonlySet<string>;
  /** Addresses whose verdict is healthy. */
  readonly healthy: ReadonlySet<string>;
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

export function differences(input: DifferenceInput): Difference[] {
  const out: Difference[] = [];
  const authoritative = input.answers.find((a) => a.server !== null && a.error === null);
  if (authoritative) {
    const inDns = new Set(authoritative.addresses);
    for (const address of sorted(inDns)) {
      if (input.members && !input.members.has(address)) {
        const offered = input.offered.has(address) ? 'offered by another source' : 'offered by no source';
        out.push({
          kind: 'in-dns-not-member',
          address,
          text: `${address} is in DNS but not a member of the cluster (${offered})`,
        });
      } else if (!input.healthy.has(address)) {
        out.push({
          kind: 'in-dns-unhealthy',
          address,
          text: `${address} is in DNS but its health verdict is not healthy`,
        });
      }
    }
    for (const address of sorted(input.members ?? [])) {
      if (!inDns.has(address) && input.healthy.has(address))
        out.push({
          kind: 'member-not-in-dns',
          address,
          text: `${address} is a healthy member of the cluster but not in DNS`,
        });
    }
    for (const answer of input.answers) {
      if (answer === authoritative || answer.error !== null) continue;
      const seen = new Set(answer.addresses);
      const missing = sorted(inDns).filter((a) => !seen.has(a));
      const extra = sorted(seen).filter((a) => !inDns.has(a));
      for (const address of missing)
        out.push({
          kind: 'resolver-stale',
          address,
          text: `${answer.label} does not return ${address} yet (the authoritative answer has it)`,
        });
      for (const address of extra)
        out.push({
          kind: 'resolver-stale',
          address,
          text: `${answer.label} still returns ${address} (removed from the authoritative answer; cached for up to the TTL)`,
        });
    }
  }
  return out;
}
