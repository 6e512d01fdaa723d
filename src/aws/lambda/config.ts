/**
 * The Lambda's configuration: SEEDKEEPER_* environment variables, validated once with zod. Every error is a
 * ConfigError whose path is the variable's name and whose message says what was expected and what was given
 * (none of these variables holds a secret). Empty values count as unset; unknown SEEDKEEPER_* variables are
 * errors (a typo must not silently fall back to a default).
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | SEEDKEEPER_RECORD_NAME | (required) | the seed name clients use, e.g. seed.db.example.com |
 * | SEEDKEEPER_HOSTED_ZONE_ID | (required) | Route 53 hosted zone id (`Z…` or `/hostedzone/Z…`) |
 * | SEEDKEEPER_ZONE | record minus its first label | the hosted zone's name; must contain the record |
 * | SEEDKEEPER_ASG_NAMES | (required) | comma-separated Auto Scaling group names; all feed the one record |
 * | SEEDKEEPER_ADDRESS | private | private (IPv4), public (IPv4) or ipv6 address of each instance |
 * | SEEDKEEPER_PORT | 3000 | service port (health checks probe it) |
 * | SEEDKEEPER_TTL | 30 | TTL of the record, seconds; a terminate lifecycle action waits it out |
 * | SEEDKEEPER_MODE | shared | shared (one multi-value record, compare-and-swap) or per-node (one multivalue-answer record per instance) |
 * | SEEDKEEPER_OWNER_ID | seedkeeper | identity in the ownership marker; a record with another owner is never touched |
 * | SEEDKEEPER_MAX_REMOVALS | 2 | most addresses removed per reconcile; an instance leaving through a terminate lifecycle action does not count |
 * | SEEDKEEPER_MAX_RECORD_SIZE | 0 | publish at most this many addresses per family, a stable subset (0 = as many as Route 53 holds: 400 shared, 100 per-node) |
 * | SEEDKEEPER_HEALTH_CHECKS | false | per-node only, public or ipv6 addresses only: a Route 53 TCP health check per record |
 * | SEEDKEEPER_PLAN_MODE | sync | sync, or upsert-only (never remove, not even a leaving instance) |
 * | SEEDKEEPER_LOG_LEVEL | info | trace, debug, info, warn, error, fatal or silent |
 */
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { canonicalName, inZone } from '../../records/canonical.js';
import type { AsgAddressKind } from '../../sources/aws-asg.js';
import { DEFAULT_SERVICE_PORT } from '../../net/endpoint.js';

const DNS_NAME = /^(?=.{1,253}\.?$)([A-Za-z0-9_-]{1,63}\.)+[A-Za-z0-9_-]{1,63}\.?$/;
const FQDN_TEXT = 'expected a fully qualified DNS name like seed.db.example.com';

