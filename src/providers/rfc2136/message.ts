/**
 * The messages the RFC 2136 client sends: one UPDATE per batch (RFC 2136 §2), and plain queries.
 * For each set transition the UPDATE carries:
 *  - prerequisite "RRset does not exist" (class NONE, TTL 0, empty rdata) when the set must be absent, or
 *    "RRset exists (value dependent)": every RR of the expected set, class IN, TTL 0 (§2.4.2; the server
 *    compares the whole set, and ignores TTLs — a TTL change by someone else is not a conflict);
 *  - updates "delete an RRset" (class ANY, TTL 0, empty rdata) when the set existed, then "add" each RR of
 *    the new set with its TTL. A transition that changes nothing keeps its prerequisite and sends no update.
 */
import { sameSet } from '../../records/canonical.js';
import { CLASS, OPCODE, TYPE } from '../dns-wire/constants.js';
import { encodeRdata, RECORD_TYPE_CODE } from '../dns-wire/rdata.js';
import { encodeMessage, randomId, requestFlags, type WireRecordSpec } from '../dns-wire/writer.js';
import type { RecordSet, RecordType } from '../../records/types.js';
import type { SetTransition } from './batch.js';

/** Rdata of one value of `set` (a provider may substitute the exact bytes it read, e.g. TXT splitting). */
export type RdataOf = (set: RecordSet, value: string) => Buffer;

export const defaultRdataOf: RdataOf = (set, value) => encodeRdata(set.type, value);

export interface BuiltUpdate {
  readonly id: number;
  readonly message: Buffer;
  readonly prerequisites: number;
  readonly updates: number;
}

/** One UPDATE for all transitions, for `zone` (class IN). */
export function buildUpdate(
  zone: string,
  transitions: readonly SetTransition[],
  rdataOf: RdataOf = defaultRdataOf,
  id = randomId(),
): BuiltUpdate {
  const prerequisites: WireRecordSpec[] = [];
  const updates: WireRecordSpec[] = [];
  for (const t of transitions) {
    const type = RECORD_TYPE_CODE[t.type];
    if (t.expected === undefined) {
      prerequisites.push({ name: t.name, type, klass: CLASS.NONE, ttl: 0, rdata: Buffer.alloc(0) });
    } else {
      for (const v of t.expected.values)
        prerequisites.push({ name: t.name, type, klass: CLASS.IN, ttl: 0, rdata: rdataOf(t.expected, v) });
    }
    if (t.expected !== undefined && t.final !== undefined && sameSet(t.expected, t.final)) continue;
    if (t.expected !== undefined)
      updates.push({ name: t.name, type, klass: CLASS.ANY, ttl: 0, rdata: Buffer.alloc(0) });
    if (t.final !== undefined) {
      for (const v of t.final.values)
        updates.push({ name: t.name, type, klass: CLASS.IN, ttl: t.final.ttl, rdata: encodeRdata(t.type, v) });
    }
  }
  const message = encodeMessage({
    id,
    flags: requestFlags(OPCODE.UPDATE),
    questions: [{ name: zone, type: TYPE.SOA, klass: CLASS.IN }],
    answers: prerequisites,
    authorities: updates,
  });
  return { id, message, prerequisites: prerequisites.length, updates: updates.length };
}

/** A non-recursive query (RD off) for `name`/`type`, class IN. */
export function buildQuery(name: string, type: RecordType | 'SOA', id = randomId()): { id: number; message: Buffer } {
  const code = type === 'SOA' ? TYPE.SOA : RECORD_TYPE_CODE[type];
  return {
    id,
    message: encodeMessage({
      id,
      flags: requestFlags(OPCODE.QUERY),
      questions: [{ name, type: code, klass: CLASS.IN }],
    }),
  };
}
