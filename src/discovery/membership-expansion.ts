/**
 * Membership rules around peer expansion (step 3 of membership.ts): which listed peers are validated now,
 * what a validated or failed peer does to the map and to the retry table, and which oversized or partly
 * rejected peer lists are reported. Pure, like membership.ts.
 */
import type { PeerEntry, PeersReply } from '../protocol/values/peers.js';
import { withAlias, withNode, type ClusterDescription, type NodeDescription } from './description.js';
import type { ClusterEvent } from './events.js';
import {
  freshTendState,
  withTendState,
  type MembershipSettings,
  type MembershipState,
  type PeerSource,
} from './membership.js';
import { recordFailure, retainPeers } from './peer-retry.js';
import type { Translator } from './translate.js';

// PeerSource lives in membership.ts (which needs it too) so that the two modules import one way only.
export type { PeerSource } from './membership.js';

/** A node listed more peers than `maxPeersPerNode`; only `accepted` of them were considered. */
export interface OversizedPeerList {
  readonly reporter: string;
  readonly listed: number;
  readonly accepted: number;
}

/** A node's peer list had entries we skipped (bad port, bad address...); the rest were used. */
export interface RejectedEntries {
  readonly reporter: string;
  readonly count: number;
  /** A few of them, described: `node A1: port 0 ...`. */
  readonly examples: readonly string[];
}

/**
 * The peers of one list we act on: all of them up to `cap`, else a stable subset (lowest node ids first, so
 * the same peers are chosen whatever order or generation the list comes in).
 */
export function acceptedPeers(list: PeersReply, cap: number): readonly PeerEntry[] {
  if (list.peers.length <= cap) return list.peers;
  return [...list.peers].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0)).slice(0, cap);
}

/** A node that joined: its description and what its validation read. */
export interface JoinedNode {
  readonly node: NodeDescription;
  readonly peers: PeersReply;
  readonly partitionGeneration: number;
}

export interface PeerSelection {
  /** Listed peers to validate now, each with the node that listed it first. */
  readonly wanted: ReadonlyMap<string, { readonly reporter: string; readonly entry: PeerEntry }>;
  readonly oversized: readonly OversizedPeerList[];
  readonly rejected: readonly RejectedEntries[];
}

/**
 * From one round of lists, the peers to validate: not known, not failed this expansion, with at least one
 * usable address, due (not backing off), at most `limit` nodes in all. Entries the parser rejected are
 * already out of the lists (the rest of the list is used) and are reported; only `maxPeersPerNode` entries
 * per list are considered.
 */
export function selectPeers(
  frontier: readonly PeerSource[],
  known: ReadonlySet<string>,
  failed: ReadonlySet<string>,
  options: { readonly cap: number; readonly limit: number; readonly skip?: (entry: PeerEntry) => boolean },
): PeerSelection {
  const wanted = new Map<string, { reporter: string; entry: PeerEntry }>();
  const oversized: OversizedPeerList[] = [];
  const rejected: RejectedEntries[] = [];
  for (const source of frontier) {
    if (source.peers.rejectedCount) {
      const examples = (source.peers.rejected ?? [])
        .slice(0, 3)
        .map((r) => `${r.dropped === 'host' ? 'an address of ' : ''}node ${r.nodeId}: ${r.reason}`);
      rejected.push({ reporter: source.nodeId, count: source.peers.rejectedCount, examples });
    }
    if (source.peers.peers.length > options.cap)
      oversized.push({ reporter: source.nodeId, listed: source.peers.peers.length, accepted: options.cap });
    for (const entry of acceptedPeers(source.peers, options.cap)) {
      if (known.has(entry.nodeId) || failed.has(entry.nodeId) || wanted.has(entry.nodeId) || entry.hosts.length === 0)
        continue;
      if (options.skip?.(entry)) continue;
      if (known.size + wanted.size >= options.limit) break;
      wanted.set(entry.nodeId, { reporter: source.nodeId, entry });
    }
  }
  return { wanted, oversized, rejected };
}

/** The seed node becomes part of the map. */
export function adoptNode(state: MembershipState, joined: JoinedNode): MembershipState {
  const next = { ...state, description: withNode(state.description, joined.node) };
  return withTendState(next, joined.node.nodeId, freshTendState(joined.peers, joined.partitionGeneration));
}

export interface ExpansionOutcome {
  readonly joined: readonly JoinedNode[];
  /** Listed entries that could not be validated this time. */
  readonly failed: readonly PeerEntry[];
  /** Every list the expansion looked at: the starting ones and the joined nodes'. */
  readonly sources: readonly PeerSource[];
  /** Lists whose other addresses become aliases of known nodes. */
  readonly aliasLists: readonly PeersReply[];
  readonly oversized: readonly OversizedPeerList[];
  readonly rejected: readonly RejectedEntries[];
}

/**
 * Step 3. Joined peers enter the map; a failed peer gets (or extends) its backoff; peers that joined or that
 * no list names any more leave the retry table; oversized and partly rejected lists are reported once per
 * node and size; other listed addresses of known nodes become aliases.
 */
export function applyExpansion(
  state: MembershipState,
  outcome: ExpansionOutcome,
  settings: MembershipSettings,
  now: number,
): { readonly state: MembershipState; readonly events: readonly ClusterEvent[] } {
  let next = state;
  for (const joined of outcome.joined) next = adoptNode(next, joined);
  const description = next.description;
  let retries = next.retries;
  for (const entry of outcome.failed) retries = recordFailure(retries, entry, now, settings.retryPolicy);
  const listed = new Set<string>();
  for (const source of outcome.sources)
    for (const entry of acceptedPeers(source.peers, settings.maxPeersPerNode)) listed.add(entry.nodeId);
  retries = retainPeers(retries, (id) => listed.has(id) && !description.nodes.has(id));
  const events: ClusterEvent[] = [];
  const reported = new Set(next.reported);
  for (const { reporter, listed: count, accepted } of outcome.oversized) {
    const key = `${reporter}|${count}`;
    if (reported.has(key)) continue;
    reported.add(key);
    events.push({ type: 'peerListTruncated', payload: { nodeId: reporter, listed: count, accepted } });
  }
  for (const { reporter, count, examples } of outcome.rejected) {
    const key = `${reporter}|rejected|${count}`;
    if (reported.has(key)) continue;
    reported.add(key);
    events.push({ type: 'peerEntriesRejected', payload: { nodeId: reporter, count, examples } });
  }
  const aliased = applyPeerAliases(description, outcome.aliasLists, settings.translate);
  return { state: { ...next, description: aliased, retries, reported }, events };
}

/** Other addresses that peer lists give for known nodes become those nodes' aliases. */
export function applyPeerAliases(
  cluster: ClusterDescription,
  lists: readonly PeersReply[],
  translate: Translator,
): ClusterDescription {
  let next = cluster;
  for (const list of lists) {
    for (const entry of list.peers) {
      const node = next.nodes.get(entry.nodeId);
      if (!node) continue;
      const updated = entry.hosts.map(translate).reduce(withAlias, node);
      if (updated !== node) next = withNode(next, updated);
    }
  }
  return next;
}