function wholeNumber(min: number, max: number, fallback: number, what = 'a whole number'): z.ZodType<number> {
  const text = `expected ${what} ${min}..${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d{1,10}$/, text)
    .transform(Number)
    .pipe(z.number().int().min(min, text).max(max, text))
    .default(fallback);
}

function flag(fallback: boolean): z.ZodType<boolean> {
  return z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false'], 'expected true or false'))
    .transform((v) => v === 'true')
    .default(fallback);
}

const schema = z
  .object({
    SEEDKEEPER_RECORD_NAME: z
      .string({ error: `required: ${FQDN_TEXT}` })
      .trim()
      .regex(DNS_NAME, FQDN_TEXT),
    SEEDKEEPER_HOSTED_ZONE_ID: z
      .string({ error: 'required: the Route 53 hosted zone id, like Z0123456789ABCDEFGHIJ' })
      .trim()
      .regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, 'expected a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ'),
    SEEDKEEPER_ZONE: z.string().trim().regex(DNS_NAME, 'expected the hosted zone name, like db.example.com').optional(),
    SEEDKEEPER_ASG_NAMES: z
      .string({ error: 'required: comma-separated Auto Scaling group names' })
      .transform((v) => [
        ...new Set(
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z
          .array(z.string().max(255, 'expected group names of at most 255 characters'))
          .min(1, 'expected at least one Auto Scaling group name'),
      ),
    SEEDKEEPER_ADDRESS: z.enum(['private', 'public', 'ipv6'], 'expected private, public or ipv6').default('private'),
    SEEDKEEPER_PORT: wholeNumber(1, 65535, DEFAULT_SERVICE_PORT, 'a port'),
    SEEDKEEPER_TTL: wholeNumber(1, 86_400, 30, 'a TTL in seconds'),
    SEEDKEEPER_MODE: z.enum(['shared', 'per-node'], 'expected shared or per-node').default('shared'),
    SEEDKEEPER_OWNER_ID: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,63}$/, 'expected 1-63 letters, digits, dots, dashes or underscores')
      .default('seedkeeper'),
    SEEDKEEPER_MAX_REMOVALS: wholeNumber(1, 1000, 2),
    SEEDKEEPER_MAX_RECORD_SIZE: wholeNumber(0, 400, 0),
    SEEDKEEPER_HEALTH_CHECKS: flag(false),
    SEEDKEEPER_PLAN_MODE: z.enum(['sync', 'upsert-only'], 'expected sync or upsert-only').default('sync'),
    SEEDKEEPER_LOG_LEVEL: z
      .enum(
        ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
        'expected trace, debug, info, warn, error, fatal or silent',
      )
      .default('info'),
  })
  .strict();

export interface LambdaConfig {
  /** Canonical record name (lowercase, no trailing dot). */
  readonly recordName: string;
  /** Bare hosted zone id (without `/hostedzone/`). */
  readonly hostedZoneId: string;
  readonly zone: string;
  readonly groups: readonly string[];
  readonly address: AsgAddressKind;
  readonly port: number;
  readonly ttl: number;
  readonly mode: 'shared' | 'per-node';
  readonly ownerId: string;
  readonly maxRemovals: number;
  /** 0 = no cap of our own (the provider's limit still applies). */
  readonly maxRecordSize: number;
  readonly healthChecks: boolean;
  readonly planMode: 'sync' | 'upsert-only';
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}

/** Every variable this Lambda reads, for docs and the unknown-variable check. */
export const CONFIG_VARIABLES = Object.freeze(Object.keys(schema.shape));

function fail(variable: string, message: string, env: Readonly<Record<string, string | undefined>>): never {
  const given = env[variable];
  throw new ConfigError(
    variable,
    given === undefined || given === '' ? message : `${message}, got ${JSON.stringify(given)}`,
  );
}

/** Validate the environment (defaults filled in); throws ConfigError naming the first bad variable. */
export function loadLambdaConfig(env: Readonly<Record<string, string | undefined>>): LambdaConfig {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('SEEDKEEPER_') && value !== undefined && value.trim() !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      fail(issue.keys[0] ?? 'SEEDKEEPER_', `unknown variable (expected one of ${CONFIG_VARIABLES.join(', ')})`, env);
    }
    fail(String(issue.path[0] ?? 'environment'), issue.message, env);
  }
  const v = result.data;
  const recordName = canonicalName(v.SEEDKEEPER_RECORD_NAME);
  const zone = canonicalName(v.SEEDKEEPER_ZONE ?? recordName.slice(recordName.indexOf('.') + 1));
  if (!inZone(recordName, zone) || recordName === zone) {
    fail('SEEDKEEPER_ZONE', `expected a zone that contains SEEDKEEPER_RECORD_NAME (${recordName})`, env);
  }
  if (v.SEEDKEEPER_HEALTH_CHECKS && v.SEEDKEEPER_MODE !== 'per-node') {
    fail(
      'SEEDKEEPER_HEALTH_CHECKS',
      'Route 53 health checks need SEEDKEEPER_MODE=per-node (one record per node, each tied to its check)',
      env,
    );
  }
  if (v.SEEDKEEPER_HEALTH_CHECKS && v.SEEDKEEPER_ADDRESS === 'private') {
    fail(
      'SEEDKEEPER_HEALTH_CHECKS',
      'Route 53 health checkers run outside the VPC and cannot reach private IPs: use SEEDKEEPER_ADDRESS=public or ipv6, or leave health checks off (the instance state is the health signal)',
      env,
    );
  }
  return Object.freeze({
    recordName,
    hostedZoneId: v.SEEDKEEPER_HOSTED_ZONE_ID.replace(/^\/hostedzone\//, ''),
    zone,
    groups: Object.freeze(v.SEEDKEEPER_ASG_NAMES),
    address: v.SEEDKEEPER_ADDRESS,
    port: v.SEEDKEEPER_PORT,
    ttl: v.SEEDKEEPER_TTL,
    mode: v.SEEDKEEPER_MODE,
    ownerId: v.SEEDKEEPER_OWNER_ID,
    maxRemovals: v.SEEDKEEPER_MAX_REMOVALS,
    maxRecordSize: v.SEEDKEEPER_MAX_RECORD_SIZE,
    healthChecks: v.SEEDKEEPER_HEALTH_CHECKS,
    planMode: v.SEEDKEEPER_PLAN_MODE,
    logLevel: v.SEEDKEEPER_LOG_LEVEL,
  });
}
