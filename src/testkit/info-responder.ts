/**
 * Info answers of a simulated node (§1.2, §2, §7.6): pure functions from an immutable view of the node to
 * reply bodies. Every complete request line is echoed, then TAB, the value and LF, in request order; an
 * unknown name gets `ERROR:4:unrecognized command`; an empty body gets the legacy summary.
 */
import { DEFAULT_SERVICE_PORT, formatHostPort, type HostPort } from '../net/endpoint.js';
import {
  formatPeers,
  formatReplicas,
  formatReplicasAll,
  formatReplicasMaster,
  formatServiceList,
  PARTITION_COUNT,
} from '../protocol/values/index.js';
import { decodeInfoRequest } from '../protocol/info-codec.js';
import type { NodeClusterView, PeerView } from './cluster-state.js';
import type { NamespaceSpec } from './partition-map.js';

export type SimEdition = 'community' | 'enterprise';

/** The features a CE 8.1.2 server lists (fixture three-nodes.json); `pscans` is what clients require. */
export const DEFAULT_FEATURES: readonly string[] = Object.freeze([
  'batch-any',
  'batch-index',
  'blob-bits',
  'cdt-index',
  'cdt-list',
  'cdt-map',
  'cluster-stable',
  'float',
  'geo',
  'sindex-exists',
  'peers',
  'pipelining',
  'pquery',
  'pscans',
  'query-show',
  'relaxed-sc',
  'replicas',
  'replicas-all',
  'replicas-master',
  'replicas-max',
  'truncate-namespace',
  'udf',
]);

/** Below 8.1.0.0, so C clients ≥ 7.1 do not send user-agent-set (it is answered anyway). */
export const DEFAULT_BUILD = '8.0.0.0';

/** Everything a node's info answers are computed from; replaced (never mutated) when something changes. */
export interface NodeInfoView {
  readonly nodeId: string;
  readonly build: string;
  readonly edition: SimEdition;
  readonly features: readonly string[];
  readonly namespaces: readonly NamespaceSpec[];
  readonly clusterName: string;
  readonly access: readonly HostPort[];
  readonly alternate: readonly HostPort[];
  readonly cluster: NodeClusterView;
  /** Date.now() when the node (last) started. */
  readonly startedAt: number;
  readonly clientConnections: number;
  /**
   * Answers that replace the computed ones, keyed by exact command text or by command name; `null` leaves
   * the command out of the reply (as old servers do with names they do not know).
   */
  readonly overrides?: ReadonlyMap<string, string | null>;
}

export const UNRECOGNIZED = 'ERROR:4:unrecognized command';
export const ENTERPRISE_ONLY = 'ERROR:25:enterprise only';
export const NOT_AUTHENTICATED_LINE = 'ERROR:80:not authenticated\n';

const editionName = (e: SimEdition): string =>
  e === 'community' ? 'Aerospike Community Edition' : 'Aerospike Enterprise Edition';

/** The command name: text before the first `:` or `/` (§1.1). */
export function commandName(command: string): string {
  const end = command.search(/[:/]/);
  return end < 0 ? command : command.slice(0, end);
}

function peersValue(view: NodeInfoView, pick: (p: PeerView) => readonly HostPort[]): string {
  const peers = view.cluster.peers
    .map((p) => ({ nodeId: p.nodeId, tlsName: '', hosts: pick(p) }))
    .filter((p) => p.hosts.length > 0);
  return formatPeers({ generation: view.cluster.peersGeneration, defaultPort: DEFAULT_SERVICE_PORT, peers });
}

/** Legacy `services`: first IPv4 address of each peer, `;`-separated. */
function legacyServices(hosts: readonly (readonly HostPort[])[]): string {
  return hosts
    .map((list) => list.find((h) => /^\d+\.\d+\.\d+\.\d+$/.test(h.host)))
    .filter((h): h is HostPort => h !== undefined)
    .map(formatHostPort)
    .join(';');
}

function statistics(view: NodeInfoView): string {
  const uptime = Math.max(0, Math.floor((Date.now() - view.startedAt) / 1000));
  return [
    `cluster_size=${view.cluster.members.length}`,
    `cluster_generation=${view.cluster.rebalanceGeneration}`,
    `cluster_principal=${view.cluster.members[view.cluster.members.length - 1] ?? view.nodeId}`,
    'cluster_integrity=true',
    'cluster_is_member=true',
    `uptime=${uptime}`,
    `client_connections=${view.clientConnections}`,
  ].join(';');
}

