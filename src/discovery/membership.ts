/**
 * Discovery membership as pure functions, in the style of the SDAM update functions: each step takes the
 * membership state plus what the network answered and returns the next state, the nodes removed (and why),
 * what must be asked of the network next, and the events to publish. No I/O and no clock: time comes in as a
 * number. The Cluster (cluster.ts) runs the steps in order around its I/O:
 *   1. applyTendResults  — after every node's refresh: failures, removals, whose peer list must be read.
 *   2. applyPeerLists    — after reading those lists: not-listed removals, nodes to re-validate elsewhere.
 *      relocateNode      — a re-validated node moves to its new address (same node id).
 *   3. applyExpansion    — after validating listed peers (membership-expansion.ts): joins, retries, aliases.
 * test/discovery/spec/*.json drives every rule here.
 */
import { sameEndpoint, type HostPort } from '../net/endpoint.js';
import type { PeersReply } from '../protocol/values/peers.js';
import { withNode, withoutNode, type ClusterDescription, type NodeDescription } from './description.js';
import type { ClusterEvent, NodeRemovalReason } from './events.js';
import { anyDue, isDue, type BackoffPolicy, type PeerRetryTable } from './peer-retry.js';
import type { Translator } from './translate.js';

/** One node's peer list, as the expansion reads it. */
export interface PeerSource {
  readonly nodeId: string;
  readonly peers: PeersReply;
}

/** What the tend loop remembers about one node between cycles (its connection lives in the Cluster). */
export interface TendState {
  /** Failed refreshes in a row. */
  readonly failures: number;
  /** Generation of the peer list last read from the node. */
  readonly peersGeneration: number | undefined;
  readonly partitionGeneration: number | undefined;
  /** The node's last peer list, reused while its peers-generation stays the same. */
  readonly peers: PeersReply | undefined;
}

export interface MembershipState {
  readonly description: ClusterDescription;
  readonly tend: ReadonlyMap<string, TendState>;
  /** Listed peers missing from the map, with their backoff (retried until they join or stop being listed). */
  readonly retries: PeerRetryTable;
  /** Oversized or partly rejected peer lists already reported (`node|...` keys), so each is reported once. */
  readonly reported: ReadonlySet<string>;
}

export interface MembershipSettings {
  /** Failed tends in a row after which a node is dropped when no node answers at all. */
  readonly maxFailures: number;
  readonly maxPeersPerNode: number;
  readonly retryPolicy: BackoffPolicy;
  readonly translate: Translator;
}

/** One node's refresh, as the membership rules see it. */
export type TendResult =
  | {
      readonly kind: 'ok';
      readonly peersGeneration: number;
      readonly partitionGeneration: number;
      /** Set when the refresh had to reconnect and so read the build again. */
      readonly build?: string;
    }
  | { readonly kind: 'failed' }
  | { readonly kind: 'node-id-changed' }
  | { readonly kind: 'cluster-name-changed' };

export type Removals = ReadonlyMap<string, NodeRemovalReason>;

export const NEW_TEND_STATE: TendState = Object.freeze({
  failures: 0,
  peersGeneration: undefined,
  partitionGeneration: undefined,
  peers: undefined,
});

/** A node just validated (seed, peer, new address): no failures, its list as read. */
export function freshTendState(peers: PeersReply, partitionGeneration: number): TendState {
  return { failures: 0, peersGeneration: peers.generation, partitionGeneration, peers };
}

export function withTendState(state: MembershipState, nodeId: string, tend: TendState): MembershipState {
  const next = new Map(state.tend);
  next.set(nodeId, tend);
  return { ...state, tend: next };
}

export interface TendStep {
  readonly state: MembershipState;
  readonly removals: Removals;
  /** Nodes that answered. */
  readonly healthy: readonly string[];
  /**
   * Undefined when peer lists need no look this cycle. Otherwise the nodes whose list must be read again and
   * the unchanged lists to reuse (a large list costs the node and us).
   */
  readonly peers: { readonly read: readonly string[]; readonly cached: readonly PeerSource[] } | undefined;
  readonly events: readonly ClusterEvent[];
}

/**
 * Step 1. A node that answered resets its failures; one that failed counts one more; one that changed node id
 * or cluster is removed at once. Peer lists are looked at when any list changed, any node failed or came back,
 * or a missed peer's retry is due. When no node answered, nodes failing `maxFailures` times are dropped.
 */
