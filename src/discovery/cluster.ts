/**
 * The cluster owner: seeds once, then tends every node on its own connection, grows and shrinks the
 * node-id-keyed map from peer lists, and re-seeds (re-resolving names) with backoff when every node is lost.
 * State changes are made on immutable descriptions; the diff is emitted as typed events.
 */
import type { InfoConnection } from '../protocol/connection.js';
import { formatHostPort, type HostPort } from '../protocol/host.js';
import type { PeersReply } from '../protocol/values/peers.js';
import { diffClusters, EMPTY_CLUSTER, withNode, withoutNode, type ClusterDescription, type NodeDescription } from './description.js';
import { ClusterClosedError, type ClusterNameMismatchError } from './errors.js';
import { ClusterEventEmitter, type NodeRemovalReason } from './events.js';
import { sameEndpoint } from './lb-detect.js';
import { createContext, type DiscoveryContext, type DiscoveryOptions } from './options.js';
import { acceptedPeers, applyPeerAliases, describePeer, expandFromPeers, readPeers, validatePeer, type DiscoveredPeer, type ExpansionResult, type PeerIssue, type PeerSource } from './peers.js';
import { anyDue, EMPTY_RETRIES, isDue, recordFailure, retainPeers, type PeerRetryTable } from './peer-retry.js';
import { withChildSignal } from './abort-scope.js';
import { refreshNode } from './node-refresh.js';
import { findSeedNode, noSeedNodeError, type SeedCandidate, type SeedingResult, type SeedNode } from './seeding.js';
import { parseSeed, type Seed } from './seed.js';

interface TendedNode {
  readonly connection: InfoConnection | undefined;
  readonly failures: number;
  readonly peersGeneration: number | undefined;
  readonly partitionGeneration: number | undefined;
  /** The node's last peer list, reused while its peers-generation stays the same. */
  readonly peers: PeersReply | undefined;
}

export interface ConnectReport {
  readonly seeding: SeedingResult;
  readonly seedNode: SeedNode;
  /** From the start of connect() to the first validated node. */
  readonly firstNodeMs: number;
  /** From the start of connect() to the complete map. */
  readonly clusterMs: number;
  readonly issues: readonly PeerIssue[];
  readonly mismatches: readonly ClusterNameMismatchError[];
}

export class Cluster extends ClusterEventEmitter {
  readonly seeds: readonly Seed[];
  private readonly ctx: DiscoveryContext;
  private current: ClusterDescription = EMPTY_CLUSTER;
  private readonly tended = new Map<string, TendedNode>();
  /** Addresses of every node ever known: extra re-seed candidates, as the official clients keep. */
  private readonly remembered = new Map<string, SeedCandidate>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly closing = new AbortController();
  private reseedAttempt = 0;
  /** Listed peers missing from the map, with their backoff (retried until they join or stop being listed). */
  private peerRetries: PeerRetryTable = EMPTY_RETRIES;
  /** `node|listed` of oversized peer lists already reported. */
  private readonly truncationsReported = new Set<string>();

  constructor(seeds: readonly (string | Seed)[], options: DiscoveryOptions = {}) {
    super();
    this.ctx = createContext(options);
    this.seeds = seeds.map((s, i) => (typeof s === 'string' ? parseSeed(s, this.ctx.options.defaultPort, `seeds[${i}]`) : s));
  }

  get description(): ClusterDescription {
    return this.current;
  }

