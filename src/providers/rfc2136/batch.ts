/**
 * Folds a batch of RecordChanges into one transition per RRset: what the set must be now (the
 * prerequisite) and what it becomes. Changes are checked in order against a working copy, like the
 * embedded zone store, so `delete X` then `create X'` in one batch is one transition X → X'. RFC 2136
 * checks every prerequisite before any update, which is why the batch has to be folded first.
 */
import { sameSet } from '../../records/canonical.js';
import { ConflictError, ProviderError } from '../types.js';
import type { RecordChange, RecordSet, RecordType } from '../../records/types.js';
import { validateRecordSet } from '../validate.js';

/** Most changes in one batch (as the embedded provider and Route 53). */
export const MAX_CHANGES_PER_BATCH = 1000;

export interface SetTransition {
  readonly name: string;
  readonly type: RecordType;
  /** The set that must exist exactly, or undefined: the set must not exist. */
  readonly expected: RecordSet | undefined;
  /** The set afterwards, or undefined: deleted. */
  readonly final: RecordSet | undefined;
}

function invalid(provider: string, message: string): ProviderError {
  return new ProviderError(provider, 'ERR_INVALID_RECORD', message, { labels: ['usage'] });
}

const describeSet = (set: RecordSet): string => `${set.name} ${set.type}`;

/** One transition per (name, type) in first-touched order; ProviderError / ConflictError as the zone store. */
export function foldChanges(provider: string, zone: string, changes: readonly RecordChange[]): SetTransition[] {
  const untrusted: unknown = changes;
  if (!Array.isArray(untrusted)) throw invalid(provider, 'changes must be an array');
  if (changes.length > MAX_CHANGES_PER_BATCH)
    throw invalid(provider, `${changes.length} changes in one batch, at most ${MAX_CHANGES_PER_BATCH}`);
  const work = new Map<
    string,
    { name: string; type: RecordType; expected: RecordSet | undefined; current: RecordSet | undefined }
  >();
  const expectCurrent = (set: RecordSet, verb: string, i: number): void => {
    const key = describeSet(set);
    const entry = work.get(key);
    if (entry === undefined) {
      work.set(key, { name: set.name, type: set.type, expected: set, current: set });
      return;
    }
    if (entry.current === undefined)
      throw new ConflictError(
        provider,
        `changes[${i}]: ${verb} ${key}: an earlier change in this batch removes the set`,
      );
    if (!sameSet(entry.current, set))
      throw new ConflictError(
        provider,
        `changes[${i}]: ${verb} ${key}: an earlier change in this batch leaves a different set`,
      );
  };
  changes.forEach((change, i) => {
    switch (change?.kind) {
      case 'create': {
        const set = validateRecordSet(provider, change.set, zone);
        const key = describeSet(set);
        const entry = work.get(key);
        if (entry === undefined) work.set(key, { name: set.name, type: set.type, expected: undefined, current: set });
        else if (entry.current !== undefined)
          throw new ConflictError(
            provider,
            `changes[${i}]: create ${key}: an earlier change in this batch leaves the set in place`,
          );
        else entry.current = set;
        return;
      }
      case 'update': {
        const before = validateRecordSet(provider, change.before, zone);
        const after = validateRecordSet(provider, change.after, zone);
        if (before.name !== after.name || before.type !== after.type)
          throw invalid(provider, `changes[${i}]: update must keep the name and type`);
        expectCurrent(before, 'update', i);
        work.get(describeSet(before))!.current = after;
        return;
      }
      case 'delete': {
        const set = validateRecordSet(provider, change.set, zone);
        expectCurrent(set, 'delete', i);
        work.get(describeSet(set))!.current = undefined;
        return;
      }
      default:
        throw invalid(
          provider,
          `changes[${i}]: unknown change kind ${JSON.stringify((change as { kind?: unknown } | undefined)?.kind)}`,
        );
    }
  });
  return [...work.values()].map((e) =>
    Object.freeze({ name: e.name, type: e.type, expected: e.expected, final: e.current }),
  );
}

/** `api.seed.test A {10.0.0.1, 10.0.0.2}` / `api.seed.test A (absent)`, for messages. */
export function describeExpectation(t: SetTransition): string {
  if (t.expected === undefined) return `${t.name} ${t.type} (expected absent)`;
  const values = t.expected.values;
  const shown = values.length > 8 ? [...values.slice(0, 8), `… ${values.length - 8} more`] : values;
  return `${t.name} ${t.type} (expected {${shown.join(', ')}})`;
}
