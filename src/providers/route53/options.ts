/**
 * Options of the Route 53 provider, their defaults, and their validation (ConfigError naming the option).
 *
 * Create the client with the SDK's retries off, so that every request passes through the provider's rate
 * budget and backoff:  new Route53Client({ region: 'us-east-1', maxAttempts: 1 })
 */
import type { Route53Client } from '@aws-sdk/client-route-53';
import { ConfigError } from '../../errors.js';
import { canonicalName } from '../../records/canonical.js';
import type { HealthCheckSettings } from './health-checks.js';
import { systemClock, type Clock } from '../../time/clock.js';
import { RateBudget, type RetryPolicy } from './rate.js';

type LogFn = (obj: Record<string, unknown>, msg: string) => void;
/** The subset of a pino logger the provider uses. */
export interface Route53Logger {
  readonly warn: LogFn;
  readonly info: LogFn;
  readonly debug: LogFn;
}

export type Route53Mode = 'shared' | 'per-node';

export interface Route53ProviderOptions {
  /** Created with `maxAttempts: 1` (the provider retries; see the module comment). */
  readonly client: Route53Client;
  /** `Z123…` or `/hostedzone/Z123…`. */
  readonly hostedZoneId: string;
  /** The hosted zone's name; record names must be inside it. */
  readonly zone: string;
  /** `shared`: one multi-value record changed by compare-and-swap. `per-node`: one multivalue-answer record per member. */
  readonly mode: Route53Mode;
  /** per-node only: a Route 53 TCP health check per member record (public addresses only). */
  readonly healthChecks?: {
    readonly port: number;
    /** Failed checks before unhealthy, 1..10. Default 3. */
    readonly failureThreshold?: number;
    /** Seconds between checks, 10 or 30. Default 30. */
    readonly requestIntervalSeconds?: 10 | 30;
    /** Value of the `seedkeeper-owner` tag; only checks carrying it are ever deleted. */
    readonly tagOwner: string;
  };
  /** Make apply() wait until Route 53 reports its changes INSYNC. */
  readonly waitForInsync?: { readonly timeoutMs: number; readonly pollMs?: number };
  readonly rate?: {
    /**
     * Requests per second, shared by every call of this provider. Default 5: conservative, since Route 53's
     * account bucket (burst 50, refill 10/s) is shared with every other tool in the account. See rate.ts.
     */
    readonly requestsPerSecond?: number;
    /** Retries of one request after Throttling, PriorRequestNotComplete, 5xx. Default 8. */
    readonly maxRetries?: number;
    /** Default 200. */
    readonly baseDelayMs?: number;
    /** Default 10000. */
    readonly maxDelayMs?: number;
    /** A budget shared with other providers of the same account (then requestsPerSecond is ignored). */
    readonly budget?: RateBudget;
  };
  readonly logger?: Route53Logger;
  /** Pacing, backoff and INSYNC waits (tests: a virtual clock). Default systemClock. */
  readonly clock?: Clock;
  /** [0, 1) for backoff jitter. Default Math.random. */
  readonly random?: () => number;
}

export const DEFAULT_ROUTE53_OPTIONS = Object.freeze({
  rate: Object.freeze({ requestsPerSecond: 5, maxRetries: 8, baseDelayMs: 200, maxDelayMs: 10_000 }),
  healthChecks: Object.freeze({ failureThreshold: 3, requestIntervalSeconds: 30 as const }),
  insync: Object.freeze({ timeoutMs: 120_000, pollMs: 2000 }),
});

export interface ResolvedOptions {
  readonly client: Route53Client;
  readonly hostedZoneId: string;
  readonly zone: string;
  readonly mode: Route53Mode;
  readonly healthChecks: HealthCheckSettings | undefined;
  readonly insync: { readonly timeoutMs: number; readonly pollMs: number };
  readonly waitOnApply: boolean;
  readonly retry: RetryPolicy;
  readonly budget: RateBudget;
  readonly clock: Clock;
  readonly random: () => number;
}

const TAG_VALUE = /^[A-Za-z0-9 _.:/=+@-]{1,256}$/;

