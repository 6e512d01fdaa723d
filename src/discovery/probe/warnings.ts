/**
 * Turn what probing saw into per-seed reports and warnings that name the node, the address and the fix.
 */
import { isIP } from 'node:net';
import { describeError } from '../../errors.js';
import { formatHostPort } from '../../net/endpoint.js';
import { ConnectError, TimeoutError } from '../../protocol/errors.js';
import { portAdvice } from '../../net/seed-ports.js';
import { ClusterNameMismatchError } from '../errors.js';
import type { OversizedPeerList, PeerIssue, RejectedEntries } from '../peers.js';
import type { SeedingResult } from '../seeding.js';
import type { Seed } from '../seed.js';
import type { AttemptReport, NodeReport, ProbeWarning, SeedKind, SeedReport } from './report.js';

const ACCESS_FIX =
  'configure access-address (or alternate-access-address, then probe with --alternate) on the node so it advertises an address clients can reach';

/** Individual peer-unreachable findings per report; the rest are summarised in one line. */
export const MAX_PEER_FINDINGS = 16;

/**
 * Why one address failed, in words and without repeating the address (the report already names it):
 * `connection refused`, `no answer within 1000 ms`, `this port does not speak the Aerospike protocol ...`.
 */
export function failureReason(error: unknown, address: string): string {
  if (error instanceof ConnectError) return error.reason;
  if (error instanceof TimeoutError) {
    return error.phase === 'request'
      ? `accepted the connection but did not answer within ${error.timeoutMs} ms`
      : `no answer within ${error.timeoutMs} ms`;
  }
  const parts = describeError(error).split(': ');
  // Drop the address prefixes that each layer adds, and Node's own "connect ECONNREFUSED host:port".
  const kept = parts.filter((p) => p !== address && !/^(connect|read|write) E[A-Z]+\b/.test(p));
  return kept.length > 0 ? kept.join(': ') : parts.join(': ');
}

function isLoopback(host: string): boolean {
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
}

export function buildSeedReport(seed: Seed, result: SeedingResult, kind: SeedKind | undefined): SeedReport {
  const resolution = result.resolutions[0];
  const winner = result.winner;
  const attempts: AttemptReport[] = result.attempts.map((a) => {
    const address = formatHostPort(a.candidate.address);
    const ms = Math.round(a.elapsedMs * 10) / 10;
    switch (a.status) {
      case 'won':
      case 'fallback':
      case 'lost':
        return {
          address,
          outcome: 'node',
          ms,
          ...(winner && a.status !== 'lost' ? { nodeId: winner.info.nodeId } : {}),
        };
      case 'failed':
        return {
          address,
          outcome: a.error instanceof TimeoutError ? 'no-answer' : 'failed',
          ms,
          error: failureReason(a.error, address),
        };
      case 'cancelled':
        return {
          address,
          outcome: 'no-answer',
          ms,
          error: `no answer within ${Math.round(ms)} ms (another address answered first)`,
        };
      default:
        return { address, outcome: 'not-tried', ms };
    }
  });
  const redirected = winner?.verdict.kind === 'redirected' ? formatHostPort(winner.verdict.address) : undefined;
  const advertised =
    winner && 'advertised' in winner.verdict
      ? winner.verdict.advertised.map(formatHostPort)
      : (winner?.info.services?.map(formatHostPort) ?? []);
  return {
    seed: seed.text,
    addresses: resolution?.addresses ?? [],
    ...(resolution?.error ? { resolveError: describeError(resolution.error) } : {}),
    reached: winner !== undefined,
    loadBalancer: kind === 'load-balancer',
    kind,
    nodeId: winner?.info.nodeId,
    advertised,
    redirectedTo: redirected,
    attempts,
  };
}

interface WarningInput {
  readonly seeds: readonly SeedReport[];
  readonly perSeed: readonly SeedingResult[];
  readonly nodes: readonly NodeReport[];
  readonly issues: readonly PeerIssue[];
  readonly mismatches: readonly ClusterNameMismatchError[];
  readonly oversized?: readonly OversizedPeerList[];
  readonly rejected?: readonly RejectedEntries[];
  readonly expectedClusterName: string | undefined;
}

