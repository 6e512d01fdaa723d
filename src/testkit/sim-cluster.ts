/**
 * A simulated Aerospike cluster on loopback: N SimNodes that answer the info, admin and data protocol well
 * enough for the official clients, kept consistent the way §7.6 asks (every node lists every other live node;
 * each partition has one master per namespace; generations move on every change). The cluster recomputes
 * lazily: switches mark it dirty and the next question (or reply) brings every view up to date at once.
 */
import { formatHostPort, type HostPort } from '../net/endpoint.js';
import { formatNodeId, isNodeId } from '../protocol/values/index.js';
import { nextClusterState, type ClusterState, type MemberSpec, type NodeClusterView } from './cluster-state.js';
import { DEFAULT_BUILD, DEFAULT_FEATURES, type SimEdition } from './info-responder.js';
import type { NamespaceSpec, Partitioner } from './partition-map.js';
import { SimAuth } from './sim-auth.js';
import { SimNode, type SimNodeDescription, type SimNodeHost } from './sim-node.js';
import { InternalError, InvalidArgumentError } from '../errors.js';

export interface SimNodeOptions {
  readonly id?: string;
  /** Port of the first listener (overrides basePort + i); 0 = any free port. */
  readonly port?: number;
  /** Every listener of the node (overrides port); port 0 = any free port. */
  readonly listen?: readonly HostPort[];
  /** Extra listeners on the cluster host with free ports, e.g. to reach one node under two addresses. */
  readonly extraListeners?: number;
  /** service-clear-std (and what peers list); default: the node's listener addresses. */
  readonly access?: readonly HostPort[];
  /** service-clear-alt; default none. */
  readonly alternate?: readonly HostPort[];
  readonly clusterName?: string;
  /** Start listening right away (default true). */
  readonly start?: boolean;
}

export interface SimClusterAuth {
  readonly user: string;
  readonly password: string;
  readonly sessionTtlSeconds?: number;
}

export interface SimClusterOptions {
  /** Number of nodes (default 3). */
  readonly nodes?: number;
  /** Listen host of every node (default 127.0.0.1). */
  readonly host?: string;
  /** Node i listens on basePort + i; 0 (default) = free ports. */
  readonly basePort?: number;
  /** Node ids by index; default `BB9010011AC4202`, `BB9020011AC4202`, ... */
  readonly nodeIds?: readonly string[];
  /** Per-node settings by index. */
  readonly nodeOptions?: readonly (SimNodeOptions | undefined)[];
  readonly clusterName?: string;
  /** Default one AP namespace `test` with replication factor 2. */
  readonly namespaces?: readonly NamespaceSpec[];
  /** Turn security on: LOGIN/AUTHENTICATE required before info or data. */
  readonly auth?: SimClusterAuth;
  readonly build?: string;
  readonly edition?: SimEdition;
  readonly features?: readonly string[];
  /** Entries kept per node in the request log (default 1000). */
  readonly requestLogSize?: number;
  /** Custom partition ownership (default: deterministic rendezvous hashing, see partition-map.ts). */
  readonly partitioner?: Partitioner;
}

export interface SimClusterDefaults {
  readonly nodes: number;
  readonly host: string;
  readonly basePort: number;
  readonly clusterName: string;
  readonly namespaces: readonly NamespaceSpec[];
  readonly build: string;
  readonly edition: SimEdition;
}

export const DEFAULT_SIM_CLUSTER: SimClusterDefaults = Object.freeze({
  nodes: 3,
  host: '127.0.0.1',
  basePort: 0,
  clusterName: 'sim',
  namespaces: Object.freeze([Object.freeze({ name: 'test', replicationFactor: 2 })]),
  build: DEFAULT_BUILD,
  edition: 'community',
});

const NODE_ID_BASE = 0xbb9000011ac4202n;

/** The i-th default node id (0-based): BB9010011AC4202, BB9020011AC4202, ... as in §7.4. */
export function defaultNodeId(index: number): string {
  return formatNodeId(NODE_ID_BASE + (BigInt(index + 1) << 40n));
}

export interface SimCluster {
  readonly nodes: readonly SimNode[];
  readonly clusterName: string;
  readonly namespaces: readonly NamespaceSpec[];
  readonly auth: SimAuth | undefined;
  node(id: string): SimNode;
  /** Immutable snapshot of every node. */
  describe(): readonly SimNodeDescription[];
  /** The current pure cluster state (views per node). */
  state(): ClusterState;
  /** `host:port,host:port` of each node's first listener (running nodes only when asked). */
  seedList(options?: { readonly runningOnly?: boolean }): string;
  /** Add and start a node (it joins the cluster named in its options, default this one). */
  addNode(options?: SimNodeOptions): Promise<SimNode>;
  /** Stop every node. */
  stop(): Promise<void>;
}

