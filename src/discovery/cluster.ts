/**
 * The cluster owner: seeds once, then tends every node on its own connection, grows and shrinks the
 * node-id-keyed map from peer lists, and re-seeds (re-resolving names) with backoff when every node is lost.
 * This file does the I/O and the loop; every membership decision is a pure step of membership.ts, and the
 * diff between descriptions is emitted as typed events.
 */
import type { InfoConnection } from '../protocol/connection.js';
import { endpointKey, formatHostPort, sameEndpoint } from '../net/endpoint.js';
import type { PeersReply } from '../protocol/values/peers.js';
import { backoffDelay } from '../time/backoff.js';
import type { TimerHandle } from '../time/clock.js';
import { withChildSignal } from './abort-scope.js';
import { diffClusters, EMPTY_CLUSTER, type ClusterDescription, type NodeDescription } from './description.js';
import { ClusterClosedError, type ClusterNameMismatchError } from './errors.js';
import { ClusterEventEmitter, type NodeRemovalReason } from './events.js';
import {
  applyPeerLists,
  applyTendResults,
  forgetRemoved,
  notDue,
  relocateNode,
  type MembershipSettings,
  type MembershipState,
  type TendResult,
} from './membership.js';
import { adoptNode, applyExpansion, type PeerSource } from './membership-expansion.js';
import { createContext, type DiscoveryContext, type DiscoveryOptions } from './options.js';
import { EMPTY_RETRIES } from './peer-retry.js';
import { describePeer, expandFromPeers, readPeers, validatePeer, type PeerIssue } from './peers.js';
import { refreshNode } from './node-refresh.js';
import { findSeedNode, noSeedNodeError, type SeedCandidate, type SeedingResult, type SeedNode } from './seeding.js';
import { parseSeed, type Seed } from './seed.js';

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
  private readonly settings: MembershipSettings;
  /** Membership (description, tend states, peer retries): replaced, never mutated, by the pure steps. */
  private state: MembershipState = {
    description: EMPTY_CLUSTER,
    tend: new Map(),
    retries: EMPTY_RETRIES,
    reported: new Set(),
  };
  /** Each node's tend connection. */
  private readonly connections = new Map<string, InfoConnection>();
  /** Addresses of every node ever known: extra re-seed candidates, as the official clients keep. */
  private readonly remembered = new Map<string, SeedCandidate>();
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private readonly closing = new AbortController();
  private reseedAttempt = 0;

  constructor(seeds: readonly (string | Seed)[], options: DiscoveryOptions = {}) {
    super();
    this.ctx = createContext(options);
    this.seeds = seeds.map((s, i) =>
      typeof s === 'string' ? parseSeed(s, this.ctx.options.defaultPort, `seeds[${i}]`) : s,
    );
    const { maxFailures, maxPeersPerNode, peerRetryInitialDelayMs, peerRetryMaxDelayMs } = this.ctx.options;
    const retryPolicy = { initialDelayMs: peerRetryInitialDelayMs, maxDelayMs: peerRetryMaxDelayMs };
    this.settings = { maxFailures, maxPeersPerNode, retryPolicy, translate: this.ctx.translate };
  }

  private get current(): ClusterDescription {
    return this.state.description;
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
    return {
      seeding,
      seedNode: seeding.winner,
      firstNodeMs: seeding.winner.validatedMs,
      clusterMs: performance.now() - started,
      issues,
      mismatches,
    };
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
    this.timer?.cancel();
    await this.running?.catch(() => undefined);
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  private schedule(delayMs: number): void {
    this.timer = this.ctx.setTimer(delayMs, () => {
      this.tend().then(
        () => {
          if (!this.closed)
            this.schedule(this.current.nodes.size === 0 ? this.reseedDelay() : this.ctx.options.tendIntervalMs);
        },
        (error: unknown) => {
          if (this.closed) return;
          this.publish('tendError', { nodeId: undefined, error });
          this.schedule(this.ctx.options.tendIntervalMs);
        },
      );
    });
  }

  private reseedDelay(): number {
    const { reseedInitialDelayMs, reseedMaxDelayMs } = this.ctx.options;
    // Attempt 0 (none failed yet) waits as long as the first: the formula's 0 means "no pause", not ours.
    return backoffDelay(Math.max(1, this.reseedAttempt), {
      baseMs: reseedInitialDelayMs,
      maxMs: reseedMaxDelayMs,
      jitter: 'none',
    });
  }

  /** Make a seed node and everything reachable from its peers part of the map. */
  private async adopt(
    seedNode: SeedNode,
  ): Promise<{ issues: readonly PeerIssue[]; mismatches: readonly ClusterNameMismatchError[] }> {
    const { seed, dialled, address, info, verdict } = seedNode;
    if (verdict.kind === 'redirected') {
      this.publish('seedRedirected', { seed: seed.text, from: dialled, to: address, nodeId: info.nodeId });
    }
    const node = {
      nodeId: info.nodeId,
      address,
      aliases: verdict.kind === 'direct' && !sameEndpoint(dialled, address) ? [dialled] : [],
      reachable: seedNode.reachable,
      clusterName: info.clusterName,
      build: info.build.text,
      tlsName: seed.tlsName,
    };
    this.keepConnection(info.nodeId, seedNode.connection);
    const state = adoptNode(this.state, { node, peers: seedNode.peers, partitionGeneration: info.partitionGeneration });
    const sources = [{ nodeId: info.nodeId, peers: seedNode.peers }];
    const expansion = await this.expand(state, new Set(state.description.nodes.keys()), sources, [seedNode.peers]);
    this.commit(expansion.state, new Map());
    return expansion;
  }

  /** Validate listed peers not in the map yet (retries that are not due are skipped), then apply step 3. */
  private async expand(
    state: MembershipState,
    known: ReadonlySet<string>,
    sources: readonly PeerSource[],
    aliasLists: readonly PeersReply[] | 'sources',
  ): Promise<{
    state: MembershipState;
    issues: readonly PeerIssue[];
    mismatches: readonly ClusterNameMismatchError[];
  }> {
    const now = this.ctx.now();
    const expansion = await expandFromPeers(this.ctx, new Set(known), sources, {
      signal: this.closing.signal,
      skip: notDue(state.retries, now),
    });
    for (const peer of expansion.added) this.keepConnection(peer.info.nodeId, peer.connection);
    for (const mismatch of expansion.mismatches) this.publishMismatch(mismatch);
    const joinedLists = expansion.added.map((p) => p.peers);
    const step = applyExpansion(
      state,
      {
        joined: expansion.added.map((p) => ({
          node: describePeer(p),
          peers: p.peers,
          partitionGeneration: p.info.partitionGeneration,
        })),
        failed: expansion.issues.map((i) => i.entry),
        sources: [...sources, ...expansion.added.map((p) => ({ nodeId: p.info.nodeId, peers: p.peers }))],
        // After a seed, the joined nodes' lists add aliases too; after a tend, only the lists looked at.
        aliasLists: aliasLists === 'sources' ? sources.map((s) => s.peers) : [...aliasLists, ...joinedLists],
        oversized: expansion.oversized,
        rejected: expansion.rejected,
      },
      this.settings,
      now,
    );
    for (const event of step.events) this.publishEvent(event);
    return { state: step.state, issues: expansion.issues, mismatches: expansion.mismatches };
  }

  private keepConnection(nodeId: string, connection: InfoConnection | undefined): void {
    const previous = this.connections.get(nodeId);
    if (previous && previous !== connection) previous.close();
    if (connection) this.connections.set(nodeId, connection);
    else this.connections.delete(nodeId);
  }

  private async tendOnce(): Promise<void> {
    if (this.current.nodes.size === 0) {
      await this.reseed();
      return;
    }
    const results = await Promise.all(
      this.nodes.map(async (node) => ({
        node,
        outcome: await refreshNode(
          this.ctx,
          node.nodeId,
          node.address,
          node.tlsName,
          this.connections.get(node.nodeId),
        ),
      })),
    );
    if (this.closed) {
      for (const { outcome } of results) if (outcome.kind === 'ok') outcome.connection.close();
      return;
    }
    const tendResults = new Map<string, TendResult>();
    for (const { node, outcome } of results) {
      this.keepConnection(node.nodeId, outcome.kind === 'ok' ? outcome.connection : undefined);
      if (outcome.kind === 'failed') this.publish('tendError', { nodeId: node.nodeId, error: outcome.error });
      if (outcome.kind === 'cluster-name-changed') this.publishMismatch(outcome.error);
      tendResults.set(
        node.nodeId,
        outcome.kind === 'ok'
          ? {
              kind: 'ok',
              peersGeneration: outcome.peersGeneration,
              partitionGeneration: outcome.partitionGeneration,
              ...(outcome.build ? { build: outcome.build } : {}),
            }
          : { kind: outcome.kind },
      );
    }
    const step = applyTendResults(this.state, tendResults, this.settings, this.ctx.now());
    for (const event of step.events) this.publishEvent(event);
    if (!step.peers) {
      this.commit(step.state, step.removals);
      return;
    }
    const read = await this.readPeerLists(step.peers.read);
    const lists = applyPeerLists(step.state, step.removals, { read, cached: step.peers.cached }, this.settings);
    let state = lists.state;
    // A failing node that peers now list elsewhere: validate the new address and move it (same node id).
    for (const { node, listed } of lists.relocate) {
      const { peer } = await validatePeer(
        this.ctx,
        { nodeId: node.nodeId, tlsName: node.tlsName ?? '', hosts: listed },
        this.closing.signal,
      );
      if (!peer) continue;
      this.keepConnection(node.nodeId, peer.connection);
      state = relocateNode(state, node, peer.address, peer.peers, peer.info.partitionGeneration);
    }
    const expansion = await this.expand(state, lists.known, lists.sources, 'sources');
    this.commit(expansion.state, lists.removals);
  }

  /** Read the peer lists of nodes whose list changed; a failed read is a tend error for that node. */
  private async readPeerLists(nodeIds: readonly string[]): Promise<PeerSource[]> {
    const read: PeerSource[] = [];
    await Promise.all(
      nodeIds.map(async (nodeId) => {
        const connection = this.connections.get(nodeId);
        if (!connection) return;
        try {
          read.push({
            nodeId,
            peers: await withChildSignal(this.closing.signal, (signal) => readPeers(this.ctx, connection, signal)),
          });
        } catch (error) {
          this.publish('tendError', { nodeId, error });
        }
      }),
    );
    return read;
  }

  private async reseed(): Promise<void> {
    this.reseedAttempt++;
    const result = await findSeedNode(this.ctx, this.seeds, {
      signal: this.closing.signal,
      extraCandidates: [...this.remembered.values()],
    });
    if (this.closed) {
      result.winner?.connection.close();
      return;
    }
    if (!result.winner) {
      this.publish('reseedFailed', {
        attempt: this.reseedAttempt,
        delayMs: this.reseedDelay(),
        error: noSeedNodeError(result),
      });
      return;
    }
    await this.adopt(result.winner);
    this.publish('reseeded', { attempt: this.reseedAttempt, nodes: [...this.current.nodes.keys()] });
    this.reseedAttempt = 0;
  }

  private publishMismatch(error: ClusterNameMismatchError): void {
    this.publish('clusterNameMismatch', {
      address: error.address,
      nodeId: error.nodeId,
      expected: error.expected,
      received: error.received,
    });
  }

  /** Swap in the new state and emit what changed. */
  private commit(state: MembershipState, reasons: ReadonlyMap<string, NodeRemovalReason>): void {
    const previous = this.current;
    this.state = forgetRemoved(state);
    for (const change of diffClusters(previous, this.current)) {
      if (change.type === 'nodeRemoved') {
        this.keepConnection(change.node.nodeId, undefined);
        this.publish('nodeRemoved', { node: change.node, reason: reasons.get(change.node.nodeId) ?? 'unreachable' });
      } else if (change.type === 'nodeAdded') {
        this.remember(change.node);
        this.publish('nodeAdded', { node: change.node });
      } else {
        this.remember(change.node);
        this.publish('nodeAddressChanged', {
          nodeId: change.nodeId,
          previous: change.previous,
          current: change.current,
        });
      }
    }
    if (previous.nodes.size > 0 && this.current.nodes.size === 0) {
      this.publish('clusterLost', { lastNodes: [...previous.nodes.keys()] });
    }
  }

  private remember(node: NodeDescription): void {
    const seed = parseSeed(formatHostPort(node.address));
    this.remembered.set(endpointKey(node.address), { seed, address: node.address });
  }
}
