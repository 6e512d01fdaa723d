/**
 * Amazon Route 53 as a DnsProvider (AWS SDK v3).
 *
 * - mode `shared`: one multi-value A/AAAA record per name, changed only by compare-and-swap: an update is
 *   DELETE of the exact set read + CREATE of the new one in one change batch, which Route 53 refuses if the
 *   set changed meanwhile -> ConflictError, and the registrar re-reads, re-plans and retries.
 * - mode `per-node`: one multivalue-answer record per member (SetIdentifier = node or instance id), each
 *   optionally tied to a Route 53 health check; members are added and removed one record at a time.
 *
 * Every request goes through one rate budget (see rate.ts) with bounded, jittered retries on Throttling,
 * PriorRequestNotComplete and 5xx. Reads are never cached for a compare-and-swap: read() always lists.
 * apply() keeps the ownership marker in the same batch as the records, splits batches only past Route 53's
 * limits, and waits for INSYNC when `waitForInsync` is set.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { canonicalName, canonicalSet, sameSet } from '../../records/canonical.js';
import { DEFAULT_PROVIDER_LIMITS, type ProviderLimits } from '../../records/limits.js';
import { ProviderError, type ApplyResult, type DnsProvider } from '../types.js';
import type { RecordChange, RecordSet, RecordType } from '../../records/types.js';
import { checkRecordName, validateRecordSet } from '../validate.js';
import { packBatches, type Unit } from './batch.js';
import { fromRoute53Name } from './codec.js';
import { PROVIDER } from './errors.js';
import { createHealthCheck, deleteHealthChecks, releaseHealthChecks, requireCheckable } from './health-checks.js';
import { waitForChange } from './insync.js';
import { listRecordsAt } from './list.js';
import { resolveOptions, type Route53Logger, type Route53Mode, type Route53ProviderOptions } from './options.js';
import {
  aggregateMembers,
  isMemberRecord,
  memberRecordsOf,
  memberUnits,
  ROUTE53_MAX_MEMBER_RECORDS,
  type MemberAddition,
} from './per-node.js';
import { operationBuckets, Route53Caller, type Route53Stats } from './rate.js';
import { exactRecordFrom, ROUTE53_MAX_VALUES, simpleSetFrom, simpleUnit } from './simple.js';
import { refusedError, submitBatches } from './submit.js';
import { InvalidArgumentError } from '../../errors.js';

export interface Route53Provider extends DnsProvider {
  readonly kind: 'route53';
  readonly mode: Route53Mode;
  /** Without the `/hostedzone/` prefix. */
  readonly hostedZoneId: string;
  /** Id of the last change batch Route 53 accepted (for waitForInsync). */
  readonly lastChangeId: string | undefined;
  /** Requests, retries and throttling seen so far. */
  readonly stats: Readonly<Route53Stats>;
  /**
   * Polls GetChange until `changeId` is INSYNC; ERR_ROUTE53_INSYNC_TIMEOUT after `timeoutMs` (default: the
   * configured waitForInsync.timeoutMs, else 120 s).
   */
  waitForInsync(changeId: string, options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * What one record name can hold: 400 values in the shared record; 100 multivalue-answer records (one per
 * member) per name and type in per-node mode. The plan keeps to these, so no member count makes a write fail.
 */
export function route53Limits(mode: Route53Mode): ProviderLimits {
  return Object.freeze({
    ...DEFAULT_PROVIDER_LIMITS,
    maxValuesPerSet: mode === 'per-node' ? ROUTE53_MAX_MEMBER_RECORDS : ROUTE53_MAX_VALUES,
  });
}

/** Data, not configuration: the next reconcile with fewer members (or a capped plan) succeeds. Never `usage`. */
function memberQuotaError(name: string, type: string, records: number): ProviderError {
  return new ProviderError(
    PROVIDER,
    'ERR_ROUTE53_RECORD_QUOTA',
    `${name} ${type}: ${records} multivalue-answer records after this change; Route 53 allows at most ${ROUTE53_MAX_MEMBER_RECORDS} with the same name and type. Nothing was sent. Cap the record (the plan's maxRecordSize; clients need only a few seeds) or use mode shared (up to ${ROUTE53_MAX_VALUES} values)`,
    { labels: ['retryable'] },
  );
}

const SILENT: Route53Logger = { warn: () => undefined, info: () => undefined, debug: () => undefined };
const TYPES: readonly RecordType[] = ['A', 'AAAA', 'TXT'];

export function createRoute53Provider(options: Route53ProviderOptions): Route53Provider {
  const cfg = resolveOptions(options);
  const { client, hostedZoneId, zone, mode } = cfg;
  const log = options.logger ?? SILENT;
  const stats: Route53Stats = { requests: 0, retries: 0, throttled: 0 };
  const operations = operationBuckets(cfg.clock);
  const caller = new Route53Caller({
    budget: cfg.budget,
    operations,
    retry: cfg.retry,
    clock: cfg.clock,
    random: cfg.random,
    zoneId: hostedZoneId,
    log,
    stats,
  });
  const hcDeps = cfg.healthChecks === undefined ? undefined : { caller, client, settings: cfg.healthChecks, log };
  /** Records at each name as last listed: the exact spelling to DELETE, and per-node members' records. */
  const listed = new Map<string, ResourceRecordSet[]>();
  let lastChangeId: string | undefined;
  let closed = false;
  let clientChecked = false;

  const ensureOpen = (): void => {
    if (closed) throw new ProviderError(PROVIDER, 'ERR_PROVIDER_CLOSED', 'the provider is closed');
  };

  async function checkClientRetries(): Promise<void> {
    if (clientChecked) return;
    clientChecked = true;
    try {
      const attempts = await client.config.maxAttempts();
      if (attempts > 1) {
        log.warn(
          { maxAttempts: attempts },
          `route53: the client retries on its own (maxAttempts ${attempts}); create it with maxAttempts: 1 so that every request counts against the provider's rate budget`,
        );
      }
    } catch {
      // A client without the setting: nothing to check.
    }
  }

  async function refresh(names: readonly string[]): Promise<void> {
    for (const [name, records] of await listRecordsAt(caller, client, hostedZoneId, names)) listed.set(name, records);
  }

  function routed(name: string, type: RecordType, what: string): ProviderError {
    return new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_ROUTING_POLICY',
      `${name} ${type} ${what}; this provider (mode ${mode}) manages ${mode === 'shared' ? 'one simple record' : 'multivalue-answer records, one per member'} there. Use mode ${mode === 'shared' ? 'per-node' : 'shared'}, another name, or remove those records by hand`,
      { labels: ['usage'] },
    );
  }

  function setsAt(name: string, records: readonly ResourceRecordSet[]): RecordSet[] {
    const out: RecordSet[] = [];
    for (const type of TYPES) {
      const here = records.filter((r) => r.Type === type);
      if (here.length === 0) continue;
      if (type === 'TXT' || mode === 'shared') {
        if (here.some((r) => r.SetIdentifier !== undefined))
          throw routed(name, type, 'holds records with a routing policy (SetIdentifier)');
        out.push(simpleSetFrom(here[0]!, type));
      } else {
        if (here.some((r) => !isMemberRecord(r)))
          throw routed(name, type, 'holds a simple record or records of another routing policy');
        out.push(aggregateMembers(name, type, here)!);
      }
    }
    return out;
  }

  async function read(names: readonly string[]): Promise<readonly RecordSet[]> {
    ensureOpen();
    await checkClientRetries();
    const wanted = [...new Set(names.map((n) => checkRecordName(PROVIDER, n, zone)))];
    await refresh(wanted);
    return wanted.flatMap((name) => setsAt(name, listed.get(name) ?? []));
  }

  function check(change: RecordChange): void {
    const target = change.kind === 'update' ? change.after : change.kind === 'create' ? change.set : undefined;
    const source = change.kind === 'update' ? change.before : change.kind === 'delete' ? change.set : undefined;
    if (source) checkRecordName(PROVIDER, source.name, zone);
    if (!target) return;
    if (mode === 'shared' && target.values.length > ROUTE53_MAX_VALUES) {
      throw new ProviderError(
        PROVIDER,
        'ERR_ROUTE53_TOO_MANY_VALUES',
        `${canonicalName(target.name)} ${target.type}: ${target.values.length} values; a Route 53 record holds at most ${ROUTE53_MAX_VALUES}. Cap it with the plan's maxRecordSize (clients need only a few seeds)`,
      );
    }
    for (let i = 0; i === 0 || i < target.values.length; i += ROUTE53_MAX_VALUES)
      validateRecordSet(PROVIDER, { ...target, values: target.values.slice(i, i + ROUTE53_MAX_VALUES) }, zone);
  }

  async function unitsFor(changes: readonly RecordChange[]): Promise<{ units: Unit[]; additions: MemberAddition[] }> {
    const nameOf = (c: RecordChange): string => canonicalName(c.kind === 'update' ? c.after.name : c.set.name);
    const members = (c: RecordChange): boolean =>
      mode === 'per-node' && (c.kind === 'update' ? c.after : c.set).type !== 'TXT';
    const unlisted = [...new Set(changes.filter(members).map(nameOf))].filter((n) => !listed.has(n));
    if (unlisted.length > 0) await refresh(unlisted);
    const units: Unit[] = [];
    const additions: MemberAddition[] = [];
    for (const change of changes) {
      const name = nameOf(change);
      const records = listed.get(name) ?? [];
      if (!members(change)) {
        units.push(simpleUnit(change, exactRecordFrom(records)));
        continue;
      }
      const type = (change.kind === 'update' ? change.after : change.set).type as 'A' | 'AAAA';
      const planned = memberUnits(change, memberRecordsOf(records, name, type));
      if (planned.recordsAfter > ROUTE53_MAX_MEMBER_RECORDS) throw memberQuotaError(name, type, planned.recordsAfter);
      units.push(...planned.units);
      additions.push(...planned.additions);
    }
    return { units, additions };
  }

  async function attachHealthChecks(additions: readonly MemberAddition[]): Promise<void> {
    if (hcDeps === undefined || additions.length === 0) return;
    requireCheckable(additions);
    try {
      for (const addition of additions) {
        const id = await createHealthCheck(hcDeps, addition);
        addition.record.HealthCheckId = id;
        addition.unit.createdHealthChecks.push(id);
      }
    } catch (error) {
      await deleteHealthChecks(
        hcDeps,
        additions.flatMap((a) => a.unit.createdHealthChecks),
        'creating the health checks of this change failed',
      );
      throw error;
    }
  }

  async function apply(changes: readonly RecordChange[]): Promise<ApplyResult> {
    ensureOpen();
    await checkClientRetries();
    if (changes.length === 0) return { applied: 0 };
    changes.forEach(check);
    // Conditions (an update from a set to itself: the lease fence of replicas) go into every batch.
    const isCondition = (c: RecordChange): boolean =>
      c.kind === 'update' && sameSet(canonicalSet(c.before), canonicalSet(c.after));
    const conditions = changes
      .filter(isCondition)
      .map((c) =>
        simpleUnit(c, exactRecordFrom(listed.get(canonicalName(c.kind === 'update' ? c.before.name : '')) ?? [])),
      );
    const { units, additions } = await unitsFor(changes.filter((c) => !isCondition(c)));
    const batches = packBatches(units, undefined, conditions);
    await attachHealthChecks(additions);
    const outcome = await submitBatches(
      { caller, client, hostedZoneId, log },
      batches,
      mode === 'per-node',
      conditions,
    );
    // What was listed at the changed names is stale now (whether or not the batches went through).
    for (const name of new Set(
      units.flatMap((u) => u.changes.map((c) => fromRoute53Name(c.ResourceRecordSet?.Name ?? ''))),
    ))
      listed.delete(name);
    lastChangeId = outcome.changeIds.at(-1) ?? lastChangeId;
    if (hcDeps !== undefined) {
      const unapplied = units.filter((u) => !outcome.applied.includes(u));
      await deleteHealthChecks(
        hcDeps,
        unapplied.flatMap((u) => u.createdHealthChecks),
        'its record change was not applied',
      );
      await releaseHealthChecks(
        hcDeps,
        outcome.applied.flatMap((u) => u.releasedHealthChecks),
      );
    }
    if (outcome.fatal !== undefined) throw outcome.fatal;
    const refused = refusedError(outcome, units.length);
    if (refused) throw refused;
    if (cfg.waitOnApply) for (const id of outcome.changeIds) await waitForInsync(id);
    return { applied: changes.length };
  }

  function waitForInsync(changeId: string, wait: { readonly timeoutMs?: number } = {}): Promise<void> {
    ensureOpen();
    const timeoutMs = wait.timeoutMs ?? cfg.insync.timeoutMs;
    if (!(timeoutMs > 0)) throw new InvalidArgumentError('timeoutMs', `${timeoutMs} must be positive`);
    return waitForChange({ caller, client, clock: cfg.clock }, changeId, timeoutMs, cfg.insync.pollMs);
  }

  return {
    kind: 'route53',
    limits: route53Limits(mode),
    capabilities: { recordPerMember: mode === 'per-node' },
    zone,
    mode,
    hostedZoneId,
    stats,
    get lastChangeId() {
      return lastChangeId;
    },
    read,
    apply,
    waitForInsync,
    close(): Promise<void> {
      closed = true;
      return Promise.resolve();
    },
  };
}
