/**
 * Pure cluster bookkeeping: from the members' descriptions (and the previous state) compute what each node
 * reports: its peers, its partition bitmaps and the three generations. Nodes group into clusters by cluster
 * name. Generations move the way a real server's do (fixture node-a3-stopped.json): peers-generation +1 on
 * each change of the node's peer list; partition-generation jumps by the number of partitions whose role
 * on this node changed (a real node counts migrations, so it moves by hundreds); rebalance-generation +1
 * per membership change. A node whose inputs did not change keeps the very same view object.
 */
import { formatHostPort, type HostPort } from '../net/endpoint.js';
import {
  changedPartitions,
  computeOwnership,
  replicasByNode,
  type NamespaceOwnership,
  type NamespaceSpec,
  type NodeReplicas,
  type Partitioner,
} from './partition-map.js';
import { BITMAP_BYTES } from '../protocol/values/index.js';

export interface MemberSpec {
  readonly nodeId: string;
  readonly clusterName: string;
  /** What `service-clear-std` says, and what the other nodes list for it in `peers-clear-std`. */
  readonly access: readonly HostPort[];
  /** What `service-clear-alt` / `peers-clear-alt` say. */
  readonly alternate: readonly HostPort[];
  /** Part of the cluster (running, or dead without the others noticing yet). */
  readonly member: boolean;
}

/** How one member appears in another's peers list. */
export type PeerView = Pick<MemberSpec, 'nodeId' | 'access' | 'alternate'>;

export interface NodeClusterView {
  readonly nodeId: string;
  readonly clusterName: string;
  /** Node ids of this node's cluster, itself included, sorted. */
  readonly members: readonly string[];
  /** Every other member, sorted by node id. */
  readonly peers: readonly PeerView[];
  readonly peersGeneration: number;
  readonly partitionGeneration: number;
  readonly rebalanceGeneration: number;
  readonly replicas: readonly NodeReplicas[];
  readonly ownership: readonly NamespaceOwnership[];
}

export interface ClusterState {
  readonly views: ReadonlyMap<string, NodeClusterView>;
}

const hostKey = (hosts: readonly HostPort[]): string => hosts.map(formatHostPort).join(',');
const peersKey = (peers: readonly PeerView[]): string =>
  peers.map((p) => `${p.nodeId}[${hostKey(p.access)}][${hostKey(p.alternate)}]`).join(';');

function emptyReplicas(ownership: readonly NamespaceOwnership[]): NodeReplicas[] {
  return ownership.map((o) => ({
    namespace: o.namespace,
    regime: o.regime,
    columns: Array.from({ length: Math.max(1, o.replicationFactor) }, () => Buffer.alloc(BITMAP_BYTES)),
  }));
}

interface Group {
  readonly ids: readonly string[];
  readonly key: string;
  readonly ownership: readonly NamespaceOwnership[];
  readonly replicas: ReadonlyMap<string, readonly NodeReplicas[]>;
}

function buildGroup(
  ids: readonly string[],
  namespaces: readonly NamespaceSpec[],
  reuse: NodeClusterView | undefined,
  partitioner: Partitioner | undefined,
): Group {
  const sorted = [...ids].sort();
  const key = sorted.join(',');
  const ownership =
    reuse && reuse.members.join(',') === key ? reuse.ownership : computeOwnership(sorted, namespaces, partitioner);
  const perNamespace = ownership.map((o) => replicasByNode(o));
  const replicas = new Map<string, readonly NodeReplicas[]>();
  for (const id of sorted) {
    replicas.set(
      id,
      ownership.map((o, i) => perNamespace[i]!.get(id) ?? emptyReplicas([o])[0]!),
    );
  }
  return { ids: sorted, key, ownership, replicas };
}

/**
 * The next state. `prev` may be undefined (first computation). A non-member keeps its generations and map
 * but loses its peers (nobody asks it; rejoining then bumps its generations), or gets a lone view when it
 * never had one.
 */
export function nextClusterState(
  prev: ClusterState | undefined,
  members: readonly MemberSpec[],
  namespaces: readonly NamespaceSpec[],
  partitioner?: Partitioner,
): ClusterState {
  const byName = new Map<string, MemberSpec[]>();
  for (const m of members) {
    if (!m.member) continue;
    const list = byName.get(m.clusterName) ?? [];
    list.push(m);
    byName.set(m.clusterName, list);
  }
  const groups = new Map<string, Group>();
  const groupOf = (m: MemberSpec): Group => {
    const ids = m.member ? byName.get(m.clusterName)!.map((x) => x.nodeId) : [m.nodeId];
    const cacheKey = m.member ? `member:${m.clusterName}` : `alone:${m.nodeId}`;
    let group = groups.get(cacheKey);
    if (!group) {
      group = buildGroup(ids, namespaces, prev?.views.get(m.nodeId), partitioner);
      groups.set(cacheKey, group);
    }
    return group;
  };
  const specs = new Map(members.map((m) => [m.nodeId, m]));

  const views = new Map<string, NodeClusterView>();
  let changed = prev === undefined || prev.views.size !== members.length;
  for (const m of members) {
    const before = prev?.views.get(m.nodeId);
    if (!m.member && before) {
      // Down: it keeps its generations and last map, but has no peers, so rejoining counts as a change.
      const down =
        before.peers.length === 0 && before.members.length === 1
          ? before
          : { ...before, peers: [], members: [m.nodeId] };
      if (down !== before) changed = true;
      views.set(m.nodeId, down);
      continue;
    }
    const group = groupOf(m);
    const peers: PeerView[] = group.ids
      .filter((id) => id !== m.nodeId)
      .map((id) => {
        const spec = specs.get(id)!;
        return { nodeId: id, access: spec.access, alternate: spec.alternate };
      });
    const membersKey = group.key;
    const peersChanged = !before || peersKey(before.peers) !== peersKey(peers);
    const membersChanged = !before || before.members.join(',') !== membersKey;
    let moved = 0;
    if (membersChanged) {
      group.ownership.forEach((o, i) => {
        moved += changedPartitions(before?.ownership[i], o, m.nodeId);
      });
    }
    if (before && !peersChanged && !membersChanged && before.clusterName === m.clusterName) {
      views.set(m.nodeId, before);
      continue;
    }
    changed = true;
    views.set(m.nodeId, {
      nodeId: m.nodeId,
      clusterName: m.clusterName,
      members: group.ids,
      peers,
      peersGeneration: before ? before.peersGeneration + (peersChanged ? 1 : 0) : 1,
      partitionGeneration: before ? before.partitionGeneration + moved : 1,
      rebalanceGeneration: before ? before.rebalanceGeneration + (membersChanged ? 1 : 0) : 1,
      replicas: group.replicas.get(m.nodeId)!,
      ownership: group.ownership,
    });
  }
  return !changed && prev ? prev : { views };
}
