/**
 * One simulated node: its TCP listeners (a node can be reachable under several addresses), its connections,
 * its request log and its fault switches. What it answers comes from the cluster it belongs to (through
 * `SimNodeHost`); every switch that changes membership or addresses tells the cluster to recompute.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { HostPort } from '../net/endpoint.js';
import type { NodeClusterView } from './cluster-state.js';
import type { NodeInfoView, SimEdition } from './info-responder.js';
import type { NamespaceSpec } from './partition-map.js';
import { RequestLog, type RequestLogEntry } from './request-log.js';
import type { SimAuth } from './sim-auth.js';
import { SimConnection, type ConnectionBehaviour } from './sim-connection.js';
import { InvalidArgumentError } from '../errors.js';

/** running: answers and is a member; stopped: gone and dropped by peers; dead: gone but peers still list it. */
export type SimNodeState = 'running' | 'stopped' | 'dead';

export interface SimNodeDescription {
  readonly id: string;
  readonly state: SimNodeState;
  /** Accepting connections. */
  readonly running: boolean;
  /** Listed by the other nodes of its cluster. */
  readonly member: boolean;
  readonly clusterName: string;
  /** Bound listener addresses (the last ones while stopped). */
  readonly listen: readonly HostPort[];
  /** What service-clear-std says and peers list. */
  readonly access: readonly HostPort[];
  /** What service-clear-alt says. */
  readonly alternate: readonly HostPort[];
  readonly hang: boolean;
  readonly delayMs: number;
  readonly connections: number;
}

/** What a node needs from its cluster. */
export interface SimNodeHost {
  readonly build: string;
  readonly edition: SimEdition;
  readonly features: readonly string[];
  readonly namespaces: readonly NamespaceSpec[];
  readonly auth: SimAuth | undefined;
  clusterView(nodeId: string): NodeClusterView;
  /** Membership or addresses changed: recompute every node's view. */
  changed(): void;
}

export interface SimNodeInit {
  readonly id: string;
  readonly clusterName: string;
  /** Addresses to listen on; port 0 picks a free port. */
  readonly listen: readonly HostPort[];
  /** Fixed access addresses; when absent, the bound listener addresses. */
  readonly access?: readonly HostPort[];
  readonly alternate?: readonly HostPort[];
  readonly requestLogSize?: number;
}

export interface SimNodeStartOptions {
  /** New ports for the listeners, in order (missing entries keep the previous port). */
  readonly ports?: readonly number[];
}

export class SimNode {
  readonly id: string;
  private readonly log: RequestLog;
  private servers: Server[] = [];
  private readonly connections = new Set<SimConnection>();
  private connectionSeq = 0;
  private state: SimNodeState = 'stopped';
  private bound: HostPort[];
  private accessOverride: readonly HostPort[] | undefined;
  private alternateHosts: readonly HostPort[];
  private name: string;
  private behaviour: ConnectionBehaviour = { hang: false, delayMs: 0 };
  private overrides: ReadonlyMap<string, string | null> = new Map();
  private startedAt = Date.now();

  constructor(
    init: SimNodeInit,
    private readonly host: SimNodeHost,
  ) {
    this.id = init.id;
    this.name = init.clusterName;
    this.bound = init.listen.map((h) => ({ ...h }));
    this.accessOverride = init.access;
    this.alternateHosts = init.alternate ?? [];
    this.log = new RequestLog(init.requestLogSize);
  }

  get description(): SimNodeDescription {
    return Object.freeze({
      id: this.id,
      state: this.state,
      running: this.state === 'running',
      member: this.state !== 'stopped',
      clusterName: this.name,
      listen: Object.freeze([...this.bound]),
      access: Object.freeze([...this.accessAddresses]),
      alternate: Object.freeze([...this.alternateHosts]),
      hang: this.behaviour.hang,
      delayMs: this.behaviour.delayMs,
      connections: this.connections.size,
    });
  }

  get running(): boolean {
    return this.state === 'running';
  }
  get member(): boolean {
    return this.state !== 'stopped';
  }
  get clusterName(): string {
    return this.name;
  }
  get listenAddresses(): readonly HostPort[] {
    return this.bound;
  }
  get accessAddresses(): readonly HostPort[] {
    return this.accessOverride ?? this.bound;
  }
  get alternateAddresses(): readonly HostPort[] {
    return this.alternateHosts;
  }
  /** The first listener, as `host:port` for a seed list. */
  get address(): HostPort {
    return this.bound[0]!;
  }

  /** What the node answers right now. */
  view(): NodeInfoView {
    return {
      nodeId: this.id,
      build: this.host.build,
      edition: this.host.edition,
      features: this.host.features,
      namespaces: this.host.namespaces,
      clusterName: this.name,
      access: this.accessAddresses,
      alternate: this.alternateHosts,
      cluster: this.host.clusterView(this.id),
      startedAt: this.startedAt,
      clientConnections: this.connections.size,
      overrides: this.overrides,
    };
  }

