/**
 * Growing the cluster from peer lists: every node lists the others; each unknown node id is validated on
 * its listed addresses (raced, no load-balancer detection, the id must match) and its own peers read in
 * turn, until no new ids appear. Bounded in rounds and nodes.
 */
import type { InfoConnection } from '../protocol/connection.js';
import type { HostPort } from '../net/endpoint.js';
import { parsePeers, type PeerEntry, type PeersReply } from '../protocol/values/peers.js';
import type { NodeDescription } from './description.js';
import { ClusterNameMismatchError } from './errors.js';
import { connectAndValidate, type ValidatedConnection } from './node-connect.js';
import type { DiscoveryContext } from './options.js';
import { race } from './race.js';
import { selectPeers, type OversizedPeerList, type PeerSource, type RejectedEntries } from './membership-expansion.js';
import { withChildSignal } from './abort-scope.js';

export {
  acceptedPeers,
  applyPeerAliases,
  type OversizedPeerList,
  type PeerSource,
  type RejectedEntries,
} from './membership-expansion.js';

export const MAX_CLUSTER_NODES = 4096;
const MAX_ROUNDS = 64;

export interface DiscoveredPeer extends ValidatedConnection {
  readonly entry: PeerEntry;
  readonly peers: PeersReply;
  /** Translated addresses the peer list gave for this node. */
  readonly listed: readonly HostPort[];
}

/** A listed peer we could not use, and why. */
export interface PeerIssue {
  readonly reporter: string;
  /** The entry as listed (before translation), for retry bookkeeping. */
  readonly entry: PeerEntry;
  readonly nodeId: string;
  readonly listed: readonly HostPort[];
  readonly failures: readonly { readonly address: HostPort; readonly error: unknown }[];
}

export async function readPeers(
  ctx: DiscoveryContext,
  connection: InfoConnection,
  signal?: AbortSignal,
): Promise<PeersReply> {
  const reply = await connection.info([ctx.peersCommand], signal ? { signal } : {});
  return parsePeers(reply.value(ctx.peersCommand), ctx.peersCommand);
}

/** Validate one listed peer on its addresses, raced; its peer list is read on the winning connection. */
export async function validatePeer(
  ctx: DiscoveryContext,
  entry: PeerEntry,
  signal?: AbortSignal,
): Promise<{ peer: DiscoveredPeer | undefined; failures: { address: HostPort; error: unknown }[] }> {
  const listed = entry.hosts.map(ctx.translate);
  const result = await race(
    listed,
    async (address, attemptSignal) => {
      const validated = await connectAndValidate(ctx, address, {
        nodeId: entry.nodeId,
        ...(entry.tlsName ? { tlsName: entry.tlsName } : {}),
        signal: attemptSignal,
      });
      try {
        return { ...validated, entry, listed, peers: await readPeers(ctx, validated.connection, attemptSignal) };
      } catch (error) {
        validated.connection.close();
        throw error;
      }
    },
    { dispose: (peer) => peer.connection.close(), ...(signal ? { signal } : {}) },
  );
  const failures = result.attempts
    .filter((a) => a.status !== 'won')
    .map((a) => ({ address: a.candidate, error: a.error ?? new Error(a.status) }));
  return { peer: result.winner?.value, failures };
}

export interface ExpansionResult {
  readonly rejected: readonly RejectedEntries[];
  readonly added: readonly DiscoveredPeer[];
  readonly issues: readonly PeerIssue[];
  readonly mismatches: readonly ClusterNameMismatchError[];
  readonly oversized: readonly OversizedPeerList[];
}

export interface ExpansionOptions {
  readonly signal?: AbortSignal;
  /** Listed peers not to validate now (a retry that is not due yet). */
  readonly skip?: (entry: PeerEntry) => boolean;
}

/**
 * Starting from the peer lists of known nodes, validate every node id not in `known` (which this call
 * extends), repeating with the new nodes' lists until nothing new appears.
 */
export async function expandFromPeers(
  ctx: DiscoveryContext,
  known: Set<string>,
  sources: readonly PeerSource[],
  options: ExpansionOptions = {},
): Promise<ExpansionResult> {
  const { signal, skip } = options;
  const cap = ctx.options.maxPeersPerNode;
  const added: DiscoveredPeer[] = [];
  const issues: PeerIssue[] = [];
  const mismatches: ClusterNameMismatchError[] = [];
  const oversized: OversizedPeerList[] = [];
  const rejected: RejectedEntries[] = [];
  const failedIds = new Set<string>();
  let frontier = sources;
  for (let round = 0; round < MAX_ROUNDS && frontier.length > 0 && !signal?.aborted; round++) {
    const selection = selectPeers(frontier, known, failedIds, {
      cap,
      limit: MAX_CLUSTER_NODES,
      ...(skip ? { skip } : {}),
    });
    oversized.push(...selection.oversized);
    rejected.push(...selection.rejected);
    const wanted = selection.wanted;
    // Each validation gets its own child of `signal`: one listener on it, not one per peer.
    // Every attempt holds a slot of the context's connection limiter, so this fan-out is bounded in sockets.
    const results = await Promise.all(
      [...wanted.values()].map(async ({ reporter, entry }) => ({
        reporter,
        entry,
        ...(await withChildSignal(signal, (own) => validatePeer(ctx, entry, own))),
      })),
    );
    const next: PeerSource[] = [];
    for (const { reporter, entry, peer, failures } of results) {
      if (peer) {
        known.add(entry.nodeId);
        added.push(peer);
        next.push({ nodeId: entry.nodeId, peers: peer.peers });
      } else {
        failedIds.add(entry.nodeId);
        issues.push({ reporter, entry, nodeId: entry.nodeId, listed: entry.hosts.map(ctx.translate), failures });
        for (const f of failures) if (f.error instanceof ClusterNameMismatchError) mismatches.push(f.error);
      }
    }
    frontier = next;
  }
  return { added, issues, mismatches, oversized, rejected };
}

/** A validated peer as a node description. */
export function describePeer(peer: DiscoveredPeer): NodeDescription {
  return {
    nodeId: peer.info.nodeId,
    address: peer.address,
    aliases: [],
    reachable: true,
    clusterName: peer.info.clusterName,
    build: peer.info.build.text,
    tlsName: peer.entry.tlsName || undefined,
  };
}
