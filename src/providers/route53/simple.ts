/**
 * Simple record sets (no routing policy): the shared-mode A/AAAA record and the TXT ownership marker in both
 * modes. A change becomes one unit: create -> CREATE; update -> DELETE of the exact set read + CREATE of the
 * new one (Route 53 fails the whole batch if the set is no longer exactly that: the compare-and-swap);
 * delete -> DELETE exact.
 */
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { canonicalSet, sameSet } from '../../records/canonical.js';
import { ProviderError } from '../types.js';
import type { RecordChange, RecordSet, RecordType } from '../../records/types.js';
import type { Unit } from './batch.js';
import { fromResourceRecords, fromRoute53Name, toResourceRecords, toRoute53Name } from './codec.js';
import { PROVIDER } from './errors.js';

export const ROUTE53_MAX_VALUES = 400;

/** A simple record as a canonical RecordSet. */
export function simpleSetFrom(record: ResourceRecordSet, type: RecordType): RecordSet {
  return canonicalSet({
    name: fromRoute53Name(record.Name ?? ''),
    type,
    ttl: record.TTL ?? 0,
    values: fromResourceRecords(type, record.ResourceRecords),
  });
}

export function toSimpleRecord(set: RecordSet): ResourceRecordSet {
  return {
    Name: toRoute53Name(set.name),
    Type: set.type,
    TTL: set.ttl,
    ResourceRecords: toResourceRecords(set.type, set.values),
  };
}

/**
 * The record to DELETE for `set`: the one read, byte for byte, when it still describes `set` (TXT escaping
 * or value order may differ from ours), else `set` spelled our way. Route 53 checks it either way.
 */
export type ExactRecord = (set: RecordSet) => ResourceRecordSet;

export function exactRecordFrom(read: readonly ResourceRecordSet[]): ExactRecord {
  return (set) => {
    const raw = read.find(
      (r) =>
        r.SetIdentifier === undefined &&
        r.Type === set.type &&
        r.Name !== undefined &&
        fromRoute53Name(r.Name) === set.name,
    );
    return raw !== undefined && sameSet(simpleSetFrom(raw, set.type), set) ? structuredClone(raw) : toSimpleRecord(set);
  };
}

function checkSize(set: RecordSet): void {
  if (set.values.length > ROUTE53_MAX_VALUES) {
    throw new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_TOO_MANY_VALUES',
      `${set.name} ${set.type}: ${set.values.length} values; a Route 53 record holds at most ${ROUTE53_MAX_VALUES}. Cap the record with the plan's maxRecordSize (clients need only a few seeds)`,
    );
  }
}

function describe(change: RecordChange): string {
  const set = change.kind === 'update' ? change.after : change.set;
  return `${set.name} ${set.type} ${change.kind}`;
}

export function simpleUnit(change: RecordChange, exact: ExactRecord): Unit {
  const changes: Change[] = [];
  if (change.kind === 'create') {
    checkSize(change.set);
    changes.push({ Action: 'CREATE', ResourceRecordSet: toSimpleRecord(change.set) });
  } else if (change.kind === 'update') {
    checkSize(change.after);
    changes.push(
      { Action: 'DELETE', ResourceRecordSet: exact(change.before) },
      { Action: 'CREATE', ResourceRecordSet: toSimpleRecord(change.after) },
    );
  } else {
    changes.push({ Action: 'DELETE', ResourceRecordSet: exact(change.set) });
  }
  return { changes, what: describe(change), createdHealthChecks: [], releasedHealthChecks: [] };
}
