/**
 * Immutable descriptions of what we know about the cluster. Updates are pure and return the same instance
 * when nothing changed, so the owner can skip diffing with an identity check; diffs become typed events.
 */
import { sameEndpoint, type HostPort } from '../net/endpoint.js';

export interface NodeDescription {
  /** Identity: the node id, never an address. */
  readonly nodeId: string;
  /** The node's own (advertised, translated) address that we talk to. */
  readonly address: HostPort;
  /** Other addresses the same node is known under (peer lists, seeds), without `address`. */
  readonly aliases: readonly HostPort[];
  /** Whether `address` answered from here. */
  readonly reachable: boolean;
  readonly clusterName: string | undefined;
  readonly build: string;
  /** TLS certificate name used for this node, if any. */
  readonly tlsName: string | undefined;
}

export interface ClusterDescription {
  readonly clusterName: string | undefined;
  /** Keyed by node id, in the order nodes were added. */
  readonly nodes: ReadonlyMap<string, NodeDescription>;
}

export const EMPTY_CLUSTER: ClusterDescription = Object.freeze({ clusterName: undefined, nodes: new Map() });

function sameAddresses(a: readonly HostPort[], b: readonly HostPort[]): boolean {
  return a.length === b.length && a.every((x, i) => sameEndpoint(x, b[i]!));
}

export function sameNode(a: NodeDescription, b: NodeDescription): boolean {
  return (
    a.nodeId === b.nodeId &&
    sameEndpoint(a.address, b.address) &&
    sameAddresses(a.aliases, b.aliases) &&
    a.reachable === b.reachable &&
    a.clusterName === b.clusterName &&
    a.build === b.build &&
    a.tlsName === b.tlsName
  );
}

/** Add or replace a node; returns `cluster` itself when the node is already described identically. */
export function withNode(cluster: ClusterDescription, node: NodeDescription): ClusterDescription {
  const existing = cluster.nodes.get(node.nodeId);
  if (existing && sameNode(existing, node)) return cluster;
  const nodes = new Map(cluster.nodes);
  nodes.set(node.nodeId, Object.freeze({ ...node, aliases: Object.freeze([...node.aliases]) }));
  return Object.freeze({ clusterName: cluster.clusterName ?? node.clusterName, nodes });
}

export function withoutNode(cluster: ClusterDescription, nodeId: string): ClusterDescription {
  if (!cluster.nodes.has(nodeId)) return cluster;
  const nodes = new Map(cluster.nodes);
  nodes.delete(nodeId);
  return Object.freeze({ clusterName: nodes.size === 0 ? undefined : cluster.clusterName, nodes });
}

/** Record another address for a node (ignored when it is the node's address or already known). */
export function withAlias(node: NodeDescription, alias: HostPort): NodeDescription {
  if (sameEndpoint(node.address, alias) || node.aliases.some((a) => sameEndpoint(a, alias))) return node;
  return { ...node, aliases: [...node.aliases, alias] };
}

export type ClusterChange =
  | { readonly type: 'nodeAdded'; readonly node: NodeDescription }
  | { readonly type: 'nodeRemoved'; readonly node: NodeDescription }
  | {
      readonly type: 'nodeAddressChanged';
      readonly nodeId: string;
      readonly previous: HostPort;
      readonly current: HostPort;
      readonly node: NodeDescription;
    };

/** What changed between two descriptions: removals first, then additions and address changes in node order. */
export function diffClusters(previous: ClusterDescription, next: ClusterDescription): ClusterChange[] {
  if (previous === next) return [];
  const changes: ClusterChange[] = [];
  for (const [id, node] of previous.nodes) {
    if (!next.nodes.has(id)) changes.push({ type: 'nodeRemoved', node });
  }
  for (const [id, node] of next.nodes) {
    const before = previous.nodes.get(id);
    if (!before) changes.push({ type: 'nodeAdded', node });
    else if (!sameEndpoint(before.address, node.address)) {
      changes.push({ type: 'nodeAddressChanged', nodeId: id, previous: before.address, current: node.address, node });
    }
  }
  return changes;
}
