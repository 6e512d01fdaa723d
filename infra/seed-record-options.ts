/**
 * The props of the SeedRecord construct, their defaults, and the one function that validates them and derives
 * everything the construct needs (names, timeouts, the Lambda's environment). Pure apart from CDK tokens: no
 * resources are created here, so every refusal happens before anything is added to the tree.
 */
import { Duration, Token } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { ConfigError } from '../src/errors.js';
import { markerName, validateOwnerId } from '../src/records/marker.js';
import { canonicalName, inZone } from '../src/records/canonical.js';

export type SeedAddress = 'private' | 'public' | 'ipv6';
export type SeedRecordMode = 'shared' | 'per-node';

export interface SeedRecordLifecycleHookOptions {
  /**
   * How long Auto Scaling waits for the function before terminating anyway (the hook's default result is
   * CONTINUE). Between 30 s and 2 h. @default the function's timeout + 60 s
   */
  readonly heartbeatTimeout?: Duration;
}

export interface SeedRecordProps {
  /** The seed record, fully qualified (e.g. `seed.db.example.com`); must be inside the hosted zone. */
  readonly recordName: string;
  /** The zone holding the record. Give this, or `hostedZoneId` and `zoneName`. */
  readonly hostedZone?: route53.IHostedZone;
  readonly hostedZoneId?: string;
  readonly zoneName?: string;
  /** The groups whose InService instances are published. Give these, or `autoScalingGroupNames`. */
  readonly autoScalingGroups?: readonly autoscaling.IAutoScalingGroup[];
  readonly autoScalingGroupNames?: readonly string[];
  /** Which address of each instance is published. @default 'private' */
  readonly address?: SeedAddress;
  /** The Aerospike service port (health checks probe it). @default 3000 */
  readonly port?: number;
  /** TTL of the published records: how long a resolver may keep handing out a removed node. @default 30 s */
  readonly ttl?: Duration;
  /** One multi-value record changed by compare-and-swap, or one multivalue-answer record per node. @default 'shared' */
  readonly mode?: SeedRecordMode;
  /** Ownership marker id; deployments that share a record must share it. @default derived from the construct path */
  readonly ownerId?: string;
  /** Route 53 health checks per node (per-node mode, public addresses only). @default false */
  readonly healthChecks?: boolean;
  /** At most this many addresses removed per reconcile. @default the handler's default (2) */
  readonly maxRemovals?: number;
  /**
   * Publish at most this many addresses per family: a stable subset (long-lived instances, spread across
   * zones). Clients use seeds only to find the cluster, so a few are enough. Past Route 53's own limit (400
   * values shared, 100 records per-node) a subset is published anyway. @default 0 (as many as Route 53 holds)
   */
  readonly maxRecordSize?: number;
  /**
   * Most concurrent invocations. One (the default) serialises reconciles: a scale-in of N instances then
   * queues N events instead of starting N functions that compete for the account's Route 53 request budget
   * and conflict on the record. @default 1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Run with `--enable-source-maps`: stack traces name src/ files, but loading the map costs cold-start time
   * (see docs/aws.md, "Cold start"). @default false
   */
  readonly sourceMaps?: boolean;
  /** `upsert-only` adds and never removes: a safe first deployment. @default the handler's default (sync) */
  readonly planMode?: 'sync' | 'upsert-only';
  /** The handler's log level. @default the handler's default (info) */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Add an EC2_INSTANCE_TERMINATING hook to each group so terminations wait until clients stop being sent there. */
  readonly lifecycleHook?: SeedRecordLifecycleHookOptions;
  /** Full reconcile on this schedule, because Auto Scaling events reach EventBridge best effort. @default 5 min */
  readonly reconcileEvery?: Duration;
  /** The handler's code. @default the bundle the package ships (dist/lambda); in a checkout, built by `npm run build:lambda` */
  readonly code?: lambda.Code;
  /**
   * A Node.js runtime. The bundle targets Node 20 and runs on any later one. @default Runtime.NODEJS_24_X
   * (Lambda deprecated nodejs20.x on 2026-04-30 and stops creating functions with it on 2027-02-01).
   */
  readonly runtime?: lambda.Runtime;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** Everything the construct needs, validated. */
export interface ResolvedSeedRecord {
  readonly recordName: string;
  readonly markerName: string;
  readonly hostedZoneId: string;
  readonly zoneName: string;
  readonly groupNames: readonly string[];
  readonly address: SeedAddress;
  readonly port: number;
  readonly ttlSeconds: number;
  readonly mode: SeedRecordMode;
  readonly ownerId: string;
  readonly healthChecks: boolean;
  readonly maxRemovals: number | undefined;
  readonly maxRecordSize: number | undefined;
  readonly reservedConcurrentExecutions: number;
  readonly sourceMaps: boolean;
  readonly planMode: SeedRecordProps['planMode'];
  readonly logLevel: SeedRecordProps['logLevel'];
  readonly lifecycleHookName: string | undefined;
  readonly heartbeatTimeout: Duration | undefined;
  readonly functionTimeout: Duration;
  readonly reconcileEvery: Duration;
  readonly logRetention: RetentionDays;
  readonly runtime: lambda.Runtime;
}

export const SEED_RECORD_DEFAULTS = Object.freeze({
  address: 'private',
  port: 3000,
  ttlSeconds: 30,
  mode: 'shared',
  reconcileEveryMinutes: 5,
  reservedConcurrentExecutions: 1,
  logRetention: RetentionDays.ONE_MONTH,
});

/** Route 53 reaches INSYNC "generally within 60 s"; allow twice that, plus a minute for the reconcile itself. */
const INSYNC_ALLOWANCE_S = 120;
const RECONCILE_ALLOWANCE_S = 60;
const LAMBDA_MAX_TIMEOUT_S = 900;

const fail = (path: string, message: string): never => {
  throw new ConfigError(`SeedRecord.${path}`, message);
};

/**
 * The value IAM compares with `route53:ChangeResourceRecordSetsNormalizedRecordNames`: lower case, no trailing
 * dot, and every character other than a-z 0-9 - _ . written as a backslash and three octal digits.
 */
export function normalizedRecordName(name: string): string {
  let out = '';
  for (const ch of canonicalName(name)) {
    if (/^[a-z0-9_.-]$/.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function resolveZone(props: SeedRecordProps): { hostedZoneId: string; zoneName: string } {
  if (props.hostedZone && (props.hostedZoneId !== undefined || props.zoneName !== undefined)) {
    fail('hostedZone', 'give either hostedZone or hostedZoneId + zoneName, not both');
  }
  if (props.hostedZone) {
    let zoneName: string;
    try {
      zoneName = props.hostedZone.zoneName;
    } catch (cause) {
      throw new ConfigError(
        'SeedRecord.hostedZone',
        'the zone has no zoneName (imported with fromHostedZoneId?): import it with HostedZone.fromHostedZoneAttributes',
        { cause },
      );
    }
    return { hostedZoneId: props.hostedZone.hostedZoneId, zoneName };
  }
  if (!props.hostedZoneId || !props.zoneName)
    return fail('hostedZone', 'required: a hostedZone, or hostedZoneId and zoneName');
  const id = Token.isUnresolved(props.hostedZoneId)
    ? props.hostedZoneId
    : props.hostedZoneId.replace(/^\/?hostedzone\//, '');
  if (!Token.isUnresolved(id) && !/^[A-Z0-9]{1,32}$/.test(id))
    fail(
      'hostedZoneId',
      `expected a hosted zone id like Z0123456789ABCDEFGHIJ, got ${JSON.stringify(props.hostedZoneId)}`,
    );
  return { hostedZoneId: id, zoneName: props.zoneName };
}

function resolveGroups(props: SeedRecordProps): string[] {
  const objects = props.autoScalingGroups ?? [];
  const names = props.autoScalingGroupNames ?? [];
  if (objects.length > 0 && names.length > 0)
    fail('autoScalingGroups', 'give either autoScalingGroups or autoScalingGroupNames, not both');
  const all = objects.length > 0 ? objects.map((g) => g.autoScalingGroupName) : [...names];
  if (all.length === 0) fail('autoScalingGroups', 'at least one Auto Scaling group is required');
  const seen = new Set<string>();
  all.forEach((name, i) => {
    if (Token.isUnresolved(name)) return;
    if (name.length === 0 || name.length > 255) fail(`autoScalingGroups[${i}]`, 'a group name has 1 to 255 characters');
    if (name.includes(','))
      fail(
        `autoScalingGroups[${i}]`,
        `${JSON.stringify(name)} contains a comma, which the handler's list (SEEDKEEPER_ASG_NAMES) cannot carry`,
      );
    if (seen.has(name)) fail(`autoScalingGroups[${i}]`, `${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  });
  return all;
}

function wholeSeconds(path: string, d: Duration, min: number, max: number): number {
  if (Token.isUnresolved(d.toSeconds({ integral: false }))) fail(path, 'must be a concrete duration');
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min || s > max)
    fail(path, `expected whole seconds between ${min} and ${max}, got ${s}`);
  return s;
}

/** Validate `props` and derive what the construct needs; `defaultOwnerId` is used when no ownerId is given. */
export function resolveSeedRecord(props: SeedRecordProps, defaultOwnerId: string): ResolvedSeedRecord {
  if (typeof props.recordName !== 'string' || Token.isUnresolved(props.recordName)) {
    fail('recordName', 'must be a plain string (the IAM policy names it), not a token');
  }
  const recordName = canonicalName(props.recordName);
  if (!DNS_NAME.test(recordName))
    fail('recordName', `expected a DNS name like seed.db.example.com, got ${JSON.stringify(props.recordName)}`);
  const { hostedZoneId, zoneName } = resolveZone(props);
  if (!Token.isUnresolved(zoneName) && (!inZone(recordName, zoneName) || recordName === canonicalName(zoneName))) {
    fail(
      'recordName',
      `${recordName} is not a name inside the zone ${canonicalName(zoneName)} (the zone apex cannot be the seed record)`,
    );
  }
  const groupNames = resolveGroups(props);

  const address = props.address ?? SEED_RECORD_DEFAULTS.address;
  if (!['private', 'public', 'ipv6'].includes(address))
    fail('address', `expected private, public or ipv6, got ${JSON.stringify(address)}`);
  const mode = props.mode ?? SEED_RECORD_DEFAULTS.mode;
  if (!['shared', 'per-node'].includes(mode)) fail('mode', `expected shared or per-node, got ${JSON.stringify(mode)}`);
  const port = props.port ?? SEED_RECORD_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail('port', `expected an integer 1-65535, got ${port}`);
  const ttlSeconds =
    props.ttl === undefined ? SEED_RECORD_DEFAULTS.ttlSeconds : wholeSeconds('ttl', props.ttl, 1, 86_400);
  const maxRemovals = props.maxRemovals;
  if (maxRemovals !== undefined && (!Number.isInteger(maxRemovals) || maxRemovals < 1 || maxRemovals > 1000)) {
    fail('maxRemovals', `expected an integer 1-1000, got ${maxRemovals}`);
  }
  const maxRecordSize = props.maxRecordSize;
  const held = mode === 'per-node' ? 100 : 400;
  if (maxRecordSize !== undefined && (!Number.isInteger(maxRecordSize) || maxRecordSize < 0 || maxRecordSize > held)) {
    fail(
      'maxRecordSize',
      `expected an integer 0-${held} (Route 53 holds at most ${held} ${mode === 'per-node' ? 'records per name in per-node mode' : 'values in one record'}), got ${maxRecordSize}`,
    );
  }
  const reserved = props.reservedConcurrentExecutions ?? SEED_RECORD_DEFAULTS.reservedConcurrentExecutions;
  if (!Number.isInteger(reserved) || reserved < 1 || reserved > 1000)
    fail('reservedConcurrentExecutions', `expected an integer 1-1000, got ${reserved}`);
  const { planMode, logLevel } = props;
  if (planMode !== undefined && !['sync', 'upsert-only'].includes(planMode))
    fail('planMode', `expected sync or upsert-only, got ${JSON.stringify(planMode)}`);
  if (logLevel !== undefined && !['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    fail('logLevel', `expected trace, debug, info, warn, error, fatal or silent, got ${JSON.stringify(logLevel)}`);
  }

  const healthChecks = props.healthChecks ?? false;
  if (healthChecks && mode !== 'per-node') {
    fail('healthChecks', "Route 53 health checks attach to one record per node: set mode: 'per-node'");
  }
  if (healthChecks && address === 'private') {
    fail(
      'healthChecks',
      'Route 53 health checkers run outside your VPC and cannot reach private IPs. Publish public addresses, ' +
        "or turn healthChecks off and run seedkeeper's own checker inside the VPC (`seedkeeper run` with the static or cluster source).",
    );
  }

  const runtime = props.runtime ?? lambda.Runtime.NODEJS_24_X;
  if (runtime.family !== lambda.RuntimeFamily.NODEJS)
    fail('runtime', `the handler is a Node.js bundle, got ${runtime.name}`);

  const ownerId = validateOwnerId(props.ownerId ?? defaultOwnerId, 'SeedRecord.ownerId');

  const reconcileEvery = props.reconcileEvery ?? Duration.minutes(SEED_RECORD_DEFAULTS.reconcileEveryMinutes);
  const everyS = wholeSeconds('reconcileEvery', reconcileEvery, 60, 86_400);
  if (everyS % 60 !== 0) fail('reconcileEvery', `EventBridge schedules run in whole minutes, got ${everyS} s`);

  // The function waits, on a terminate lifecycle action, for INSYNC and then the TTL: its timeout covers that.
  let functionTimeoutS = Math.min(LAMBDA_MAX_TIMEOUT_S, INSYNC_ALLOWANCE_S + ttlSeconds + RECONCILE_ALLOWANCE_S);
  let lifecycleHookName: string | undefined;
  let heartbeatTimeout: Duration | undefined;
  if (props.lifecycleHook) {
    lifecycleHookName = `seedkeeper-${ownerId.replace(/\./g, '-')}`;
    if (props.lifecycleHook.heartbeatTimeout) {
      const hb = wholeSeconds('lifecycleHook.heartbeatTimeout', props.lifecycleHook.heartbeatTimeout, 30, 7200);
      // Never outlive the hook: a completion after it expired is refused, and the wait is bounded by it anyway.
      functionTimeoutS = Math.min(functionTimeoutS, hb);
      heartbeatTimeout = props.lifecycleHook.heartbeatTimeout;
    } else {
      heartbeatTimeout = Duration.seconds(functionTimeoutS + 60);
    }
  }

  return {
    recordName,
    markerName: markerName(recordName),
    hostedZoneId,
    zoneName: Token.isUnresolved(zoneName) ? zoneName : canonicalName(zoneName),
    groupNames,
    address,
    port,
    ttlSeconds,
    mode,
    ownerId,
    healthChecks,
    maxRemovals,
    maxRecordSize,
    reservedConcurrentExecutions: reserved,
    sourceMaps: props.sourceMaps ?? false,
    planMode,
    logLevel,
    lifecycleHookName,
    heartbeatTimeout,
    functionTimeout: Duration.seconds(functionTimeoutS),
    reconcileEvery,
    logRetention: props.logRetention ?? SEED_RECORD_DEFAULTS.logRetention,
    runtime,
  };
}

/** The handler's configuration (src/aws/lambda/config.ts refuses unknown SEEDKEEPER_* variables: add none here alone). */
export function handlerEnvironment(r: ResolvedSeedRecord): Record<string, string> {
  const env: Record<string, string> = {
    SEEDKEEPER_RECORD_NAME: r.recordName,
    SEEDKEEPER_HOSTED_ZONE_ID: r.hostedZoneId,
    SEEDKEEPER_ZONE: r.zoneName,
    SEEDKEEPER_ASG_NAMES: r.groupNames.join(','),
    SEEDKEEPER_ADDRESS: r.address,
    SEEDKEEPER_PORT: String(r.port),
    SEEDKEEPER_TTL: String(r.ttlSeconds),
    SEEDKEEPER_MODE: r.mode,
    SEEDKEEPER_OWNER_ID: r.ownerId,
    SEEDKEEPER_HEALTH_CHECKS: String(r.healthChecks),
  };
  // Opt-in: loading the multi-megabyte map slows every cold start; plain traces still name functions (keepNames).
  if (r.sourceMaps) env.NODE_OPTIONS = '--enable-source-maps';
  if (r.maxRecordSize !== undefined) env.SEEDKEEPER_MAX_RECORD_SIZE = String(r.maxRecordSize);
  if (r.maxRemovals !== undefined) env.SEEDKEEPER_MAX_REMOVALS = String(r.maxRemovals);
  if (r.planMode !== undefined) env.SEEDKEEPER_PLAN_MODE = r.planMode;
  if (r.logLevel !== undefined) env.SEEDKEEPER_LOG_LEVEL = r.logLevel;
  return env;
}