export function buildWarnings(input: WarningInput): ProbeWarning[] {
  const warnings: ProbeWarning[] = [];
  input.seeds.forEach((seed, i) => {
    const result = input.perSeed[i]!;
    const winner = result.winner;
    if (seed.resolveError) {
      warnings.push({
        code: 'seed-unresolved',
        severity: 'warning',
        message: `seed ${seed.seed}: ${seed.resolveError}`,
        fix: 'check the DNS name (and --dns-server)',
      });
    }
    // One sentence per problem: the address is named once, and only when it differs from the seed text.
    for (const attempt of seed.attempts) {
      const where = attempt.address === seed.seed ? `seed ${seed.seed}` : `seed ${seed.seed} at ${attempt.address}`;
      if (attempt.outcome === 'no-answer') {
        warnings.push({
          code: 'seed-address-silent',
          severity: 'warning',
          address: attempt.address,
          message: `${where}: ${attempt.error ?? 'no answer'}`,
          fix: 'remove dead addresses from the seed record',
        });
      } else if (attempt.outcome === 'failed' && !attempt.error?.includes('belongs to cluster')) {
        const refused = attempt.error === 'connection refused';
        warnings.push({
          code: 'seed-address-failed',
          severity: 'warning',
          address: attempt.address,
          message: `${where}: ${attempt.error ?? 'failed'}`,
          fix: refused
            ? 'check the port: nothing listens there (an Aerospike service port is 3000 unless configured otherwise)'
            : 'remove addresses that are not nodes of this cluster from the seed record',
        });
      }
    }
    if (!winner) {
      // With one address the failure above already says it all.
      if (!seed.resolveError && seed.addresses.length > 1)
        warnings.push({
          code: 'seed-unreachable',
          severity: 'warning',
          message: `seed ${seed.seed}: none of its ${seed.addresses.length} addresses led to a node`,
        });
      return;
    }
    const nodeId = winner.info.nodeId;
    const dialled = formatHostPort(winner.dialled);
    if (winner.verdict.kind === 'no-service-list') {
      warnings.push({
        code: 'no-access-address',
        severity: 'warning',
        nodeId,
        address: dialled,
        message: `node ${nodeId} (seed ${seed.seed}) advertises no address of its own, so a load balancer in front of it cannot be detected`,
        fix: ACCESS_FIX,
      });
    } else if (winner.verdict.kind === 'advertised-unreachable') {
      const advertised = winner.verdict.advertised.map(formatHostPort).join(', ');
      warnings.push({
        code: 'advertised-unreachable',
        severity: 'error',
        nodeId,
        address: advertised,
        message: `seed ${dialled} is not node ${nodeId}'s own address (${seed.kind === 'load-balancer' ? 'a load balancer' : 'load balancer or NAT'}); node ${nodeId} advertises ${advertised}, which is unreachable from here`,
        fix: ACCESS_FIX,
      });
    } else if (winner.verdict.kind === 'redirected') {
      const to = formatHostPort(winner.verdict.address);
      const what = seed.kind === 'load-balancer' ? 'a load balancer' : 'another address of the node (NAT or alias)';
      warnings.push({
        code: 'load-balancer',
        severity: 'info',
        nodeId,
        address: dialled,
        message: `seed ${dialled} is ${what}; node ${nodeId} answered and advertises ${to}, which is reachable: clients should use the direct addresses`,
      });
      if (seed.kind === 'load-balancer' && isLoopback(winner.dialled.host)) {
        warnings.push({
          code: 'loopback-load-balancer',
          severity: 'warning',
          nodeId,
          address: dialled,
          message: `seed ${dialled} is a load balancer on a loopback address: official clients skip load-balancer detection for loopback seeds and would record node ${nodeId} at ${dialled}`,
          fix:
            'give clients the direct node addresses (seedkeeper resolve), or write the seed as ' +
            formatHostPort({ host: `::ffff:${winner.dialled.host}`, port: winner.dialled.port }),
        });
      }
    }
  });
  for (const o of input.oversized ?? []) {
    warnings.push({
      code: 'oversized-peer-list',
      severity: 'warning',
      nodeId: o.reporter,
      message: `node ${o.reporter} lists ${o.listed} peers, more than the ${o.accepted} accepted from one node; only the ${o.accepted} lowest node ids were tried`,
      fix: `check node ${o.reporter}'s peer list (asinfo -v peers-clear-std); raise maxPeersPerNode only for a cluster that really is this large`,
    });
  }
  for (const r of input.rejected ?? []) {
    warnings.push({
      code: 'peer-entry-invalid',
      severity: 'warning',
      nodeId: r.reporter,
      message: `node ${r.reporter}'s peer list has ${r.count} unusable entr${r.count === 1 ? 'y' : 'ies'}, skipped (the rest are used): ${r.examples.join('; ')}`,
      fix: `check the access-address settings of the nodes node ${r.reporter} lists (asinfo -v peers-clear-std on ${r.reporter})`,
    });
  }
  const unreachable = input.issues.filter(
    (issue) => !issue.failures.some((f) => f.error instanceof ClusterNameMismatchError),
  );
  for (const issue of unreachable.slice(0, MAX_PEER_FINDINGS)) {
    const listed = issue.listed.map(formatHostPort).join(', ');
    const reasons = [...new Set(issue.failures.map((f) => failureReason(f.error, formatHostPort(f.address))))].join(
      '; ',
    );
    warnings.push({
      code: 'peer-unreachable',
      severity: 'error',
      nodeId: issue.nodeId,
      address: listed,
      message: `node ${issue.nodeId} (listed by ${issue.reporter} at ${listed}) is unreachable from here: ${reasons}`,
      fix: ACCESS_FIX,
    });
  }
  if (unreachable.length > MAX_PEER_FINDINGS) {
    const reporters = [...new Set(unreachable.slice(MAX_PEER_FINDINGS).map((i) => i.reporter))].join(', ');
    warnings.push({
      code: 'peer-unreachable',
      severity: 'error',
      message: `${unreachable.length - MAX_PEER_FINDINGS} more peers (listed by ${reporters}) are unreachable from here`,
      fix: ACCESS_FIX,
    });
  }
  for (const m of input.mismatches) warnings.push(mismatchWarning(m));
  for (const result of input.perSeed) {
    for (const attempt of result.attempts) {
      if (attempt.error instanceof ClusterNameMismatchError) warnings.push(mismatchWarning(attempt.error));
    }
  }
  const names = new Set(input.nodes.map((n) => n.clusterName).filter((n) => n !== undefined));
  if (names.size > 1 && input.expectedClusterName === undefined) {
    warnings.push({
      code: 'mixed-cluster-names',
      severity: 'error',
      message: `the seeds lead to nodes of different clusters: ${[...names].join(', ')}`,
      fix: 'pass --cluster-name to accept only one cluster, and fix the seed record',
    });
  }
  // Only relevant when a DNS name (such as seedkeeper's record) lists these nodes: direct seeds carry their port.
  for (const advice of portAdvice(
    input.nodes.filter((n) => n.reachable),
    'NAME',
  )) {
    warnings.push({
      code: 'dns-seed-ports',
      severity: 'info',
      message: `if clients seed by a DNS name listing these nodes: ${advice.message}`,
    });
  }
  if (!input.nodes.some((n) => n.reachable)) {
    warnings.push({ code: 'no-node', severity: 'error', message: 'no node of the cluster could be reached from here' });
  }
  return warnings;
}

function mismatchWarning(error: ClusterNameMismatchError): ProbeWarning {
  const address = formatHostPort(error.address);
  return {
    code: 'cluster-name-mismatch',
    severity: 'warning',
    nodeId: error.nodeId,
    address,
    message: `${address} answered as node ${error.nodeId} of cluster ${JSON.stringify(error.received ?? '')}, not ${JSON.stringify(error.expected)}: rejected (a recycled IP or a wrong seed?)`,
    fix: `remove ${address} from the seed record`,
  };
}
