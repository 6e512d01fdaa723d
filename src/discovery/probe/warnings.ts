/**
 * Turn what probing saw into per-seed reports and warnings that name the node, the address and the fix.
 */
import { isIP } from 'node:net';
import { describeError } from '../../errors.js';
import { formatHostPort } from '../../protocol/host.js';
import { TimeoutError } from '../../protocol/errors.js';
import { ClusterNameMismatchError } from '../errors.js';
import type { PeerIssue } from '../peers.js';
import type { SeedingResult } from '../seeding.js';
import type { Seed } from '../seed.js';
import type { AttemptReport, NodeReport, ProbeWarning, SeedKind, SeedReport } from './report.js';

const ACCESS_FIX =
  'configure access-address (or alternate-access-address, then probe with --alternate) on the node so it advertises an address clients can reach';

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
        return { address, outcome: 'node', ms, ...(winner && a.status !== 'lost' ? { nodeId: winner.info.nodeId } : {}) };
      case 'failed':
        return { address, outcome: a.error instanceof TimeoutError ? 'no-answer' : 'failed', ms, error: describeError(a.error) };
      case 'cancelled':
        return { address, outcome: 'no-answer', ms, error: `no answer within ${Math.round(ms)} ms (another address answered first)` };
      default:
        return { address, outcome: 'not-tried', ms };
    }
  });
  const redirected = winner?.verdict.kind === 'redirected' ? formatHostPort(winner.verdict.address) : undefined;
  const advertised = winner && 'advertised' in winner.verdict ? winner.verdict.advertised.map(formatHostPort) : winner?.info.services?.map(formatHostPort) ?? [];
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
  readonly expectedClusterName: string | undefined;
}

export function buildWarnings(input: WarningInput): ProbeWarning[] {
  const warnings: ProbeWarning[] = [];
  input.seeds.forEach((seed, i) => {
    const result = input.perSeed[i]!;
    const winner = result.winner;
    if (seed.resolveError) {
      warnings.push({ code: 'seed-unresolved', severity: 'warning', message: `seed ${seed.seed}: ${seed.resolveError}`, fix: 'check the DNS name (and --dns-server)' });
    }
    for (const attempt of seed.attempts) {
      if (attempt.outcome === 'no-answer') {
        warnings.push({ code: 'seed-address-silent', severity: 'warning', address: attempt.address, message: `seed ${seed.seed}: ${attempt.address} did not answer (${attempt.error ?? 'timeout'})`, fix: 'remove dead addresses from the seed record' });
      } else if (attempt.outcome === 'failed' && !attempt.error?.includes('belongs to cluster')) {
        warnings.push({ code: 'seed-address-failed', severity: 'warning', address: attempt.address, message: `seed ${seed.seed}: ${attempt.address}: ${attempt.error ?? 'failed'}`, fix: 'remove addresses that are not nodes of this cluster from the seed record' });
      }
    }
    if (!winner) {
      if (!seed.resolveError) warnings.push({ code: 'seed-unreachable', severity: 'warning', message: `seed ${seed.seed}: no node answered on ${seed.addresses.length} address(es)` });
      return;
    }
    const nodeId = winner.info.nodeId;
    const dialled = formatHostPort(winner.dialled);
    if (winner.verdict.kind === 'no-service-list') {
      warnings.push({ code: 'no-access-address', severity: 'warning', nodeId, address: dialled, message: `node ${nodeId} (seed ${seed.seed}) advertises no address of its own, so a load balancer in front of it cannot be detected`, fix: ACCESS_FIX });
    } else if (winner.verdict.kind === 'advertised-unreachable') {
      const advertised = winner.verdict.advertised.map(formatHostPort).join(', ');
      warnings.push({
        code: 'advertised-unreachable', severity: 'error', nodeId, address: advertised,
        message: `seed ${dialled} is not node ${nodeId}'s own address (${seed.kind === 'load-balancer' ? 'a load balancer' : 'load balancer or NAT'}); node ${nodeId} advertises ${advertised}, which is unreachable from here`,
        fix: ACCESS_FIX,
      });
    } else if (winner.verdict.kind === 'redirected') {
      const to = formatHostPort(winner.verdict.address);
      const what = seed.kind === 'load-balancer' ? 'a load balancer' : 'another address of the node (NAT or alias)';
      warnings.push({ code: 'load-balancer', severity: 'info', nodeId, address: dialled, message: `seed ${dialled} is ${what}; node ${nodeId} answered and advertises ${to}, which is reachable: clients should use the direct addresses` });
      if (seed.kind === 'load-balancer' && isLoopback(winner.dialled.host)) {
        warnings.push({
          code: 'loopback-load-balancer', severity: 'warning', nodeId, address: dialled,
          message: `seed ${dialled} is a load balancer on a loopback address: official clients skip load-balancer detection for loopback seeds and would record node ${nodeId} at ${dialled}`,
          fix: 'give clients the direct node addresses (seedkeeper resolve), or write the seed as [::ffff:' + winner.dialled.host + ']:' + String(winner.dialled.port),
        });
      }
    }
  });
  for (const issue of input.issues) {
    if (issue.failures.some((f) => f.error instanceof ClusterNameMismatchError)) continue;
    const listed = issue.listed.map(formatHostPort).join(', ');
    warnings.push({
      code: 'peer-unreachable', severity: 'error', nodeId: issue.nodeId, address: listed,
      message: `node ${issue.nodeId} (listed by ${issue.reporter} at ${listed}) is unreachable from here: ${issue.failures.map((f) => describeError(f.error)).join('; ')}`,
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
    warnings.push({ code: 'mixed-cluster-names', severity: 'error', message: `the seeds lead to nodes of different clusters: ${[...names].join(', ')}`, fix: 'pass --cluster-name to accept only one cluster, and fix the seed record' });
  }
  if (!input.nodes.some((n) => n.reachable)) {
    warnings.push({ code: 'no-node', severity: 'error', message: 'no node of the cluster could be reached from here' });
  }
  return warnings;
}

function mismatchWarning(error: ClusterNameMismatchError): ProbeWarning {
  const address = formatHostPort(error.address);
  return {
    code: 'cluster-name-mismatch', severity: 'warning', nodeId: error.nodeId, address,
    message: `${address} answered as node ${error.nodeId} of cluster ${JSON.stringify(error.received ?? '')}, not ${JSON.stringify(error.expected)}: rejected (a recycled IP or a wrong seed?)`,
    fix: `remove ${address} from the seed record`,
  };
}
