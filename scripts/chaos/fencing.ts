/**
 * The invariant "no write by a replica that did not hold the lease is ever applied", judged from outside:
 * from BIND's own log of applied updates. Each replica signs with its own TSIG key (`chaos-<replica id>`), so
 * BIND names the signer of every update it applies (categories `update` and `update-security`). BIND applies
 * one zone's updates one at a time and logs each update's changes as consecutive lines, so replaying the log
 * in order gives the lease text at the moment of every apply: the value of the last lease TXT added. An
 * applied update that changed anything else in the zone (the seed record, the ownership marker) is a
 * violation unless its signer is the holder named by that lease text and the lease was not given up.
 * Pure: the caller reads the log file.
 */
import type { Violation } from './invariants.js';

export const REPLICA_KEY_PREFIX = 'chaos-';

/** The TSIG key name a replica signs with. */
export const replicaKeyName = (id: string): string => `${REPLICA_KEY_PREFIX}${id}`;

export interface AppliedUpdate {
  /** Unix ms of BIND's log line (NaN if the time did not parse). */
  readonly at: number;
  /** The TSIG key that signed it, or undefined for an unsigned client. */
  readonly signer: string | undefined;
  /** `adding`/`deleting` lines, each with the owner name (lower case, no trailing dot) and the rest. */
  readonly changes: readonly { readonly op: 'add' | 'delete'; readonly name: string; readonly data: string }[];
}

export interface FencingCheck {
  readonly updates: number;
  /** Applied updates that changed something other than the lease (each one judged). */
  readonly recordWrites: number;
  readonly leaseWrites: number;
  /** Updates refused because the lease was not the text they carried (countLeaseRefusals). */
  readonly leaseRefusals?: number;
  readonly violations: Violation[];
}

// 2026-12-05T09:11:54.113Z client @0x7fe4 127.0.0.1#44885/key chaos-r1: updating zone 'seed.test/IN': adding an RR at 'db.seed.test' A 127.0.0.150
const CLIENT = /^(\S+) client (@0x[0-9a-f]+ \S+?)(?:\/key (\S+))?: (.*)$/;
const CHANGE = /^updating zone '[^']*': (adding|deleting) (?:an RR|rrset) at '?([^' ]+)'? ?(.*)$/;

/**
 * Group BIND's "updating zone" lines into applied updates. An update's lines are consecutive lines of one
 * client; an "approved" line (update-security, logged for every request before it is applied) starts a new
 * one, so two requests in a row from one client object and port are not merged.
 */
export function parseUpdateLog(text: string): AppliedUpdate[] {
  type Open = { at: number; client: string; signer: string | undefined; changes: AppliedUpdate['changes'][number][] };
  const updates: Open[] = [];
  const approved = new Set<string>();
  for (const line of text.split('\n')) {
    const m = CLIENT.exec(line);
    if (!m) continue;
    const [, time, client, key, rest] = m;
    if (/ approved$/.test(rest!)) {
      approved.add(client!);
      continue;
    }
    const c = CHANGE.exec(rest!);
    if (!c) continue;
    const change = {
      op: c[1] === 'adding' ? ('add' as const) : ('delete' as const),
      name: c[2]!.replace(/\.$/, '').toLowerCase(),
      data: c[3] ?? '',
    };
    const last = updates.at(-1);
    if (last && last.client === client && last.signer === key && !approved.has(client)) last.changes.push(change);
    else updates.push({ at: Date.parse(time!), client: client!, signer: key, changes: [change] });
    approved.delete(client!);
  }
  return updates.map(({ at, signer, changes }) => ({ at, signer, changes }));
}

/**
 * Updates BIND refused because the lease prerequisite failed (`update unsuccessful: <lease>/TXT: 'RRset
 * exists (value dependent)' prerequisite not satisfied`): fenced writes of an ex-holder, and lease CAS races
 * lost. Shows the fencing case happened, not only that nothing slipped through.
 */
export function countLeaseRefusals(text: string, leaseName: string): number {
  const lease = leaseName.replace(/\.$/, '').toLowerCase();
  let n = 0;
  for (const line of text.split('\n')) {
    const m =
      / update unsuccessful: ([^/\s]+)\/TXT: 'RRset exists \(value dependent\)' prerequisite not satisfied/.exec(line);
    if (m && m[1]!.replace(/\.$/, '').toLowerCase() === lease) n++;
  }
  return n;
}

/** The holder named by a lease TXT as BIND logs it (`TXT "holder=r1 until=5 term=1"`), and whether it was given up. */
function leaseOf(data: string): { holder: string; released: boolean } | undefined {
  const m = /^TXT "holder=(\S+) until=(\d+) term=\d+"$/.exec(data);
  return m ? { holder: m[1]!, released: m[2] === '0' } : undefined;
}

/**
 * Replay `updates` in order and judge every record write against the lease in force when it was applied.
 * `leaseName` is the lease owner name (`_seedkeeper-lease.<record>`).
 */
export function checkFencing(updates: readonly AppliedUpdate[], leaseName: string): FencingCheck {
  const lease = leaseName.replace(/\.$/, '').toLowerCase();
  let current: { holder: string; released: boolean } | undefined;
  let recordWrites = 0;
  let leaseWrites = 0;
  const violations: Violation[] = [];
  for (const u of updates) {
    const record = u.changes.filter((c) => c.name !== lease);
    if (record.length > 0) {
      recordWrites++;
      const signer = u.signer?.replace(/\.$/, '');
      const expected = current && !current.released ? replicaKeyName(current.holder) : undefined;
      if (signer === undefined || signer !== expected) {
        violations.push({
          kind: 'non-holder-write',
          at: u.at,
          detail:
            `BIND applied ${record.length} change(s) to ${[...new Set(record.map((c) => c.name))].join(', ')} signed by ${signer ?? '(no key)'} ` +
            `while the lease was ${current ? `held by ${current.holder}${current.released ? ' (given up)' : ''}` : 'absent'}`,
        });
      }
    }
    const leaseChanges = u.changes.filter((c) => c.name === lease);
    if (leaseChanges.length === 0) continue;
    leaseWrites++;
    // A lease write deletes the old text and adds the new one; BIND does not log deleted values.
    const added = leaseChanges.filter((c) => c.op === 'add').at(-1);
    current = added ? leaseOf(added.data) : undefined;
  }
  return { updates: updates.length, recordWrites, leaseWrites, violations };
}