export function applyTendResults(
  state: MembershipState,
  results: ReadonlyMap<string, TendResult>,
  settings: MembershipSettings,
  now: number,
): TendStep {
  let description = state.description;
  const tend = new Map(state.tend);
  const removals = new Map<string, NodeRemovalReason>();
  const events: ClusterEvent[] = [];
  const healthy: string[] = [];
  const read: string[] = [];
  const cached: PeerSource[] = [];
  let peersChanged = false;
  for (const [nodeId, result] of results) {
    const node = description.nodes.get(nodeId);
    if (!node) continue;
    const before = tend.get(nodeId) ?? NEW_TEND_STATE;
    if (result.kind === 'ok') {
      peersChanged ||= before.failures !== 0 || result.peersGeneration !== before.peersGeneration;
      if (before.failures > 0) events.push({ type: 'nodeReachable', payload: { nodeId, failures: before.failures } });
      if (result.build !== undefined && result.build !== node.build) {
        description = withNode(description, { ...node, build: result.build });
        events.push({ type: 'nodeBuildChanged', payload: { nodeId, previous: node.build, current: result.build } });
      }
      tend.set(nodeId, { ...before, failures: 0, partitionGeneration: result.partitionGeneration });
      healthy.push(nodeId);
      if (before.peers && before.peers.generation === result.peersGeneration)
        cached.push({ nodeId, peers: before.peers });
      else read.push(nodeId);
      continue;
    }
    tend.set(nodeId, { ...before, failures: before.failures + 1 });
    peersChanged = true;
    if (result.kind === 'failed') {
      if (before.failures === 0) events.push({ type: 'nodeUnreachable', payload: { nodeId, address: node.address } });
    } else {
      description = withoutNode(description, nodeId);
      removals.set(nodeId, result.kind);
    }
  }
  if (healthy.length === 0) {
    for (const node of description.nodes.values()) {
      if ((tend.get(node.nodeId)?.failures ?? 0) >= settings.maxFailures) {
        description = withoutNode(description, node.nodeId);
        removals.set(node.nodeId, 'unreachable');
      }
    }
  }
  // A listed peer that is still missing is retried when its backoff is over, even if no list changed.
  const look = healthy.length > 0 && (peersChanged || anyDue(state.retries, now));
  return {
    state: { ...state, description, tend },
    removals,
    healthy,
    peers: look ? { read, cached } : undefined,
    events,
  };
}

/** A node failing its refresh that peer lists now give under other addresses: validate it there. */
export interface Relocation {
  readonly node: NodeDescription;
  readonly listed: readonly HostPort[];
}

export interface PeerListStep {
  readonly state: MembershipState;
  readonly removals: Removals;
  readonly relocate: readonly Relocation[];
  /** Node ids the expansion must not validate again (present, or removed this cycle). */
  readonly known: ReadonlySet<string>;
  /** Every list looked at (reused, then read), where the expansion starts. */
  readonly sources: readonly PeerSource[];
}

/**
 * Step 2. With the lists of the nodes that answered (read again, or reused): a healthy node that no other
 * node lists, and that lists none of ours, has left this cluster; a failing node nobody lists is removed; a
 * failing node listed under other addresses is to be re-validated there.
 */
export function applyPeerLists(
  state: MembershipState,
  removals: Removals,
  lists: { readonly read: readonly PeerSource[]; readonly cached: readonly PeerSource[] },
  settings: Pick<MembershipSettings, 'translate'>,
): PeerListStep {
  const cluster = state.description;
  const sources = [...lists.cached, ...lists.read];
  const tendStates = new Map(state.tend);
  for (const { nodeId, peers } of lists.read) {
    const before = tendStates.get(nodeId) ?? NEW_TEND_STATE;
    tendStates.set(nodeId, { ...before, peersGeneration: peers.generation, peers });
  }
  let description = cluster;
  const removed = new Map(removals);
  const relocate: Relocation[] = [];
  const listedBy = new Map<string, HostPort[]>();
  for (const source of sources) {
    for (const entry of source.peers.peers)
      listedBy.set(entry.nodeId, [...(listedBy.get(entry.nodeId) ?? []), ...entry.hosts.map(settings.translate)]);
  }
  for (const node of cluster.nodes.values()) {
    const tend = tendStates.get(node.nodeId);
    if (!tend || sources.length === 0) continue;
    const listed = listedBy.get(node.nodeId);
    if (tend.failures === 0) {
      const own = sources.find((s) => s.nodeId === node.nodeId);
      const listsOurs = own?.peers.peers.some((p) => cluster.nodes.has(p.nodeId)) ?? true;
      if (!listed && sources.length > 1 && !listsOurs) {
        description = withoutNode(description, node.nodeId);
        removed.set(node.nodeId, 'not-listed');
      }
      continue;
    }
    if (!listed) {
      description = withoutNode(description, node.nodeId);
      removed.set(node.nodeId, 'not-listed');
    } else if (!listed.some((a) => sameEndpoint(a, node.address))) {
      relocate.push({ node, listed });
    }
  }
  const known = new Set(description.nodes.keys());
  for (const id of removed.keys()) known.add(id);
  return { state: { ...state, description, tend: tendStates }, removals: removed, relocate, known, sources };
}

/** A relocated node answered at `address`: it moves there (the old aliases minus the new address). */
export function relocateNode(
  state: MembershipState,
  node: NodeDescription,
  address: HostPort,
  peers: PeersReply,
  partitionGeneration: number,
): MembershipState {
  const moved = withNode(state.description, {
    ...node,
    address,
    aliases: node.aliases.filter((a) => !sameEndpoint(a, address)),
    reachable: true,
  });
  return withTendState({ ...state, description: moved }, node.nodeId, freshTendState(peers, partitionGeneration));
}

/** Skip listed peers whose retry is not due yet (they failed recently and are listed the same way). */
export function notDue(retries: PeerRetryTable, now: number): (entry: Parameters<typeof isDue>[1]) => boolean {
  return (entry) => !isDue(retries, entry, now);
}

/** Forget the tend state and reports of nodes no longer in the description. */
export function forgetRemoved(state: MembershipState): MembershipState {
  const gone = [...state.tend.keys()].filter((id) => !state.description.nodes.has(id));
  if (gone.length === 0) return state;
  const tend = new Map(state.tend);
  const reported = new Set(state.reported);
  for (const id of gone) {
    tend.delete(id);
    for (const key of reported) if (key.startsWith(`${id}|`)) reported.delete(key);
  }
  return { ...state, tend, reported };
}
