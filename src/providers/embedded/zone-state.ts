/**
 * The persisted form of an embedded zone (what a restarted server serves from its first packet): a versioned
 * JSON document holding the zone, its serial and its A/AAAA/TXT sets. Pure functions: `encodeZoneState` for a
 * snapshot, `decodeZoneState` for untrusted bytes (bounded, shape-checked; the sets are validated again when
 * the zone store is built from them).
 */
import { z } from 'zod';
import { SeedkeeperError } from '../../errors.js';
import type { RecordSet } from '../../records/types.js';
import type { ZoneSnapshot } from './zone-store.js';

export const ZONE_STATE_FORMAT = 'seedkeeper-embedded-zone/v1';
/** A state file larger than this is not read (a zone of 400-value records is far smaller). */
export const MAX_ZONE_STATE_BYTES = 16 * 1024 * 1024;

export interface ZoneState {
  readonly zone: string;
  readonly serial: number;
  readonly sets: readonly RecordSet[];
}

/** A state file that cannot be used; `code` is stable, the message never quotes the file's contents. */
export class ZoneStateError extends SeedkeeperError {
  constructor(
    code: 'ERR_ZONE_STATE_CORRUPT' | 'ERR_ZONE_STATE_ZONE' | 'ERR_ZONE_STATE_IO',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

const setSchema = z
  .object({
    name: z.string().min(1).max(255),
    type: z.enum(['A', 'AAAA', 'TXT']),
    ttl: z.number().int().min(0),
    values: z.array(z.string().max(65_535)).min(1).max(4096),
  })
  .strict();

const stateSchema = z
  .object({
    format: z.literal(ZONE_STATE_FORMAT),
    zone: z.string().min(1).max(255),
    serial: z.number().int().min(0).max(0xffffffff),
    savedAt: z.string().max(64).optional(),
    sets: z.array(setSchema).max(100_000),
  })
  .strict();

export function encodeZoneState(snapshot: ZoneSnapshot, savedAt: Date): string {
  const sets = [...snapshot.sets.values()].map((s) => ({
    name: s.name,
    type: s.type,
    ttl: s.ttl,
    values: [...s.values],
  }));
  return `${JSON.stringify({ format: ZONE_STATE_FORMAT, zone: snapshot.zone, serial: snapshot.soa.serial, savedAt: savedAt.toISOString(), sets })}\n`;
}

/** Parses a state file's bytes for `zone`; throws ZoneStateError (no part of the input in the message). */
export function decodeZoneState(bytes: Buffer, zone: string): ZoneState {
  if (bytes.length > MAX_ZONE_STATE_BYTES)
    throw new ZoneStateError('ERR_ZONE_STATE_CORRUPT', `larger than ${MAX_ZONE_STATE_BYTES} bytes`);
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ZoneStateError('ERR_ZONE_STATE_CORRUPT', 'not valid JSON');
  }
  const parsed = stateSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ZoneStateError(
      'ERR_ZONE_STATE_CORRUPT',
      `not a ${ZONE_STATE_FORMAT} document (at ${issue.path.join('.') || 'top level'}: ${issue.code})`,
    );
  }
  if (parsed.data.zone !== zone)
    throw new ZoneStateError(
      'ERR_ZONE_STATE_ZONE',
      `holds zone ${JSON.stringify(parsed.data.zone.slice(0, 64))}, not ${zone}`,
    );
  return { zone, serial: parsed.data.serial, sets: parsed.data.sets };
}
