/**
 * The size cap: which members a capped record publishes. Clients use seeds only at start, so stability beats
 * optimality: members already published (and still desired) are kept first; free places go to the
 * longest-lived members, taken round-robin across racks, and across nodes before a second address of one node.
 */

/** A desired member after canonicalisation and deduplication. */
export interface Member {
  readonly address: string;
  readonly id: string;
  /** Finite epoch ms, or +Infinity when unknown. */
  readonly healthySince: number;
  /** `''` when unknown: all members without a rack form one group. */
  readonly rack: string;
}

/** At most `cap` members of `desired`; all of them when `cap` is 0 or not exceeded. */
export function selectCapped(desired: readonly Member[], published: ReadonlySet<string>, cap: number): Member[] {
  if (cap <= 0 || desired.length <= cap) return [...desired];
  const kept = pick(
    desired.filter((m) => published.has(m.address)),
    cap,
    [],
  );
  const filled = pick(
    desired.filter((m) => !published.has(m.address)),
    cap - kept.length,
    kept,
  );
  return [...kept, ...filled];
}

/** Greedy round-robin: the next member comes from the least-used rack, then the least-used node, then the oldest. */
function pick(pool: readonly Member[], count: number, chosen: readonly Member[]): Member[] {
  const perRack = new Map<string, number>();
  const perNode = new Map<string, number>();
  const take = (m: Member): void => {
    perRack.set(m.rack, (perRack.get(m.rack) ?? 0) + 1);
    perNode.set(m.id, (perNode.get(m.id) ?? 0) + 1);
  };
  chosen.forEach(take);
  const rank = (m: Member): readonly [number, number, number, string] => [
    perRack.get(m.rack) ?? 0,
    perNode.get(m.id) ?? 0,
    m.healthySince,
    m.address,
  ];
  const remaining = [...pool];
  const out: Member[] = [];
  while (out.length < count && remaining.length > 0) {
    let best = 0;
    remaining.forEach((m, i) => {
      const leader = remaining[best];
      if (leader && compareRank(rank(m), rank(leader)) < 0) best = i;
    });
    const [member] = remaining.splice(best, 1);
    if (!member) break;
    out.push(member);
    take(member);
  }
  return out;
}

function compareRank(
  a: readonly [number, number, number, string],
  b: readonly [number, number, number, string],
): number {
  return compare(a[0], b[0]) || compare(a[1], b[1]) || compare(a[2], b[2]) || compare(a[3], b[3]);
}

export function compare<T extends number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