function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(path, `expected a whole number in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function resolveHealthChecks(options: Route53ProviderOptions): HealthCheckSettings | undefined {
  const hc = options.healthChecks;
  if (hc === undefined) return undefined;
  if (options.mode !== 'per-node') {
    throw new ConfigError(
      'healthChecks',
      'Route 53 health checks attach to one record per member: they need mode "per-node" (a shared record has one health for all its values)',
    );
  }
  const interval = hc.requestIntervalSeconds ?? DEFAULT_ROUTE53_OPTIONS.healthChecks.requestIntervalSeconds;
  if (interval !== 10 && interval !== 30)
    throw new ConfigError('healthChecks.requestIntervalSeconds', `expected 10 or 30, got ${JSON.stringify(interval)}`);
  if (typeof hc.tagOwner !== 'string' || !TAG_VALUE.test(hc.tagOwner)) {
    throw new ConfigError(
      'healthChecks.tagOwner',
      `expected 1 to 256 letters, digits, spaces or _.:/=+@-, got ${JSON.stringify(hc.tagOwner)}`,
    );
  }
  return {
    port: int(hc.port, 'healthChecks.port', 1, 65535),
    failureThreshold: int(
      hc.failureThreshold ?? DEFAULT_ROUTE53_OPTIONS.healthChecks.failureThreshold,
      'healthChecks.failureThreshold',
      1,
      10,
    ),
    requestIntervalSeconds: interval,
    tagOwner: hc.tagOwner,
  };
}

export function resolveOptions(options: Route53ProviderOptions): ResolvedOptions {
  if (typeof options.client?.send !== 'function')
    throw new ConfigError('client', 'expected a Route53Client (new Route53Client({ region, maxAttempts: 1 }))');
  const hostedZoneId = String(options.hostedZoneId ?? '').replace(/^\/?hostedzone\//, '');
  if (!/^[A-Z0-9]{1,32}$/.test(hostedZoneId))
    throw new ConfigError(
      'hostedZoneId',
      `expected a hosted zone id such as Z0123456789ABCDEFGHIJ, got ${JSON.stringify(options.hostedZoneId)}`,
    );
  const zone = canonicalName(String(options.zone ?? ''));
  if (zone === '' || zone.length > 253)
    throw new ConfigError('zone', `expected the hosted zone's name, got ${JSON.stringify(options.zone)}`);
  if (options.mode !== 'shared' && options.mode !== 'per-node')
    throw new ConfigError('mode', `expected "shared" or "per-node", got ${JSON.stringify(options.mode)}`);
  const rate = options.rate ?? {};
  const d = DEFAULT_ROUTE53_OPTIONS;
  const retry: RetryPolicy = {
    maxRetries: int(rate.maxRetries ?? d.rate.maxRetries, 'rate.maxRetries', 0, 100),
    baseDelayMs: int(rate.baseDelayMs ?? d.rate.baseDelayMs, 'rate.baseDelayMs', 0, 60_000),
    maxDelayMs: int(rate.maxDelayMs ?? d.rate.maxDelayMs, 'rate.maxDelayMs', 0, 600_000),
  };
  const rps = rate.requestsPerSecond ?? d.rate.requestsPerSecond;
  if (typeof rps !== 'number' || !(rps > 0) || rps > 1000)
    throw new ConfigError('rate.requestsPerSecond', `expected a number in (0, 1000], got ${JSON.stringify(rps)}`);
  const clock = options.clock ?? systemClock;
  const wait = options.waitForInsync;
  const insync = {
    timeoutMs: wait === undefined ? d.insync.timeoutMs : int(wait.timeoutMs, 'waitForInsync.timeoutMs', 1, 3_600_000),
    pollMs: int(wait?.pollMs ?? d.insync.pollMs, 'waitForInsync.pollMs', 1, 600_000),
  };
  return {
    client: options.client,
    hostedZoneId,
    zone,
    mode: options.mode,
    healthChecks: resolveHealthChecks(options),
    insync,
    waitOnApply: wait !== undefined,
    retry,
    budget: rate.budget ?? new RateBudget(rps, clock),
    clock,
    random: options.random ?? Math.random,
  };
}
