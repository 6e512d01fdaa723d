/**
 * One full reconcile of the seed record from the Auto Scaling groups' current state: list the InService
 * instances (minus any leaving ones), plan with `calculatePlan` and the configured policy, apply through the
 * provider with compare-and-swap, retrying conflicts a bounded number of times. Idempotent: running it twice,
 * or for events delivered out of order, converges on the same record, because nothing comes from the event
 * except which instances are leaving.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { describeError } from '../../errors.js';
import type { DesiredMember, Plan, PlanPolicy } from '../../plan/types.js';
import { DEFAULT_PROVIDER_LIMITS, type ProviderLimits } from '../../records/limits.js';
import type { DnsProvider } from '../../providers/types.js';
import type { Logger } from '../../log/logger.js';
import { reconcileOnce } from '../../reconcile/once.js';
import type { BackoffPolicy } from '../../time/backoff.js';
import type { Clock } from '../../time/clock.js';
import { listAsgCandidates, type AsgListing } from '../../sources/aws-asg.js';
import type { LambdaConfig } from './config.js';
import { planWithLeaving } from './leaving-plan.js';

/** Re-read and re-plan after a compare-and-swap conflict at most this many times. */
export const MAX_CONFLICT_RETRIES = 5;
/** Pause before each of those: 50 ms plus up to 200 ms × attempt (longer than the registrar's: Route 53 is slower). */
export const CONFLICT_BACKOFF: BackoffPolicy = Object.freeze({
  baseMs: 200,
  maxMs: 20_000,
  jitter: 'full',
  growth: 'linear',
  floorMs: 50,
});

export interface ReconcileDeps {
  readonly config: LambdaConfig;
  readonly provider: DnsProvider;
  readonly autoScaling: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface GroupsReconcile {
  /** Undefined when listing the groups failed (then nothing is planned: an API error never empties the record). */
  readonly listing?: AsgListing;
  readonly plan?: Plan;
  readonly applied: boolean;
  readonly attempts: number;
  /** Set when the record could not be brought up to date. */
  readonly error?: unknown;
}

/**
 * The plan policy. The record is capped at what the provider can hold (Route 53: 400 values shared, 100
 * records per-node) through the plan's own size cap, so the plan publishes a stable subset with a
 * `size-capped` note instead of sending a change Route 53 must refuse.
 */
export function policyOf(config: LambdaConfig, limits: ProviderLimits = DEFAULT_PROVIDER_LIMITS): PlanPolicy {
  const held = limits.maxValuesPerSet;
  const maxRecordSize = config.maxRecordSize > 0 ? Math.min(config.maxRecordSize, held) : held;
  return {
    mode: config.planMode,
    ttl: config.ttl,
    ownerId: config.ownerId,
    maxRemovalsPerCycle: config.maxRemovals,
    maxRecordSize,
  };
}

function logListing(logger: Logger, listing: AsgListing): void {
  if (listing.missingGroups.length > 0) {
    logger.error(
      { missingGroups: listing.missingGroups },
      'Auto Scaling group(s) not found: check SEEDKEEPER_ASG_NAMES and the region',
    );
  }
  for (const s of listing.skipped)
    logger.info(
      { instanceId: s.instanceId, group: s.group, reason: s.reason },
      `instance ${s.instanceId} not published: ${s.reason}`,
    );
}

function logPlan(logger: Logger, config: LambdaConfig, plan: Plan): void {
  for (const note of plan.notes) {
    if (note.code === 'not-owned') logger.error({ record: config.recordName, ownerId: config.ownerId }, note.message);
    else if (note.code === 'fail-open') logger.warn({ record: config.recordName }, note.message);
    else if (note.code !== 'in-sync') logger.info({ record: config.recordName, note: note.code }, note.message);
  }
}

/** Reconcile the record; never rejects (a failure is returned in `error`). */
export async function reconcileGroups(
  deps: ReconcileDeps,
  leavingIds: ReadonlySet<string> = new Set(),
): Promise<GroupsReconcile> {
  const { config, logger } = deps;
  let listing: AsgListing;
  try {
    listing = await listAsgCandidates({
      client: deps.autoScaling,
      ec2: deps.ec2,
      groups: config.groups,
      address: config.address,
      port: config.port,
      exclude: leavingIds,
    });
  } catch (error) {
    logger.error(
      { error: describeError(error) },
      'listing the Auto Scaling groups failed; the record is left as it is',
    );
    return { applied: false, attempts: 0, error };
  }
  logListing(logger, listing);
  const desired: DesiredMember[] = listing.candidates.map((c) => ({
    address: c.address,
    id: c.id ?? c.address,
    healthySince: 0,
    ...(c.rack ? { rack: c.rack } : {}),
  }));
  const leaving = new Set(listing.leaving.flatMap((l) => (l.address ? [l.address] : [])));
  const policy = policyOf(config, deps.provider.limits);
  const name = config.recordName;
  const result = await reconcileOnce({
    name,
    provider: deps.provider,
    maxConflictRetries: MAX_CONFLICT_RETRIES,
    plan: (current) =>
      planWithLeaving({ name, current, desired, candidates: listing.instances.length, policy }, leaving),
    backoff: CONFLICT_BACKOFF,
    clock: deps.clock,
    onConflict: (attempt, error) =>
      logger.info({ attempt, error: describeError(error) }, 'the record changed under us; re-reading'),
  });
  if (result.plan) logPlan(logger, config, result.plan);
  if (result.error !== undefined) {
    logger.error(
      { record: name, attempts: result.attempts, error: describeError(result.error) },
      `updating ${name} failed`,
    );
  } else if (result.applied && result.plan) {
    const { added, removed, published } = result.plan;
    logger.info({ record: name, added, removed, published }, `record ${name} updated`);
  }
  return {
    listing,
    ...(result.plan ? { plan: result.plan } : {}),
    applied: result.applied,
    attempts: result.attempts,
    ...(result.error !== undefined ? { error: result.error } : {}),
  };
}
