/**
 * The lease as provider changes (docs/replicas.md). Fencing needs nothing new from the providers: an
 * `update` whose before and after are the same set is, in RFC 2136, the value-dependent prerequisite
 * "RRset exists (value dependent)" with no update (rfc2136/message.ts), and in Route 53 a DELETE of the
 * exact set followed by a CREATE of the same set (route53/simple.ts). Either fails the whole atomic change
 * when the lease text is no longer exactly what the holder wrote.
 */
import type { RecordChange, RecordSet } from '../records/types.js';
import { formatLease, leaseRecordName, type Lease } from './codec.js';

/** The lease TXT is read by replicas only, straight from the primary; a short TTL keeps caches honest. */
export const LEASE_TTL_SECONDS = 1;

export function leaseSet(recordName: string, lease: Lease, ttl = LEASE_TTL_SECONDS): RecordSet {
  return Object.freeze({
    name: leaseRecordName(recordName),
    type: 'TXT',
    ttl,
    values: Object.freeze([formatLease(lease)]),
  });
}

/** The compare-and-swap that takes, renews or releases the lease: create when none was read, else update. */
export function leaseWrite(
  recordName: string,
  expected: Lease | undefined,
  next: Lease,
  ttl = LEASE_TTL_SECONDS,
): RecordChange {
  const after = leaseSet(recordName, next, ttl);
  if (expected === undefined) return { kind: 'create', set: after };
  return { kind: 'update', before: leaseSet(recordName, expected, ttl), after };
}

/** The fencing token: added to every change batch the holder applies, it makes the batch conditional on `held`. */
export function fenceChange(recordName: string, held: Lease, ttl = LEASE_TTL_SECONDS): RecordChange {
  const set = leaseSet(recordName, held, ttl);
  return { kind: 'update', before: set, after: set };
}

/** `changes` fenced by `held` (the fence first, so a provider reports the lease conflict before any other). */
export function fenced(
  recordName: string,
  held: Lease,
  changes: readonly RecordChange[],
  ttl = LEASE_TTL_SECONDS,
): RecordChange[] {
  return [fenceChange(recordName, held, ttl), ...changes];
}
