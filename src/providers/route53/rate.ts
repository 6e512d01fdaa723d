/**
 * Pacing and retries for every Route 53 request a provider makes, and bounded retries with full-jitter
 * exponential backoff on Throttling, PriorRequestNotComplete, 5xx and connection failures. The SDK's own
 * retries should be off (`maxAttempts: 1` on the client), so that every request on the wire is paced here.
 *
 * Route 53 throttles per account with token buckets: all requests together (burst 50, refill 10/s), each
 * API action on its own as well (most 50/10 per s; CreateHealthCheck 50/0.5 per s; DeleteHealthCheck 15/3 per s),
 * and the number of record changes per second. Other tools in the account draw on the same buckets, so the
 * default budget is conservative: one request every 200 ms (5/s, half the account refill), and the health
 * check actions paced to their own refill rates with a small burst.
 */
import { backoffDelay } from '../../time/backoff.js';
import type { Clock } from '../../time/clock.js';
import { ProviderError } from '../types.js';
import { errorName, PROVIDER, toProviderError, transientKind } from './errors.js';
import { InvalidArgumentError } from '../../errors.js';

/**
 * A token bucket: `burst` tokens, refilled `perSecond` a second. Reservations are taken synchronously, so
 * concurrent callers queue in call order; a caller that finds the bucket empty sleeps until its token is due.
 */
export class TokenBucket {
  readonly burst: number;
  readonly perSecond: number;
  private readonly clock: Clock;
  private tokens: number;
  private at: number | undefined;

  constructor(burst: number, perSecond: number, clock: Clock) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond))
      throw new InvalidArgumentError('perSecond', `${perSecond} must be a positive number`);
    if (!Number.isInteger(burst) || burst < 1)
      throw new InvalidArgumentError('burst', `${burst} must be a whole number >= 1`);
    this.burst = burst;
    this.perSecond = perSecond;
    this.clock = clock;
    this.tokens = burst;
  }

  /** Waits for this request's token. */
  async take(): Promise<void> {
    const now = this.clock.now();
    // A wall clock stepped back refills nothing (it never takes tokens away).
    if (this.at !== undefined)
      this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) * this.perSecond) / 1000);
    this.at = now;
    this.tokens -= 1; // may go negative: the debt is what later callers wait for, in call order
    if (this.tokens < 0) await this.clock.sleep((-this.tokens * 1000) / this.perSecond);
  }
}

/**
 * The provider's budget for all its requests: a bucket of one token refilled `requestsPerSecond` times a
 * second (requests leave at least 1000/requestsPerSecond ms apart, whoever sends them). Share one between
 * providers to share the account's budget.
 */
export class RateBudget extends TokenBucket {
  readonly requestsPerSecond: number;
  constructor(requestsPerSecond: number, clock: Clock) {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond))
      throw new InvalidArgumentError('requestsPerSecond', `${requestsPerSecond} must be a positive number`);
    super(1, requestsPerSecond, clock);
    this.requestsPerSecond = requestsPerSecond;
  }
}

/** Actions Route 53 refills more slowly than the account bucket: paced on their own, below the documented rate. */
export const OPERATION_BUCKETS: Readonly<Record<string, { readonly burst: number; readonly perSecond: number }>> =
  Object.freeze({
    CreateHealthCheck: Object.freeze({ burst: 10, perSecond: 0.5 }),
    DeleteHealthCheck: Object.freeze({ burst: 3, perSecond: 3 }),
  });

export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

type LogFn = (obj: Record<string, unknown>, msg: string) => void;

/** Counters of what the provider sent; read them for metrics. */
export interface Route53Stats {
  /** Requests sent (each attempt counts). */
  requests: number;
  /** Attempts that failed transiently and were retried. */
  retries: number;
  /** Of those, Throttling or PriorRequestNotComplete. */
  throttled: number;
}

export interface CallerDeps {
  readonly budget: TokenBucket;
  /** Per-action buckets (see OPERATION_BUCKETS), taken before the shared budget. */
  readonly operations?: ReadonlyMap<string, TokenBucket>;
  readonly retry: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly zoneId: string;
  readonly log: { readonly warn: LogFn; readonly debug: LogFn };
  readonly stats: Route53Stats;
}

/** The per-action buckets of one provider (or of several sharing an account). */
export function operationBuckets(clock: Clock): Map<string, TokenBucket> {
  return new Map(
    Object.entries(OPERATION_BUCKETS).map(([action, b]) => [action, new TokenBucket(b.burst, b.perSecond, clock)]),
  );
}

/** Sends requests through the budget and retries transient failures; what finally fails is a ProviderError. */
export class Route53Caller {
  private readonly deps: CallerDeps;

  constructor(deps: CallerDeps) {
    this.deps = deps;
  }

  /** Backoff before retry `attempt` (0-based): random in [0, min(maxDelay, base * 2^attempt)). */
  backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs } = this.deps.retry;
    return backoffDelay(attempt + 1, { baseMs: baseDelayMs, maxMs: maxDelayMs, jitter: 'full' }, this.deps.random());
  }

  /** Runs `send` (one request) until it succeeds, fails for good, or the retries are spent. */
  async call<T>(action: string, what: string, send: () => Promise<T>): Promise<T> {
    const { budget, retry, stats, log } = this.deps;
    for (let attempt = 0; ; attempt++) {
      await this.deps.operations?.get(action)?.take();
      await budget.take();
      stats.requests++;
      try {
        return await send();
      } catch (error) {
        const kind = transientKind(error);
        if (kind === undefined) throw toProviderError(error, what, this.deps.zoneId);
        if (attempt >= retry.maxRetries) {
          const code = kind === 'unavailable' ? 'ERR_ROUTE53_UNAVAILABLE' : 'ERR_ROUTE53_THROTTLED';
          const why =
            kind === 'busy'
              ? 'the zone was still busy with a prior change'
              : kind === 'throttled'
                ? 'Route 53 kept throttling'
                : 'Route 53 kept failing';
          log.warn({ action, attempts: attempt + 1, error: errorName(error) }, `route53: ${action} gave up`);
          throw new ProviderError(
            PROVIDER,
            code,
            `${what}: ${why} (${errorName(error)}) after ${attempt + 1} attempts; nothing more was sent`,
            {
              cause: error,
              labels: ['retryable'],
            },
          );
        }
        stats.retries++;
        if (kind !== 'unavailable') stats.throttled++;
        const delay = this.backoff(attempt);
        log.debug(
          { action, attempt: attempt + 1, error: errorName(error), delayMs: delay },
          `route53: ${action} ${kind}, retrying`,
        );
        await this.deps.clock.sleep(delay);
      }
    }
  }
}
