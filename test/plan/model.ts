/**
 * A tiny in-memory zone with the real providers' rules: `create` only where nothing exists, `update` and
 * `delete` only when the set is still exactly the one the plan saw. Tests apply plans through it.
 */
import { canonicalName, sameSet } from '../../src/records/canonical.js';
import type { RecordChange, RecordSet } from '../../src/records/types.js';

const key = (set: Pick<RecordSet, 'name' | 'type'>): string => `${canonicalName(set.name)}/${set.type}`;

export function applyChanges(current: readonly RecordSet[], changes: readonly RecordChange[]): RecordSet[] {
  const zone = new Map(current.map((set) => [key(set), set]));
  for (const change of changes) {
    const target = change.kind === 'update' ? change.before : change.set;
    const existing = zone.get(key(target));
    if (change.kind === 'create') {
      if (existing) throw new Error(`conflict: ${key(target)} exists`);
      zone.set(key(target), change.set);
    } else {
      if (!existing || !sameSet(existing, target)) throw new Error(`conflict: ${key(target)} changed`);
      if (change.kind === 'delete') zone.delete(key(target));
      else zone.set(key(change.after), change.after);
    }
  }
  return [...zone.values()];
}

export function valuesOf(sets: readonly RecordSet[], name: string, type: RecordSet['type']): readonly string[] {
  return sets.find((s) => s.type === type && canonicalName(s.name) === canonicalName(name))?.values ?? [];
}
