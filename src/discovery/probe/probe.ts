/**
 * `probe`: examine every seed on its own (each one's addresses raced), then grow the cluster from all the
 * nodes found, and explain what a client would run into. Unlike `Cluster.connect()`, which stops at the first
 * good node, a probe reports on every seed.
 */
import { withChildSignal } from '../abort-scope.js';
import { formatHostPort, sameEndpoint } from '../../net/endpoint.js';
import { parseNodeId } from '../../protocol/values/node-id.js';
import { withAlias, withNode, EMPTY_CLUSTER, type ClusterDescription } from '../description.js';
import { ClusterNameMismatchError } from '../errors.js';
import { openConnection } from '../node-connect.js';
import { createContext, type DiscoveryContext, type DiscoveryOptions } from '../options.js';
import { applyPeerAliases, describePeer, expandFromPeers, type PeerIssue } from '../peers.js';
import { findSeedNode, type SeedingResult, type SeedNode } from '../seeding.js';
import { parseSeeds, type Seed } from '../seed.js';
import type { NodeReport, ProbeReport, SeedKind } from './report.js';
import { buildSeedReport, buildWarnings } from './warnings.js';
import { negativeTtlWarning, zoneNegativeTtl } from './negative-ttl.js';

/** Extra connections to a redirected seed address, to tell a load balancer from NAT or an alias. */
const LB_CONFIRM_CONNECTIONS = 2;

export interface ProbeOptions extends DiscoveryOptions {
  readonly signal?: AbortSignal;
}

async function classifySeed(ctx: DiscoveryContext, node: SeedNode): Promise<SeedKind> {
  if (node.verdict.kind === 'direct') return 'direct';
  if (node.verdict.kind === 'no-service-list') return 'unknown';
  // A redirect says only "not the node's own address". Dial the seed again: a load balancer hands us other nodes.
  for (let i = 0; i < LB_CONFIRM_CONNECTIONS; i++) {
    try {
      const connection = await openConnection(
        ctx,
        node.dialled,
        node.seed.tlsName ? { tlsName: node.seed.tlsName } : {},
      );
      try {
        const id = parseNodeId((await connection.info(['node'])).value('node'));
        if (id !== node.info.nodeId) return 'load-balancer';
      } finally {
        connection.close();
      }
    } catch {
      // An LB whose next backend is down still counts as "not this node"; keep looking.
    }
  }
  return 'alias';
}