  get nodes(): NodeDescription[] {
    return [...this.current.nodes.values()];
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Seed and build the complete map. Throws NoSeedNodeError when no seed address gives a node. */
  async connect(): Promise<ConnectReport> {
    if (this.closed) throw new ClusterClosedError();
    const started = performance.now();
    const seeding = await findSeedNode(this.ctx, this.seeds, { signal: this.closing.signal });
    if (this.closed) {
      seeding.winner?.connection.close();
      throw new ClusterClosedError();
    }
    if (!seeding.winner) throw noSeedNodeError(seeding);
    const { issues, mismatches } = await this.adopt(seeding.winner);
    return { seeding, seedNode: seeding.winner, firstNodeMs: seeding.winner.validatedMs, clusterMs: performance.now() - started, issues, mismatches };
  }

  /** Tend periodically until close(). The first tend runs after one interval. */
  startTending(): void {
    if (this.closed || this.timer) return;
    this.schedule(this.ctx.options.tendIntervalMs);
  }

  /** Run one tend now (serialised with the periodic ones). */
  tend(): Promise<void> {
    if (this.closed) return Promise.reject(new ClusterClosedError());
    this.running ??= this.tendOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    for (const node of this.tended.values()) node.connection?.close();
    this.tended.clear();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.tend().then(
        () => {
          if (!this.closed) this.schedule(this.current.nodes.size === 0 ? this.reseedDelay() : this.ctx.options.tendIntervalMs);
        },
        (error: unknown) => {
          if (this.closed) return;
          this.publish('tendError', { nodeId: undefined, error });
          this.schedule(this.ctx.options.tendIntervalMs);
        },
      );
    }, delayMs);
  }

  private reseedDelay(): number {
    const { reseedInitialDelayMs, reseedMaxDelayMs } = this.ctx.options;
    return Math.min(reseedMaxDelayMs, reseedInitialDelayMs * 2 ** Math.max(0, this.reseedAttempt - 1));
  }

  /** Make a seed node and everything reachable from its peers part of the map. */
  private async adopt(seedNode: SeedNode): Promise<{ issues: readonly PeerIssue[]; mismatches: readonly ClusterNameMismatchError[] }> {
    const { seed, dialled, address, info, verdict } = seedNode;
    if (verdict.kind === 'redirected') {
      this.publish('seedRedirected', { seed: seed.text, from: dialled, to: address, nodeId: info.nodeId });
    }
    let next = withNode(this.current, {
      nodeId: info.nodeId,
      address,
      aliases: verdict.kind === 'direct' && !sameEndpoint(dialled, address) ? [dialled] : [],
      reachable: seedNode.reachable,
      clusterName: info.clusterName,
      build: info.build.text,
      tlsName: seed.tlsName,
    });
    this.track(info.nodeId, seedNode.connection, seedNode.peers, info.partitionGeneration);
    const known = new Set(next.nodes.keys());
    const sources = [{ nodeId: info.nodeId, peers: seedNode.peers }];
    const expansion = await expandFromPeers(this.ctx, known, sources, { signal: this.closing.signal, skip: this.notDue() });
    next = this.addPeers(next, expansion.added);
    next = applyPeerAliases(next, [seedNode.peers, ...expansion.added.map((p) => p.peers)], this.ctx.translate);
    this.afterExpansion(next, [...sources, ...expansion.added.map((p) => ({ nodeId: p.info.nodeId, peers: p.peers }))], expansion);
    this.commit(next, new Map());
    return { issues: expansion.issues, mismatches: expansion.mismatches };
  }

  private addPeers(cluster: ClusterDescription, peers: readonly DiscoveredPeer[]): ClusterDescription {
    let next = cluster;
    for (const peer of peers) {
      next = withNode(next, describePeer(peer));
      this.track(peer.info.nodeId, peer.connection, peer.peers, peer.info.partitionGeneration);
    }
    return next;
  }

  private track(nodeId: string, connection: InfoConnection, peers: PeersReply, partitionGeneration: number): void {
    this.tended.get(nodeId)?.connection?.close();
    this.tended.set(nodeId, { connection, failures: 0, peersGeneration: peers.generation, partitionGeneration, peers });
  }

  /** Skip listed peers whose retry is not due yet (they failed recently and are listed the same way). */
  private notDue(): (entry: Parameters<typeof isDue>[1]) => boolean {
    const now = this.ctx.options.clock();
    const table = this.peerRetries;
    return (entry) => !isDue(table, entry, now);
  }

  /**
   * Bookkeeping after peers were expanded: failed peers get a backoff; peers that joined, or that no list
   * names any more, are forgotten; oversized lists are reported once per node and size.
   */
  private afterExpansion(cluster: ClusterDescription, sources: readonly PeerSource[], expansion: ExpansionResult): void {
    for (const mismatch of expansion.mismatches) this.publishMismatch(mismatch);
    const now = this.ctx.options.clock();
    const policy = { initialDelayMs: this.ctx.options.peerRetryInitialDelayMs, maxDelayMs: this.ctx.options.peerRetryMaxDelayMs };
    for (const issue of expansion.issues) this.peerRetries = recordFailure(this.peerRetries, issue.entry, now, policy);
    const listed = new Set<string>();
    for (const source of sources) for (const entry of acceptedPeers(source.peers, this.ctx.options.maxPeersPerNode)) listed.add(entry.nodeId);
    this.peerRetries = retainPeers(this.peerRetries, (id) => listed.has(id) && !cluster.nodes.has(id));
    for (const { reporter, listed: count, accepted } of expansion.oversized) {
      const key = `${reporter}|${count}`;
      if (this.truncationsReported.has(key)) continue;
      this.truncationsReported.add(key);
      this.publish('peerListTruncated', { nodeId: reporter, listed: count, accepted });
    }
    for (const { reporter, count, examples } of expansion.rejected) {
      const key = `${reporter}|rejected|${count}`;
      if (this.truncationsReported.has(key)) continue;
      this.truncationsReported.add(key);
      this.publish('peerEntriesRejected', { nodeId: reporter, count, examples });
    }
  }

  private async tendOnce(): Promise<void> {
    if (this.current.nodes.size === 0) {
      await this.reseed();
      return;
    }
    const nodes = this.nodes;
    const outcomes = await Promise.all(
      nodes.map(async (node) => ({ node, outcome: await refreshNode(this.ctx, node.nodeId, node.address, node.tlsName, this.tended.get(node.nodeId)?.connection) })),
    );
    if (this.closed) {
      for (const { outcome } of outcomes) if (outcome.kind === 'ok') outcome.connection.close();
      return;
    }
    let next = this.current;
    const reasons = new Map<string, NodeRemovalReason>();
    let peersChanged = false;
    const healthy: NodeDescription[] = [];
    const generations = new Map<string, number>();
    for (const { node, outcome } of outcomes) {
      const state = this.tended.get(node.nodeId);
      if (outcome.kind === 'ok') {
        peersChanged ||= state?.failures !== 0 || outcome.peersGeneration !== state.peersGeneration;
        generations.set(node.nodeId, outcome.peersGeneration);
        this.tended.set(node.nodeId, { connection: outcome.connection, failures: 0, peersGeneration: state?.peersGeneration, partitionGeneration: outcome.partitionGeneration, peers: state?.peers });
        healthy.push(node);
        continue;
      }
      this.tended.set(node.nodeId, { connection: undefined, failures: (state?.failures ?? 0) + 1, peersGeneration: state?.peersGeneration, partitionGeneration: state?.partitionGeneration, peers: state?.peers });
      peersChanged = true;
      if (outcome.kind === 'failed') {
        this.publish('tendError', { nodeId: node.nodeId, error: outcome.error });
      } else {
        if (outcome.kind === 'cluster-name-changed') this.publishMismatch(outcome.error);
        next = withoutNode(next, node.nodeId);
        reasons.set(node.nodeId, outcome.kind);
      }
    }
    // A listed peer that is still missing is retried when its backoff is over, even if no list changed.
    const retryDue = anyDue(this.peerRetries, this.ctx.options.clock());
    if ((peersChanged || retryDue) && healthy.length > 0) next = await this.refreshPeers(next, healthy, reasons, generations);
    if (healthy.length === 0) {
      for (const node of next.nodes.values()) {
        if ((this.tended.get(node.nodeId)?.failures ?? 0) >= this.ctx.options.maxFailures) {
          next = withoutNode(next, node.nodeId);
          reasons.set(node.nodeId, 'unreachable');
        }
      }
    }
    this.commit(next, reasons);
  }

  /** Read peers from healthy nodes; add new nodes, move or drop failing nodes nobody lists any more. */
  private async refreshPeers(
    cluster: ClusterDescription,
    healthy: readonly NodeDescription[],
    reasons: Map<string, NodeRemovalReason>,
    generations: ReadonlyMap<string, number>,
  ): Promise<ClusterDescription> {
    const sources: { nodeId: string; peers: PeersReply }[] = [];
    await Promise.all(
      healthy.map(async (node) => {
        const state = this.tended.get(node.nodeId);
        if (!state?.connection) return;
        // An unchanged list is not read again (a large one costs the node and us).
        if (state.peers && state.failures === 0 && state.peers.generation === generations.get(node.nodeId)) {
          sources.push({ nodeId: node.nodeId, peers: state.peers });
          return;
        }
        try {
          const peers = await withChildSignal(this.closing.signal, (signal) => readPeers(this.ctx, state.connection!, signal));
          sources.push({ nodeId: node.nodeId, peers });
          this.tended.set(node.nodeId, { ...state, peersGeneration: peers.generation, peers });
        } catch (error) {
          this.publish('tendError', { nodeId: node.nodeId, error });
        }
      }),
    );
    let next = cluster;
    const listedBy = new Map<string, HostPort[]>();
    for (const source of sources) {
      for (const entry of source.peers.peers) listedBy.set(entry.nodeId, [...(listedBy.get(entry.nodeId) ?? []), ...entry.hosts.map(this.ctx.translate)]);
    }
    for (const node of cluster.nodes.values()) {
      const state = this.tended.get(node.nodeId);
      if (!state || sources.length === 0) continue;
      const listed = listedBy.get(node.nodeId);
      if (state.failures === 0) {
        // A healthy node that no other node lists, and that lists none of ours, has left this cluster.
        const own = sources.find((s) => s.nodeId === node.nodeId);
        const listsOurs = own?.peers.peers.some((p) => cluster.nodes.has(p.nodeId)) ?? true;
        if (!listed && sources.length > 1 && !listsOurs) {
          next = withoutNode(next, node.nodeId);
          reasons.set(node.nodeId, 'not-listed');
        }
        continue;
      }
      if (!listed) {
        next = withoutNode(next, node.nodeId);
        reasons.set(node.nodeId, 'not-listed');
      } else if (!listed.some((a) => sameEndpoint(a, node.address))) {
        next = await this.tryNewAddress(next, node, listed);
      }
    }
    const known = new Set(next.nodes.keys());
    for (const id of reasons.keys()) known.add(id);
    const expansion = await expandFromPeers(this.ctx, known, sources, { signal: this.closing.signal, skip: this.notDue() });
    next = this.addPeers(next, expansion.added);
    this.afterExpansion(next, [...sources, ...expansion.added.map((p) => ({ nodeId: p.info.nodeId, peers: p.peers }))], expansion);
    return applyPeerAliases(next, sources.map((s) => s.peers), this.ctx.translate);
  }

  /** A failing node that peers now list elsewhere: validate the new address and move it (same node id). */
  private async tryNewAddress(cluster: ClusterDescription, node: NodeDescription, listed: readonly HostPort[]): Promise<ClusterDescription> {
    const { peer } = await validatePeer(this.ctx, { nodeId: node.nodeId, tlsName: node.tlsName ?? '', hosts: listed }, this.closing.signal);
    if (!peer) return cluster;
    this.track(node.nodeId, peer.connection, peer.peers, peer.info.partitionGeneration);
    return withNode(cluster, { ...node, address: peer.address, aliases: node.aliases.filter((a) => !sameEndpoint(a, peer.address)), reachable: true });
  }

  private async reseed(): Promise<void> {
    this.reseedAttempt++;
    const result = await findSeedNode(this.ctx, this.seeds, { signal: this.closing.signal, extraCandidates: [...this.remembered.values()] });
    if (this.closed) {
      result.winner?.connection.close();
      return;
    }
    if (!result.winner) {
      this.publish('reseedFailed', { attempt: this.reseedAttempt, delayMs: this.reseedDelay(), error: noSeedNodeError(result) });
      return;
    }
    await this.adopt(result.winner);
    this.publish('reseeded', { attempt: this.reseedAttempt, nodes: [...this.current.nodes.keys()] });
    this.reseedAttempt = 0;
  }

  private publishMismatch(error: ClusterNameMismatchError): void {
    this.publish('clusterNameMismatch', { address: error.address, nodeId: error.nodeId, expected: error.expected, received: error.received });
  }

  /** Swap in the new description and emit what changed. */
  private commit(next: ClusterDescription, reasons: ReadonlyMap<string, NodeRemovalReason>): void {
    const previous = this.current;
    this.current = next;
    for (const change of diffClusters(previous, next)) {
      if (change.type === 'nodeRemoved') {
        this.tended.get(change.node.nodeId)?.connection?.close();
        this.tended.delete(change.node.nodeId);
        for (const key of this.truncationsReported) if (key.startsWith(`${change.node.nodeId}|`)) this.truncationsReported.delete(key);
        this.publish('nodeRemoved', { node: change.node, reason: reasons.get(change.node.nodeId) ?? 'unreachable' });
      } else if (change.type === 'nodeAdded') {
        this.remember(change.node);
        this.publish('nodeAdded', { node: change.node });
      } else {
        this.remember(change.node);
        this.publish('nodeAddressChanged', { nodeId: change.nodeId, previous: change.previous, current: change.current });
      }
    }
    if (previous.nodes.size > 0 && next.nodes.size === 0) {
      this.publish('clusterLost', { lastNodes: [...previous.nodes.keys()] });
    }
  }

  private remember(node: NodeDescription): void {
    const seed = parseSeed(formatHostPort(node.address));
    this.remembered.set(`${node.address.host}|${node.address.port}`, { seed, address: node.address });
  }
}
