/**
 * How big a record set may be: the wire size of its records, and what one provider can hold (the plan caps
 * what it publishes by these; the providers' validate.ts refuses anything beyond the same numbers).
 */
import type { RecordSet } from './types.js';

/**
 * What one provider can hold. The plan respects these (publishing a stable subset, with a note and a metric)
 * so that no amount of healthy members can make a write fail; a provider never has to refuse a plan for size.
 */
export interface ProviderLimits {
  /** Most values one A or AAAA set may hold (Route 53: 400 in one record; 100 multivalue records per name). */
  readonly maxValuesPerSet: number;
  /** Most wire bytes one set may take in an answer. */
  readonly maxSetWireBytes: number;
  /** Most record changes in one atomic batch. */
  readonly maxChangesPerBatch: number;
}

/** Limits every DNS server and the wire can carry (src/providers/validate.ts checks the same numbers). */
export const DEFAULT_PROVIDER_LIMITS: ProviderLimits = Object.freeze({
  maxValuesPerSet: 400,
  maxSetWireBytes: 16_000,
  maxChangesPerBatch: 1000,
});

/** Owner pointer + type, class, ttl, rdlength: what every record of a set costs besides its data. */
const RECORD_OVERHEAD_BYTES = 2 + 10;

/** Wire bytes of one A or AAAA record in an answer (what the plan divides a byte limit by). */
export function addressRecordWireBytes(type: 'A' | 'AAAA'): number {
  return RECORD_OVERHEAD_BYTES + (type === 'A' ? 4 : 16);
}

/** Wire size of one set's records in an answer whose owner names are compressed to 2 bytes. */
export function setWireBytes(set: RecordSet): number {
  const perRecord = RECORD_OVERHEAD_BYTES;
  if (set.type === 'A' || set.type === 'AAAA') return set.values.length * addressRecordWireBytes(set.type);
  let total = 0;
  for (const v of set.values) {
    const bytes = Buffer.byteLength(v, 'utf8');
    total += perRecord + bytes + Math.max(1, Math.ceil(bytes / 255));
  }
  return total;
}
