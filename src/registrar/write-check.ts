/**
 * Read-back of our own writes. A server may acknowledge an update and apply nothing (a lying or broken
 * primary, a proxy that answers for it). After a write, the next read is compared with what was written:
 * when a set is still exactly as it was before the write, the write is not visible. A set that holds
 * something else was changed by another writer since, which explains the difference: not counted.
 */
import { canonicalName } from '../records/canonical.js';
import type { RecordChange, RecordSet } from '../records/types.js';

interface Expectation {
  readonly key: string;
  /** Values before the write (undefined: the set did not exist). */
  readonly before: readonly string[] | undefined;
  /** Values the write left (undefined: deleted). */
  readonly after: readonly string[] | undefined;
}

export interface WriteNotVisible {
  /** Epoch ms of the write that is not visible. */
  readonly writtenAt: number;
  /** One line per set: `seed.example.com A: wrote 10.0.0.1, 10.0.0.2; read back 10.0.0.1 (as before the write)`. */
  readonly sets: readonly string[];
}

const keyOf = (set: RecordSet): string => `${canonicalName(set.name)} ${set.type}`;
const sorted = (values: readonly string[]): string[] => [...values].sort();
const same = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.length === b.length && sorted(a).every((v, i) => v === sorted(b)[i]);
const show = (values: readonly string[] | undefined): string => (values === undefined ? '(no set)' : values.join(', '));

function expectationsOf(changes: readonly RecordChange[]): Expectation[] {
  return changes.map((c) => {
    if (c.kind === 'create') return { key: keyOf(c.set), before: undefined, after: c.set.values };
    if (c.kind === 'delete') return { key: keyOf(c.set), before: c.set.values, after: undefined };
    return { key: keyOf(c.after), before: c.before.values, after: c.after.values };
  });
}

export class WriteCheck {
  private pending: { at: number; expectations: Expectation[] } | undefined;

  /** Remember a write the provider acknowledged. */
  recordWrite(changes: readonly RecordChange[], at: number): void {
    const expectations = expectationsOf(changes).filter((e) => !same(e.before, e.after));
    this.pending = expectations.length > 0 ? { at, expectations } : undefined;
  }

  /** Compare the first read after a write with it; undefined when there was nothing to check or all is visible. */
  checkRead(current: readonly RecordSet[]): WriteNotVisible | undefined {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return undefined;
    const read = new Map(current.map((set) => [keyOf(set), set.values] as const));
    const sets = pending.expectations.flatMap((e) => {
      const now = read.get(e.key);
      if (same(now, e.after) || !same(now, e.before)) return [];
      return [`${e.key}: wrote ${show(e.after)}; read back ${show(now)} (as before the write)`];
    });
    return sets.length > 0 ? { writtenAt: pending.at, sets } : undefined;
  }
}
