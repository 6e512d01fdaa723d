/**
 * What the monitor checks on every answer, as a pure function: the seed record is never empty, never
 * NXDOMAIN, and never holds an address that is not a member of the cluster. A query that gets no answer at
 * all (the server is down or restarting, a timeout) is not a statement about the record: it is counted and
 * reported, not judged.
 */
export type Answer =
  | { readonly kind: 'addresses'; readonly addresses: readonly string[] }
  | { readonly kind: 'nxdomain' }
  /** NOERROR with no A records: the name exists but the record is empty. */
  | { readonly kind: 'empty' }
  /** No verdict about the record: timeout, refused, SERVFAIL. */
  | { readonly kind: 'no-answer'; readonly code: string };

export type ViolationKind = 'empty' | 'nxdomain' | 'not-a-member' | 'not-converged' | 'non-holder-write';

export interface Violation {
  readonly kind: ViolationKind;
  /** Unix ms. */
  readonly at: number;
  readonly detail: string;
}

/** The violations in one answer (none for a good answer or no answer). */
export function checkAnswer(answer: Answer, members: ReadonlySet<string>, at: number): Violation[] {
  switch (answer.kind) {
    case 'nxdomain':
      return [{ kind: 'nxdomain', at, detail: 'the seed record answered NXDOMAIN' }];
    case 'empty':
      return [{ kind: 'empty', at, detail: 'the seed record has no addresses (NOERROR, no data)' }];
    case 'no-answer':
      return [];
    case 'addresses': {
      if (answer.addresses.length === 0) return [{ kind: 'empty', at, detail: 'the seed record has no addresses' }];
      const strangers = answer.addresses.filter((a) => !members.has(a));
      return strangers.length === 0
        ? []
        : [{ kind: 'not-a-member', at, detail: `published ${strangers.join(', ')}, not members of the cluster` }];
    }
  }
}

/** True when the record holds exactly `expected` (order ignored). */
export function sameAddresses(a: readonly string[], expected: readonly string[]): boolean {
  if (a.length !== expected.length) return false;
  const want = new Set(expected);
  return a.every((x) => want.has(x));
}
