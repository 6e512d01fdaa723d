/**
 * Change batches within Route 53's limits. A *unit* is the smallest list of changes that must stay in one
 * batch (an update is DELETE exact + CREATE: split, it would no longer be a compare-and-swap); units are
 * packed in order into as few batches as the limits allow: 1,000 changes, 1,000 ResourceRecord elements and
 * 32,000 value characters per batch (an UPSERT counts twice), 400 values per record.
 *
 * *Pinned* units are conditions that must hold for every batch (the lease fence of replicas, an update from a
 * set to itself: DELETE exact + CREATE of the same record). They are sent at the head of every batch (and of
 * every half a bisect makes, submit.ts), so no split ever applies a change without its condition; here they
 * only count against each batch's room.
 */
import type { Change } from '@aws-sdk/client-route-53';
import { ProviderError } from '../types.js';
import { valueChars } from './codec.js';
import { PROVIDER } from './errors.js';

export const ROUTE53_BATCH_LIMITS = Object.freeze({
  changes: 1000,
  records: 1000,
  valueChars: 32_000,
  valuesPerRecord: 400,
});

export type BatchLimits = typeof ROUTE53_BATCH_LIMITS;

export interface Unit {
  /** Route 53 changes, in order. */
  readonly changes: readonly Change[];
  /** For messages and logs: `seed.example.com A update`. */
  readonly what: string;
  /** Health checks created for this unit: deleted again if the unit is not applied. */
  readonly createdHealthChecks: string[];
  /** Health checks the unit's records no longer use: deleted (if ours) once the unit is applied. */
  readonly releasedHealthChecks: readonly string[];
}

interface Size {
  changes: number;
  records: number;
  chars: number;
}

function sizeOf(unit: Unit): Size {
  const size: Size = { changes: unit.changes.length, records: 0, chars: 0 };
  for (const change of unit.changes) {
    const weight = change.Action === 'UPSERT' ? 2 : 1;
    const records = change.ResourceRecordSet?.ResourceRecords;
    size.records += weight * (records?.length ?? 0);
    size.chars += weight * valueChars(records);
  }
  return size;
}

function fits(size: Size, limits: BatchLimits): boolean {
  return size.changes <= limits.changes && size.records <= limits.records && size.chars <= limits.valueChars;
}

function plus(a: Size, b: Size): Size {
  return { changes: a.changes + b.changes, records: a.records + b.records, chars: a.chars + b.chars };
}

/**
 * Packs units, in order, into batches within `limits`, leaving room in each for the `pinned` units (not
 * included in the result: the sender adds them); a unit too large for any batch is a ProviderError.
 */
export function packBatches<U extends Unit>(
  units: readonly U[],
  limits: BatchLimits = ROUTE53_BATCH_LIMITS,
  pinned: readonly Unit[] = [],
): U[][] {
  const base = pinned.map(sizeOf).reduce(plus, { changes: 0, records: 0, chars: 0 });
  const batches: U[][] = [];
  let current: U[] = [];
  let total: Size = base;
  for (const unit of units) {
    const size = plus(sizeOf(unit), base);
    for (const change of unit.changes) {
      const values = change.ResourceRecordSet?.ResourceRecords?.length ?? 0;
      if (values > limits.valuesPerRecord) {
        throw new ProviderError(
          PROVIDER,
          'ERR_ROUTE53_TOO_MANY_VALUES',
          `${unit.what}: ${values} values in one record; Route 53 allows at most ${limits.valuesPerRecord}`,
        );
      }
    }
    if (!fits(size, limits)) {
      throw new ProviderError(
        PROVIDER,
        'ERR_ROUTE53_BATCH_LIMIT',
        `${unit.what}: ${size.changes} changes, ${size.records} records and ${size.chars} value characters cannot fit one change batch (at most ${limits.changes}, ${limits.records} and ${limits.valueChars})`,
        { labels: ['usage'] },
      );
    }
    const next = plus(total, sizeOf(unit));
    if (current.length > 0 && !fits(next, limits)) {
      batches.push(current);
      current = [];
      total = size;
    } else {
      total = next;
    }
    current.push(unit);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
