/** Canonical forms, so that two descriptions of the same records compare equal. */
import { canonicalIp } from '../net/ip.js';
import type { RecordSet } from './types.js';

export function canonicalName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export function canonicalSet(set: RecordSet): RecordSet {
  const values = set.type === 'TXT' ? [...set.values] : set.values.map(canonicalIp);
  return Object.freeze({
    name: canonicalName(set.name),
    type: set.type,
    ttl: set.ttl,
    values: Object.freeze([...new Set(values)].sort()),
  });
}

export function sameSet(a: RecordSet, b: RecordSet): boolean {
  const x = canonicalSet(a);
  const y = canonicalSet(b);
  return (
    x.name === y.name &&
    x.type === y.type &&
    x.ttl === y.ttl &&
    x.values.length === y.values.length &&
    x.values.every((v, i) => v === y.values[i])
  );
}

/** True if `name` is `zone` or inside it. */
export function inZone(name: string, zone: string): boolean {
  const n = canonicalName(name);
  const z = canonicalName(zone);
  return n === z || n.endsWith(`.${z}`);
}