function namespaceValue(view: NodeInfoView, name: string): string {
  const ns = view.namespaces.find((n) => n.name === name);
  if (!ns) return 'ERROR:20:namespace not found';
  const effective = Math.min(ns.replicationFactor, view.cluster.members.length);
  return [
    `ns_cluster_size=${view.cluster.members.length}`,
    `effective_replication_factor=${effective}`,
    `replication-factor=${ns.replicationFactor}`,
    `strong-consistency=${(ns.regime ?? 0) !== 0}`,
  ].join(';');
}

type Handler = (view: NodeInfoView, command: string) => string;

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['node', (v) => v.nodeId],
  ['build', (v) => v.build],
  ['version', (v) => `${editionName(v.edition)} build ${v.build}`],
  ['edition', (v) => editionName(v.edition)],
  ['features', (v) => v.features.join(';')],
  ['status', () => 'ok'],
  ['cluster-name', (v) => v.clusterName],
  ['partition-generation', (v) => String(v.cluster.partitionGeneration)],
  ['peers-generation', (v) => String(v.cluster.peersGeneration)],
  ['rebalance-generation', (v) => String(v.cluster.rebalanceGeneration)],
  ['user-agent-set', () => 'ok'],
  ['service-clear-std', (v) => formatServiceList(v.access)],
  ['service-clear-alt', (v) => formatServiceList(v.alternate)],
  ['service-tls-std', (v) => (v.edition === 'community' ? ENTERPRISE_ONLY : '')],
  ['service-tls-alt', (v) => (v.edition === 'community' ? ENTERPRISE_ONLY : '')],
  ['service', (v) => legacyServices([v.access])],
  ['services', (v) => legacyServices(v.cluster.peers.map((p) => p.access))],
  ['services-alternate', (v) => legacyServices(v.cluster.peers.map((p) => p.alternate))],
  ['services-alumni', () => ''],
  ['peers-clear-std', (v) => peersValue(v, (p) => p.access)],
  ['peers-clear-alt', (v) => peersValue(v, (p) => p.alternate)],
  ['peers-tls-std', (v) => (v.edition === 'community' ? ENTERPRISE_ONLY : peersValue(v, () => []))],
  ['peers-tls-alt', (v) => (v.edition === 'community' ? ENTERPRISE_ONLY : peersValue(v, () => []))],
  ['replicas', (v) => formatReplicas(v.cluster.replicas)],
  ['replicas-all', (v) => formatReplicasAll(v.cluster.replicas)],
  ['replicas-master', (v) => formatReplicasMaster(v.cluster.replicas)],
  ['partitions', () => String(PARTITION_COUNT)],
  ['namespaces', (v) => v.namespaces.map((n) => n.name).join(';')],
  ['namespace', (v, c) => namespaceValue(v, c.slice('namespace/'.length))],
  ['rack-ids', (v) => v.namespaces.map((n) => `${n.name}:0`).join(';')],
  ['racks', (v) => v.namespaces.map((n) => `ns=${n.name}:rack_0=${v.cluster.members.join(',')}`).join(';')],
  ['statistics', (v) => statistics(v)],
]);

/** The value for one command line (without the echo). */
export function infoValue(view: NodeInfoView, command: string): string {
  const handler = HANDLERS.get(commandName(command));
  return handler ? handler(view, command) : UNRECOGNIZED;
}

const SUMMARY = [
  'features',
  'node',
  'edition',
  'build',
  'version',
  'services',
  'services-alumni',
  'partition-generation',
  'statistics',
];

function overridden(view: NodeInfoView, command: string): string | null | undefined {
  const overrides = view.overrides;
  if (!overrides || overrides.size === 0) return undefined;
  return overrides.has(command) ? overrides.get(command) : overrides.get(commandName(command));
}

/** Reply body for a request body; values never contain TAB or LF, so each line stays one line. */
export function answerInfoRequest(
  view: NodeInfoView,
  body: Buffer,
): { readonly commands: readonly string[]; readonly reply: Buffer } {
  const commands = body.length === 0 ? SUMMARY : decodeInfoRequest(body);
  const lines: string[] = [];
  for (const c of commands) {
    const special = overridden(view, c);
    if (special === null) continue;
    const value = special ?? infoValue(view, c);
    lines.push(`${c}\t${value.replace(/[\t\n]/g, ' ')}\n`);
  }
  return { commands: body.length === 0 ? [] : commands, reply: Buffer.from(lines.join(''), 'utf8') };
}
