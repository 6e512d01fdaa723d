/**
 * Retry bookkeeping for peers that a live node lists but that could not be validated (refused, silent, not
 * ready). Pure: every function returns a new table (or the same one when nothing changed). A peer is tried
 * again with exponential backoff until it joins the map or leaves every peer list; a peer whose listing
 * changes (new addresses or TLS name) is due at once, since the change may be the fix.
 */
import { formatHostPort } from '../net/endpoint.js';
import type { PeerEntry } from '../protocol/values/peers.js';
import { backoffDelay as delayAfter } from '../time/backoff.js';

export interface PeerRetry {
  /** What the peer was listed as when it last failed. */
  readonly signature: string;
  readonly failures: number;
  /** Clock time from which it may be tried again. */
  readonly dueAt: number;
}

export type PeerRetryTable = ReadonlyMap<string, PeerRetry>;

export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const EMPTY_RETRIES: PeerRetryTable = new Map();

export function peerSignature(entry: PeerEntry): string {
  return `${entry.tlsName}|${entry.hosts.map(formatHostPort).join(',')}`;
}

/** The pause after `failures` failures in a row (at least the first pause). No jitter: retries follow the table. */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  return delayAfter(Math.max(1, failures), { baseMs: policy.initialDelayMs, maxMs: policy.maxDelayMs, jitter: 'none' });
}

/** Whether `entry` should be validated now: never failed, listed differently since, or its backoff is over. */
export function isDue(table: PeerRetryTable, entry: PeerEntry, now: number): boolean {
  const retry = table.get(entry.nodeId);
  return !retry || retry.signature !== peerSignature(entry) || now >= retry.dueAt;
}

export function recordFailure(
  table: PeerRetryTable,
  entry: PeerEntry,
  now: number,
  policy: BackoffPolicy,
): PeerRetryTable {
  const signature = peerSignature(entry);
  const previous = table.get(entry.nodeId);
  const failures = previous && previous.signature === signature ? previous.failures + 1 : 1;
  const next = new Map(table);
  next.set(entry.nodeId, { signature, failures, dueAt: now + backoffDelay(failures, policy) });
  return next;
}

/** Keep only the peers for which `keep` holds (still listed and still missing from the map). */
export function retainPeers(table: PeerRetryTable, keep: (nodeId: string) => boolean): PeerRetryTable {
  let next: Map<string, PeerRetry> | undefined;
  for (const nodeId of table.keys()) {
    if (keep(nodeId)) continue;
    next ??= new Map(table);
    next.delete(nodeId);
  }
  return next ?? table;
}

/** Whether any recorded peer may be tried at `now`. */
export function anyDue(table: PeerRetryTable, now: number): boolean {
  for (const retry of table.values()) if (now >= retry.dueAt) return true;
  return false;
}