  requestLog(): readonly RequestLogEntry[] {
    return this.log.entries();
  }
  clearRequestLog(): void {
    this.log.clear();
  }

  /** Open the listeners and (re)join the cluster. Optionally move to new ports. */
  async start(options: SimNodeStartOptions = {}): Promise<void> {
    if (this.state === 'running') return;
    if (this.state === 'dead') await this.closeListeners();
    const wanted = this.bound.map((h, i) => ({ host: h.host, port: options.ports?.[i] ?? h.port }));
    const servers: Server[] = [];
    const bound: HostPort[] = [];
    try {
      for (const address of wanted) {
        const server = await listen(address, (socket, local) => this.accept(socket, local));
        servers.push(server);
        const info = server.address();
        bound.push({ host: address.host, port: typeof info === 'object' && info ? info.port : address.port });
      }
    } catch (error) {
      await Promise.all(servers.map(closeServer));
      throw error;
    }
    this.servers = servers;
    this.bound = bound;
    this.state = 'running';
    this.startedAt = Date.now();
    this.host.changed();
  }

  /** Close listeners and connections; the other nodes drop it from their peer lists. */
  async stop(): Promise<void> {
    await this.closeListeners();
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.host.changed();
  }

  /** Close listeners and connections, but the other nodes keep listing it (they have not noticed). */
  async silentDeath(): Promise<void> {
    await this.closeListeners();
    if (this.state !== 'running') return;
    this.state = 'dead';
    this.host.changed();
  }

  /** Accept connections and read requests, but never answer (until heal()). */
  hang(): void {
    this.behaviour = { ...this.behaviour, hang: true };
  }

  /** Delay every reply by `ms` (0 turns it off). */
  slow(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new InvalidArgumentError('ms', `delay ${ms} must be a non-negative number of ms`);
    this.behaviour = { ...this.behaviour, delayMs: ms };
  }

  /** Undo hang() and slow(). */
  heal(): void {
    this.behaviour = { hang: false, delayMs: 0 };
  }

  /**
   * Advertise these access addresses (service-clear-std, and what peers list), e.g. a wrong or unreachable
   * one; `undefined` goes back to the listener addresses. Optionally set the alternate addresses too.
   */
  advertise(access: readonly HostPort[] | undefined, alternate?: readonly HostPort[]): void {
    this.accessOverride = access ? access.map((h) => ({ ...h })) : undefined;
    if (alternate) this.alternateHosts = alternate.map((h) => ({ ...h }));
    this.host.changed();
  }

  /** Move the node to another cluster: it leaves this cluster's peer lists and forms (or joins) its own. */
  setClusterName(name: string): void {
    if (name.length === 0 || /[\t\n;:]/.test(name))
      throw new InvalidArgumentError('name', `cluster name ${JSON.stringify(name)} is not printable`);
    this.name = name;
    this.host.changed();
  }

  /**
   * Answer `command` (exact text, or a command name) with `value` instead of the computed value, e.g.
   * `ERROR:4:unrecognized command`, `-1` for partition-generation, or a malformed peers list; `null` leaves
   * it out of replies. Membership and generations are unaffected.
   */
  setInfo(command: string, value: string | null): void {
    if (command.length === 0 || /[\t\n]/.test(command))
      throw new InvalidArgumentError('command', `${JSON.stringify(command)} is empty or has TAB/LF`);
    if (value !== null && /[\t\n]/.test(value))
      throw new InvalidArgumentError('value', 'an info value cannot contain TAB or LF');
    const next = new Map(this.overrides);
    next.set(command, value);
    this.overrides = next;
  }

  /** Forget one override (or all of them). */
  clearInfo(command?: string): void {
    if (command === undefined) {
      this.overrides = new Map();
      return;
    }
    const next = new Map(this.overrides);
    next.delete(command);
    this.overrides = next;
  }

  /** Destroy every open connection (listeners stay). */
  dropConnections(): void {
    for (const c of [...this.connections]) c.close();
  }

  private accept(socket: Socket, local: HostPort): void {
    const connection = new SimConnection(socket, {
      nodeId: this.id,
      connection: ++this.connectionSeq,
      local,
      log: this.log,
      view: () => this.view(),
      auth: () => this.host.auth,
      behaviour: () => this.behaviour,
    });
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
  }

  private async closeListeners(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    const closing = servers.map(closeServer);
    this.dropConnections();
    await Promise.all(closing);
  }
}

function listen(address: HostPort, onSocket: (socket: Socket, local: HostPort) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host: address.host, port: address.port, exclusive: true }, () => {
      server.off('error', onError);
      server.on('error', () => undefined);
      const info = server.address();
      const local = { host: address.host, port: typeof info === 'object' && info ? info.port : address.port };
      server.on('connection', (socket) => onSocket(socket, local));
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
