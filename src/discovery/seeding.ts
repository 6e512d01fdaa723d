/**
 * Seeding: resolve every seed name to all its addresses, race validation of every address, and take the
 * first node that passes (with load-balancer detection and its peer list). A node that reports no peers, or
 * whose own address is unreachable from here, is only a fallback while a better one may still answer.
 */
import { withChildSignal } from './abort-scope.js';
import type { InfoConnection } from '../protocol/connection.js';
import { endpointKey, formatHostPort, type HostPort } from '../net/endpoint.js';
import type { PeersReply } from '../protocol/values/peers.js';
import { NoSeedNodeError } from './errors.js';
import { detectLoadBalancer, type LoadBalancerVerdict } from './lb-detect.js';
import { connectAndValidate } from './node-connect.js';
import type { DiscoveryContext } from './options.js';
import { readPeers } from './peers.js';
import { race, type AttemptRecord } from './race.js';
import type { Seed } from './seed.js';
import type { NodeInfo } from './validate.js';

export interface SeedCandidate {
  readonly seed: Seed;
  readonly address: HostPort;
}

export interface SeedResolution {
  readonly seed: Seed;
  readonly addresses: readonly string[];
  readonly error: unknown;
}

/** Load-balancer verdict as reported (without the live connection). */
export type SeedVerdict =
  | { readonly kind: 'no-service-list' | 'direct' }
  | { readonly kind: 'redirected'; readonly address: HostPort; readonly advertised: readonly HostPort[] }
  | {
      readonly kind: 'advertised-unreachable';
      readonly advertised: readonly HostPort[];
      readonly failures: readonly { readonly address: HostPort; readonly error: unknown }[];
    };

export interface SeedNode {
  readonly seed: Seed;
  /** The seed address dialled. */
  readonly dialled: HostPort;
  /** The address now used for this node: the advertised one after a redirect, else the dialled one. */
  readonly address: HostPort;
  /** False when the node's advertised address could not be reached (we hold a connection via the seed only). */
  readonly reachable: boolean;
  readonly connection: InfoConnection;
  readonly info: NodeInfo;
  readonly verdict: SeedVerdict;
  readonly peers: PeersReply;
  /** Milliseconds from the start of seeding to this node being validated. */
  readonly validatedMs: number;
}

export interface SeedingResult {
  readonly winner: SeedNode | undefined;
  readonly resolutions: readonly SeedResolution[];
  readonly attempts: readonly AttemptRecord<SeedCandidate>[];
}

export async function resolveSeeds(
  ctx: DiscoveryContext,
  seeds: readonly Seed[],
  signal?: AbortSignal,
): Promise<SeedResolution[]> {
  return Promise.all(
    seeds.map(async (seed) => {
      try {
        return {
          seed,
          addresses: await withChildSignal(signal, (own) => ctx.resolver(seed.host, own)),
          error: undefined,
        };
      } catch (error) {
        return { seed, addresses: [], error };
      }
    }),
  );
}

function reportVerdict(verdict: LoadBalancerVerdict): SeedVerdict {
  if (verdict.kind === 'redirected')
    return { kind: 'redirected', address: verdict.address, advertised: verdict.advertised };
  return verdict;
}

/** Validate one seed address end to end: connect, validate, detect a load balancer, read peers. */
export async function attemptSeed(
  ctx: DiscoveryContext,
  candidate: SeedCandidate,
  started: number,
  signal: AbortSignal,
): Promise<SeedNode> {
  const { seed, address } = candidate;
  const tlsName = seed.tlsName;
  const validated = await connectAndValidate(ctx, address, {
    withServices: ctx.options.detectLoadBalancer,
    ...(tlsName ? { tlsName } : {}),
    signal,
  });
  const validatedMs = performance.now() - started;
  let connection = validated.connection;
  try {
    const verdict = ctx.options.detectLoadBalancer
      ? await detectLoadBalancer(ctx, address, validated.info.nodeId, validated.info.services, connection, {
          ...(tlsName ? { tlsName } : {}),
          signal,
        })
      : ({ kind: 'no-service-list' } as const);
    let nodeAddress = address;
    let reachable = true;
    if (verdict.kind === 'redirected') {
      connection.close();
      connection = verdict.connection;
      nodeAddress = verdict.address;
    } else if (verdict.kind === 'advertised-unreachable') {
      nodeAddress = verdict.advertised[0]!;
      reachable = false;
    }
    const peers = await readPeers(ctx, connection, signal);
    return {
      seed,
      dialled: address,
      address: nodeAddress,
      reachable,
      connection,
      info: validated.info,
      verdict: reportVerdict(verdict),
      peers,
      validatedMs,
    };
  } catch (error) {
    connection.close();
    throw error;
  }
}

export function seedCandidates(resolutions: readonly SeedResolution[]): SeedCandidate[] {
  const seen = new Set<string>();
  const candidates: SeedCandidate[] = [];
  for (const { seed, addresses } of resolutions) {
    for (const host of addresses) {
      const key = endpointKey({ host, port: seed.port });
      if (seen.has(key)) continue;
      seen.add(key);
      candidates.push({ seed, address: { host, port: seed.port } });
    }
  }
  return candidates;
}

/** Race every address of every seed; the first node with peers (and a reachable own address) wins. */
export async function findSeedNode(
  ctx: DiscoveryContext,
  seeds: readonly Seed[],
  options: { signal?: AbortSignal; extraCandidates?: readonly SeedCandidate[] } = {},
): Promise<SeedingResult> {
  const started = performance.now();
  const resolutions = await resolveSeeds(ctx, seeds, options.signal);
  const candidates = [...seedCandidates(resolutions), ...(options.extraCandidates ?? [])];
  const result = await race(candidates, (candidate, signal) => attemptSeed(ctx, candidate, started, signal), {
    maxParallel: ctx.options.maxParallel,
    staggerMs: ctx.options.staggerMs,
    fallbackGraceMs: ctx.options.orphanGraceMs,
    classify: (node) => (node.peers.peers.length > 0 && node.reachable ? 'win' : 'fallback'),
    dispose: (node) => node.connection.close(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { winner: result.winner?.value, resolutions, attempts: result.attempts };
}

export function noSeedNodeError(result: SeedingResult): NoSeedNodeError {
  const failures = [
    ...result.resolutions.filter((r) => r.error).map((r) => ({ address: r.seed.text, error: r.error })),
    ...result.attempts.map((a) => ({
      address: formatHostPort(a.candidate.address),
      error: a.error ?? new Error(a.status === 'cancelled' ? 'no answer before the race ended' : a.status),
    })),
  ];
  const count = result.attempts.length;
  return new NoSeedNodeError(`no node answered on any of ${count} seed address${count === 1 ? '' : 'es'}`, failures);
}