export async function probe(seedTexts: readonly string[], options: ProbeOptions = {}): Promise<ProbeReport> {
  const ctx = createContext(options);
  const seeds: Seed[] = parseSeeds(seedTexts, ctx.options.defaultPort);
  const started = performance.now();
  // Only through resolvers we can ask for an SOA: explicit DNS servers, or the system's (not an injected function).
  const negativeTtls = options.resolver
    ? Promise.resolve([])
    : Promise.all(
        [...new Set(seeds.map((s) => s.host))].map((host) =>
          zoneNegativeTtl(host, options.dnsServers?.length ? { servers: options.dnsServers } : {}),
        ),
      );
  const perSeed: SeedingResult[] = await Promise.all(
    seeds.map((seed) =>
      withChildSignal(options.signal, (signal) => findSeedNode(ctx, [seed], signal ? { signal } : {})),
    ),
  );
  const winners = perSeed.flatMap((r) => (r.winner ? [r.winner] : []));
  const firstNodeMs = winners.length > 0 ? Math.min(...winners.map((w) => w.validatedMs)) : undefined;
  const kinds = await Promise.all(winners.map((w) => classifySeed(ctx, w)));

  let cluster: ClusterDescription = EMPTY_CLUSTER;
  const sources = new Map<string, string>();
  for (const winner of winners) {
    const { info } = winner;
    const existing = cluster.nodes.get(info.nodeId);
    if (existing) {
      // The same node reached through another seed: one node, one more alias.
      cluster = withNode(
        cluster,
        withAlias(existing, sameEndpoint(winner.address, existing.address) ? winner.dialled : winner.address),
      );
      winner.connection.close();
      continue;
    }
    cluster = withNode(cluster, {
      nodeId: info.nodeId,
      address: winner.address,
      aliases: [],
      reachable: winner.reachable,
      clusterName: info.clusterName,
      build: info.build.text,
      tlsName: winner.seed.tlsName,
    });
    if (winner.verdict.kind === 'direct' && !sameEndpoint(winner.dialled, winner.address)) {
      cluster = withNode(cluster, withAlias(cluster.nodes.get(info.nodeId)!, winner.dialled));
    }
    sources.set(info.nodeId, `seed ${winner.seed.text}`);
  }

  const known = new Set(cluster.nodes.keys());
  const expansion = await expandFromPeers(
    ctx,
    known,
    winners.map((w) => ({ nodeId: w.info.nodeId, peers: w.peers })),
    options.signal ? { signal: options.signal } : {},
  );
  for (const peer of expansion.added) {
    cluster = withNode(cluster, describePeer(peer));
    const reporter = winners.find((w) => w.peers.peers.some((p) => p.nodeId === peer.entry.nodeId))?.info.nodeId;
    sources.set(peer.info.nodeId, `peers of ${reporter ?? 'a peer'}`);
  }
  cluster = applyPeerAliases(
    cluster,
    [...winners.map((w) => w.peers), ...expansion.added.map((p) => p.peers)],
    ctx.translate,
  );
  for (const w of winners) w.connection.close();
  for (const p of expansion.added) p.connection.close();
  const clusterMs = performance.now() - started;

  const nodes: NodeReport[] = [...cluster.nodes.values()].map((n) => ({
    nodeId: n.nodeId,
    address: n.address.host,
    port: n.address.port,
    reachable: n.reachable,
    aliases: n.aliases.map(formatHostPort),
    build: n.build,
    clusterName: n.clusterName,
    source: sources.get(n.nodeId) ?? 'seed',
  }));
  nodes.push(...unreachablePeers(expansion.issues, cluster));

  const seedReports = perSeed.map((result, i) => {
    const winnerIndex = winners.indexOf(result.winner!);
    return buildSeedReport(seeds[i]!, result, winnerIndex >= 0 ? kinds[winnerIndex] : undefined);
  });
  const warnings = buildWarnings({
    seeds: seedReports,
    perSeed,
    nodes,
    issues: expansion.issues,
    mismatches: expansion.mismatches,
    oversized: expansion.oversized,
    rejected: expansion.rejected,
    expectedClusterName: ctx.options.clusterName,
  });
  for (const found of await negativeTtls) {
    const warning = negativeTtlWarning(found);
    if (warning) warnings.push(warning);
  }
  const clusterNames = new Set(nodes.map((n) => n.clusterName).filter((n) => n !== undefined));
  return {
    seeds: seedReports,
    nodes,
    warnings,
    clusterName: clusterNames.size === 1 ? [...clusterNames][0] : ctx.options.clusterName,
    timings: { firstNodeMs, clusterMs },
    ok: nodes.some((n) => n.reachable) && !warnings.some((w) => w.severity === 'error'),
  };
}

/** Nodes we know only from peer lists because none of their listed addresses answered. */
function unreachablePeers(issues: readonly PeerIssue[], cluster: ClusterDescription): NodeReport[] {
  const seen = new Set<string>();
  return issues.flatMap((issue) => {
    if (cluster.nodes.has(issue.nodeId) || seen.has(issue.nodeId) || issue.listed.length === 0) return [];
    // A node of another cluster is reported as a mismatch, not as an unreachable member.
    if (issue.failures.some((f) => f.error instanceof ClusterNameMismatchError)) return [];
    seen.add(issue.nodeId);
    const address = issue.listed[0]!;
    return [
      {
        nodeId: issue.nodeId,
        address: address.host,
        port: address.port,
        reachable: false,
        aliases: issue.listed.slice(1).map(formatHostPort),
        build: undefined,
        clusterName: undefined,
        source: `peers of ${issue.reporter}`,
      },
    ];
  });
}