class Cluster implements SimCluster, SimNodeHost {
  readonly nodes: SimNode[] = [];
  private current: ClusterState | undefined;
  private dirty = true;

  constructor(
    private readonly options: SimClusterOptions,
    readonly clusterName: string,
    readonly namespaces: readonly NamespaceSpec[],
    readonly auth: SimAuth | undefined,
  ) {}

  get build(): string {
    return this.options.build ?? DEFAULT_SIM_CLUSTER.build;
  }
  get edition(): SimEdition {
    return this.options.edition ?? DEFAULT_SIM_CLUSTER.edition;
  }
  get features(): readonly string[] {
    return this.options.features ?? DEFAULT_FEATURES;
  }

  changed(): void {
    this.dirty = true;
  }

  state(): ClusterState {
    if (this.dirty || !this.current) {
      const members: MemberSpec[] = this.nodes.map((n) => ({
        nodeId: n.id,
        clusterName: n.clusterName,
        access: n.accessAddresses,
        alternate: n.alternateAddresses,
        member: n.member,
      }));
      this.current = nextClusterState(this.current, members, this.namespaces, this.options.partitioner);
      this.dirty = false;
    }
    return this.current;
  }

  clusterView(nodeId: string): NodeClusterView {
    const view = this.state().views.get(nodeId);
    if (!view) throw new InternalError(`node ${nodeId} is not part of this simulated cluster`);
    return view;
  }

  node(id: string): SimNode {
    const found = this.nodes.find((n) => n.id === id);
    if (!found) throw new InvalidArgumentError('id', `no simulated node ${id}`);
    return found;
  }

  describe(): readonly SimNodeDescription[] {
    return Object.freeze(this.nodes.map((n) => n.description));
  }

  seedList(options: { readonly runningOnly?: boolean } = {}): string {
    return this.nodes
      .filter((n) => !options.runningOnly || n.running)
      .map((n) => formatHostPort(n.address))
      .join(',');
  }

  /** Create (not start) the node for index `i`. */
  create(i: number, opts: SimNodeOptions = {}): SimNode {
    const host = this.options.host ?? DEFAULT_SIM_CLUSTER.host;
    const id = opts.id ?? this.options.nodeIds?.[i] ?? defaultNodeId(i);
    if (!isNodeId(id))
      throw new InvalidArgumentError('nodeIds', `${JSON.stringify(id)} must be 1..16 uppercase hex digits`);
    if (this.nodes.some((n) => n.id === id)) throw new InvalidArgumentError('nodeIds', `node id ${id} is used twice`);
    const basePort = this.options.basePort ?? DEFAULT_SIM_CLUSTER.basePort;
    const port = opts.port ?? (basePort > 0 ? basePort + i : 0);
    const listen = opts.listen ?? [
      { host, port },
      ...Array.from({ length: opts.extraListeners ?? 0 }, () => ({ host, port: 0 })),
    ];
    if (listen.length === 0) throw new InvalidArgumentError('listen', `node ${id} needs at least one listener`);
    const node = new SimNode(
      {
        id,
        clusterName: opts.clusterName ?? this.clusterName,
        listen,
        ...(opts.access ? { access: opts.access } : {}),
        ...(opts.alternate ? { alternate: opts.alternate } : {}),
        ...(this.options.requestLogSize !== undefined ? { requestLogSize: this.options.requestLogSize } : {}),
      },
      this,
    );
    this.nodes.push(node);
    this.changed();
    return node;
  }

  async addNode(options: SimNodeOptions = {}): Promise<SimNode> {
    const node = this.create(this.nodes.length, options);
    if (options.start !== false) await node.start();
    return node;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

/** Start a simulated cluster; on any failure the nodes already started are stopped again. */
export async function startSimCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const count = options.nodes ?? DEFAULT_SIM_CLUSTER.nodes;
  if (!Number.isInteger(count) || count < 0 || count > 4096)
    throw new InvalidArgumentError('nodes', `${count} must be 0..4096`);
  const namespaces = options.namespaces ?? DEFAULT_SIM_CLUSTER.namespaces;
  if (namespaces.length === 0)
    throw new InvalidArgumentError('namespaces', 'a simulated cluster needs at least one namespace');
  const auth = options.auth
    ? await SimAuth.create({
        users: [options.auth],
        ...(options.auth.sessionTtlSeconds !== undefined ? { sessionTtlSeconds: options.auth.sessionTtlSeconds } : {}),
      })
    : undefined;
  const cluster = new Cluster(options, options.clusterName ?? DEFAULT_SIM_CLUSTER.clusterName, namespaces, auth);
  try {
    for (let i = 0; i < count; i++) cluster.create(i, options.nodeOptions?.[i]);
    for (let i = 0; i < count; i++) {
      if (options.nodeOptions?.[i]?.start !== false) await cluster.nodes[i]!.start();
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
