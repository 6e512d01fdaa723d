/**
 * How many addresses one family of the record may hold: the operator's `maxRecordSize` (a soft choice: a
 * small seed list) and the provider's own limits (hard: a set beyond them is refused, so no number of healthy
 * members may ever produce one). The smaller wins, and the plan says which one bound it.
 */
import { addressRecordWireBytes } from '../records/limits.js';
import { DEFAULT_PROVIDER_LIMITS, type ProviderLimits } from '../records/limits.js';
import type { Family } from './ownership.js';

export type CapReason = 'max-record-size' | 'provider-limit';

export interface FamilyCap {
  /** Most addresses the family publishes (the smaller of the two caps). */
  readonly cap: number;
  /** Most addresses one write may leave in the set, whatever else happens (the provider's limit). */
  readonly hard: number;
  readonly reason: CapReason;
  /** One phrase for notes and logs: why this many. */
  readonly why: string;
}

/** The provider's limit for one family: values per set, and what fits its byte budget. */
export function providerCap(
  family: Family,
  limits: ProviderLimits = DEFAULT_PROVIDER_LIMITS,
): { cap: number; why: string } {
  const perRecord = addressRecordWireBytes(family);
  const byBytes = Math.floor(limits.maxSetWireBytes / perRecord);
  if (byBytes < limits.maxValuesPerSet)
    return {
      cap: Math.max(1, byBytes),
      why: `the provider's limit of ${limits.maxSetWireBytes} bytes per answer (${perRecord} per ${family} record)`,
    };
  return {
    cap: Math.max(1, limits.maxValuesPerSet),
    why: `the provider's limit of ${limits.maxValuesPerSet} values per record`,
  };
}

export function familyCap(family: Family, maxRecordSize: number, limits?: ProviderLimits): FamilyCap {
  const provider = providerCap(family, limits);
  if (maxRecordSize > 0 && maxRecordSize <= provider.cap) {
    return { cap: maxRecordSize, hard: provider.cap, reason: 'max-record-size', why: `maxRecordSize ${maxRecordSize}` };
  }
  return { cap: provider.cap, hard: provider.cap, reason: 'provider-limit', why: provider.why };
}
