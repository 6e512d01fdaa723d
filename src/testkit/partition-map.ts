/**
 * Pure partition ownership for a simulated cluster. Each partition ranks the live nodes by a deterministic
 * score (rendezvous hashing) and takes the first RF of them: column 0 is the master, then the proles. So
 * every partition has exactly one master and distinct replicas, and removing a node changes only the
 * partitions that node held (the others keep their exact replica lists).
 */
import { BITMAP_BYTES, PARTITION_COUNT, setPartition, type NamespaceReplicas } from '../protocol/values/index.js';
import { InvalidArgumentError } from '../errors.js';

export interface NamespaceSpec {
  readonly name: string;
  /** Replication factor asked for; the effective one is capped by the number of nodes. */
  readonly replicationFactor: number;
  /** 0 for AP namespaces, non-zero for strong consistency. Default 0. */
  readonly regime?: number;
}

export interface NamespaceOwnership {
  readonly namespace: string;
  readonly regime: number;
  /** Effective replication factor: min(requested, nodes). */
  readonly replicationFactor: number;
  /** owners[p] = node ids holding partition p, master first. */
  readonly owners: readonly (readonly string[])[];
}

/** One node's replicas value for one namespace: one 512-byte bitmap per column (master first). */
export type NodeReplicas = NamespaceReplicas;

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Murmur3 finaliser: spreads nearby inputs over the whole 32-bit range. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Ownership of every partition of one namespace among `nodeIds` (order of nodeIds does not matter). */
export function computeNamespaceOwnership(nodeIds: readonly string[], spec: NamespaceSpec): NamespaceOwnership {
  if (!Number.isInteger(spec.replicationFactor) || spec.replicationFactor < 1) {
    throw new InvalidArgumentError(
      'spec.replicationFactor',
      `namespace ${spec.name}: replication factor ${spec.replicationFactor} must be a positive integer`,
    );
  }
  const ids = [...new Set(nodeIds)].sort();
  const rf = Math.min(spec.replicationFactor, ids.length);
  const seeds = ids.map((id) => fnv1a(`${spec.name}/${id}`));
  const owners: string[][] = [];
  for (let p = 0; p < PARTITION_COUNT; p++) {
    const salt = Math.imul(p + 1, 0x9e3779b1);
    // Keep the rf best (highest score; ties by id order, which is stable since ids are sorted).
    const best: { score: number; index: number }[] = [];
    for (let i = 0; i < ids.length; i++) {
      const score = mix(seeds[i]! ^ salt);
      if (best.length === rf && score <= best[rf - 1]!.score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < score) at--;
      best.splice(at, 0, { score, index: i });
      if (best.length > rf) best.pop();
    }
    owners.push(best.map((b) => ids[b.index]!));
  }
  return { namespace: spec.name, regime: spec.regime ?? 0, replicationFactor: rf, owners };
}

/** Decides partition ownership for a set of live node ids; the default is computeNamespaceOwnership. */
export type Partitioner = (nodeIds: readonly string[], spec: NamespaceSpec) => NamespaceOwnership;

/** Check what a custom partitioner returned: 4096 partitions, replicas on distinct members. */
export function checkOwnership(nodeIds: readonly string[], o: NamespaceOwnership): NamespaceOwnership {
  if (o.owners.length !== PARTITION_COUNT)
    throw new InvalidArgumentError(
      'owners',
      `namespace ${o.namespace}: ownership must cover ${PARTITION_COUNT} partitions`,
    );
  const members = new Set(nodeIds);
  o.owners.forEach((owners, p) => {
    if (
      owners.length > Math.max(1, o.replicationFactor) ||
      new Set(owners).size !== owners.length ||
      owners.some((id) => !members.has(id))
    ) {
      throw new InvalidArgumentError(
        `owners[${p}]`,
        `namespace ${o.namespace}: partition ${p} owners ${owners.join(',')} are not distinct members within the replication factor`,
      );
    }
  });
  return o;
}

export function computeOwnership(
  nodeIds: readonly string[],
  namespaces: readonly NamespaceSpec[],
  partitioner?: Partitioner,
): readonly NamespaceOwnership[] {
  return namespaces.map((ns) =>
    partitioner ? checkOwnership(nodeIds, partitioner(nodeIds, ns)) : computeNamespaceOwnership(nodeIds, ns),
  );
}

/**
 * Every node's bitmaps for one namespace, in one pass. A namespace with no nodes gives nothing.
 * Columns follow the effective replication factor, as the server reports them.
 */
export function replicasByNode(ownership: NamespaceOwnership): ReadonlyMap<string, NodeReplicas> {
  const columns = new Map<string, Buffer[]>();
  const columnsOf = (id: string): Buffer[] => {
    let cols = columns.get(id);
    if (!cols) {
      cols = Array.from({ length: ownership.replicationFactor }, () => Buffer.alloc(BITMAP_BYTES));
      columns.set(id, cols);
    }
    return cols;
  };
  ownership.owners.forEach((replicas, p) => {
    replicas.forEach((id, column) => setPartition(columnsOf(id)[column]!, p));
  });
  const out = new Map<string, NodeReplicas>();
  for (const [id, cols] of columns)
    out.set(id, { namespace: ownership.namespace, regime: ownership.regime, columns: cols });
  return out;
}

/** How many partitions changed role for `nodeId` between two ownerships of the same namespace. */
export function changedPartitions(
  before: NamespaceOwnership | undefined,
  after: NamespaceOwnership,
  nodeId: string,
): number {
  let changed = 0;
  for (let p = 0; p < PARTITION_COUNT; p++) {
    const was = before ? before.owners[p]!.indexOf(nodeId) : -1;
    const is = after.owners[p]!.indexOf(nodeId);
    if (was !== is) changed++;
  }
  return changed;
}
