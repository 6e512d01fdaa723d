/**
 * Provider-generic checks of what a plan asks a provider to write: names inside the zone and well formed,
 * values of the right family, TTLs in range, sizes every DNS server (and the wire) can carry.
 * Returns the canonical set (src/records/canonical.ts), so that callers store and compare one form.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName, canonicalSet, inZone } from '../records/canonical.js';
import { setWireBytes } from '../records/limits.js';
import type { RecordSet } from '../records/types.js';
import { ProviderError } from './types.js';

/** Largest TTL (RFC 2181 §8). */
export const MAX_TTL = 2_147_483_647;
/** Most values in one set (Route 53's limit, for portability). */
export const MAX_VALUES_PER_SET = 400;
/** Longest TXT value in bytes (UTF-8); servers split it into 255-byte strings on the wire. */
export const MAX_TXT_VALUE_BYTES = 4000;
/** Most wire bytes one set may take in an answer, so that every set at a name fits one TCP message. */
export const MAX_SET_WIRE_BYTES = 16_000;

const LABEL = /^[a-z0-9_-]{1,63}$/;

function invalid(provider: string, message: string): ProviderError {
  return new ProviderError(provider, 'ERR_INVALID_RECORD', message, { labels: ['usage'] });
}

/** Canonical form of `name`; ProviderError ERR_NOT_IN_ZONE outside `zone`, ERR_INVALID_RECORD if malformed. */
export function checkRecordName(provider: string, name: string, zone: string): string {
  const n = canonicalName(name);
  if (!inZone(n, zone))
    throw new ProviderError(provider, 'ERR_NOT_IN_ZONE', `${JSON.stringify(n)} is not inside the zone ${zone}`, {
      labels: ['usage'],
    });
  if (n.length > 253 || !n.split('.').every((label) => LABEL.test(label))) {
    throw invalid(
      provider,
      `${JSON.stringify(n)} is not a valid record name (letters, digits, '-', '_'; labels of 1-63; at most 253 characters)`,
    );
  }
  return n;
}

/** Checks one set and returns its canonical form. */
export function validateRecordSet(provider: string, set: RecordSet, zone: string): RecordSet {
  const name = checkRecordName(provider, set.name, zone);
  const where = `${name} ${String(set.type)}`;
  if (set.type !== 'A' && set.type !== 'AAAA' && set.type !== 'TXT')
    throw invalid(provider, `${where}: unsupported type`);
  if (!Number.isInteger(set.ttl) || set.ttl < 0 || set.ttl > MAX_TTL)
    throw invalid(provider, `${where}: TTL ${set.ttl} is not an integer in 0..${MAX_TTL}`);
  if (!Array.isArray(set.values) || set.values.length === 0)
    throw invalid(provider, `${where}: a set needs at least one value (delete it instead)`);
  if (set.values.length > MAX_VALUES_PER_SET)
    throw invalid(provider, `${where}: ${set.values.length} values, at most ${MAX_VALUES_PER_SET}`);
  for (const value of set.values) {
    if (typeof value !== 'string') throw invalid(provider, `${where}: values must be strings`);
    if (set.type === 'A' && !isIPv4(value))
      throw invalid(provider, `${where}: ${JSON.stringify(value)} is not an IPv4 address`);
    if (set.type === 'AAAA' && (!isIPv6(value) || value.includes('%')))
      throw invalid(provider, `${where}: ${JSON.stringify(value)} is not an IPv6 address`);
    if (set.type === 'TXT' && Buffer.byteLength(value, 'utf8') > MAX_TXT_VALUE_BYTES) {
      throw invalid(provider, `${where}: a TXT value longer than ${MAX_TXT_VALUE_BYTES} bytes`);
    }
  }
  const canonical = canonicalSet({ ...set, name });
  if (setWireBytes(canonical) > MAX_SET_WIRE_BYTES)
    throw invalid(provider, `${where}: the set takes more than ${MAX_SET_WIRE_BYTES} bytes on the wire`);
  return canonical;
}
