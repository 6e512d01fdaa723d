/**
 * The record model shared by the plan (which computes changes) and the providers (which apply them): what a
 * DNS record set is and how one change to it is described. Canonical forms are in canonical.ts.
 */
export type RecordType = 'A' | 'AAAA' | 'TXT';

export interface RecordSet {
  /** Fully qualified, lowercase, without the trailing dot. */
  readonly name: string;
  readonly type: RecordType;
  /** Seconds. */
  readonly ttl: number;
  /** A/AAAA: canonical IP text, sorted, no duplicates. TXT: each value is one TXT record's joined text. */
  readonly values: readonly string[];
  /**
   * A/AAAA only, optional: address (canonical IP text) -> the member's node or instance id, for providers
   * that keep one record per member (Route 53 per-node: the id becomes the SetIdentifier). Information
   * only: canonicalSet and sameSet ignore it, so it never makes two sets differ.
   */
  readonly ids?: Readonly<Record<string, string>>;
}

/**
 * One change. `update` and `delete` carry the set the plan saw (`before`, `set`): a provider applies the
 * change only if that is still exactly the current set (compare-and-swap), and `create` only if nothing
 * exists. Otherwise it applies nothing and throws ConflictError.
 */
export type RecordChange =
  | { readonly kind: 'create'; readonly set: RecordSet }
  | { readonly kind: 'update'; readonly before: RecordSet; readonly after: RecordSet }
  | { readonly kind: 'delete'; readonly set: RecordSet };
