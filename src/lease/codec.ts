/**
 * The lease's TXT text: `holder=<replica id> until=<unix ms> term=<n>`. The parser is strict (exact field
 * order, single spaces, no leading zeros, safe integers, bounded length) because two replicas must read the
 * same bytes as the same lease: the exact text is what every fenced write compares against.
 */
import { SeedkeeperError } from '../errors.js';
import { AGENT_ID_PATTERN, AGENT_ID_RULE } from '../sources/agent-id.js';

/** A replica's id follows the agent member id rule (1-64 of [A-Za-z0-9._-], starting alphanumeric). */
export const REPLICA_ID_PATTERN = AGENT_ID_PATTERN;
export const REPLICA_ID_RULE = AGENT_ID_RULE;

/** Longest lease text: `holder=` 64 + ` until=` 16 digits + ` term=` 16 digits is 116; a little slack. */
export const MAX_LEASE_TEXT = 128;

/** The TXT owner name of the lease for seed record `name`. */
export const LEASE_LABEL = '_seedkeeper-lease';
export function leaseRecordName(name: string): string {
  return `${LEASE_LABEL}.${name}`;
}

export interface Lease {
  /** Replica id of the holder (also kept after a release, for the log). */
  readonly holder: string;
  /** Unix ms after which the lease is over (0: given up). */
  readonly until: number;
  /** Leadership generation: +1 on every acquisition, kept by renewals. */
  readonly term: number;
}

export type LeaseProblem = 'not-text' | 'too-long' | 'fields' | 'holder' | 'until' | 'term';

/** Why a text (or a Lease) is not a lease; `problem` is stable, the message says what was seen. */
export class LeaseFormatError extends SeedkeeperError {
  readonly problem: LeaseProblem;
  constructor(problem: LeaseProblem, message: string) {
    super('ERR_LEASE_FORMAT', `lease: ${message}`, { labels: ['badPeer'] });
    this.problem = problem;
  }
}

const shown = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** Decimal digits only, no sign, no leading zero: one spelling per number. */
const DIGITS = /^(0|[1-9][0-9]{0,15})$/;

function parseCount(field: 'until' | 'term', text: string, min: number): number {
  const value = DIGITS.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new LeaseFormatError(
      field,
      `${field}=${shown(text)}: expected a whole number from ${min} to ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  return value;
}

function checkHolder(holder: unknown): string {
  if (typeof holder !== 'string' || !REPLICA_ID_PATTERN.test(holder)) {
    throw new LeaseFormatError(
      'holder',
      `holder=${typeof holder === 'string' ? shown(holder) : String(holder)}: ${REPLICA_ID_RULE}`,
    );
  }
  return holder;
}

/** The lease in `text`, or LeaseFormatError naming the first problem. */
export function parseLease(text: unknown): Lease {
  if (typeof text !== 'string') throw new LeaseFormatError('not-text', `expected text, got ${typeof text}`);
  if (text.length > MAX_LEASE_TEXT)
    throw new LeaseFormatError('too-long', `${text.length} characters, at most ${MAX_LEASE_TEXT}`);
  const match = /^holder=([^ ]*) until=([^ ]*) term=([^ ]*)$/.exec(text);
  if (match === null)
    throw new LeaseFormatError('fields', `${shown(text)}: expected "holder=<id> until=<unix ms> term=<n>"`);
  return Object.freeze({
    holder: checkHolder(match[1]),
    until: parseCount('until', match[2]!, 0),
    term: parseCount('term', match[3]!, 1),
  });
}

/** The TXT text of `lease` (checked: a lease we write must parse back to itself). */
export function formatLease(lease: Lease): string {
  checkHolder(lease.holder);
  for (const [field, value, min] of [
    ['until', lease.until, 0],
    ['term', lease.term, 1],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < min)
      throw new LeaseFormatError(
        field,
        `${field}=${String(value)}: expected a whole number from ${min} to ${Number.MAX_SAFE_INTEGER}`,
      );
  }
  return `holder=${lease.holder} until=${lease.until} term=${lease.term}`;
}

export function sameLease(a: Lease | undefined, b: Lease | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.holder === b.holder && a.until === b.until && a.term === b.term;
}
