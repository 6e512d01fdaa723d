/**
 * One rate budget for every Route 53 request a provider makes (Route 53 allows 5 requests per second per
 * account), and bounded retries with full-jitter exponential backoff on Throttling, PriorRequestNotComplete,
 * 5xx and connection failures. The SDK's own retries should be off (`maxAttempts: 1` on the client), so that
 * every request on the wire passes through this budget.
 */
import { ProviderError } from '../types.js';
import { errorName, PROVIDER, toProviderError, transientKind } from './errors.js';

export type Sleep = (ms: number) => Promise<void>;
export type Clock = () => number;

/**
 * A token bucket holding one token, refilled `requestsPerSecond` times a second: requests leave at least
 * 1000/requestsPerSecond ms apart, whoever sends them. Reservations are taken synchronously, so concurrent
 * callers queue in call order. Share one between providers to share the account's budget.
 */
export class RateBudget {
  readonly requestsPerSecond: number;
  private readonly now: Clock;
  private readonly sleep: Sleep;
  private nextFree = Number.NEGATIVE_INFINITY;

  constructor(requestsPerSecond: number, now: Clock, sleep: Sleep) {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) throw new RangeError(`requestsPerSecond ${requestsPerSecond} must be a positive number`);
    this.requestsPerSecond = requestsPerSecond;
    this.now = now;
    this.sleep = sleep;
  }

  /** Waits for this request's turn. */
  async take(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextFree);
    this.nextFree = at + 1000 / this.requestsPerSecond;
    if (at > now) await this.sleep(at - now);
  }
}

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
  readonly budget: RateBudget;
  readonly retry: RetryPolicy;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly zoneId: string;
  readonly log: { readonly warn: LogFn; readonly debug: LogFn };
  readonly stats: Route53Stats;
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
    return Math.floor(this.deps.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
  }

  /** Runs `send` (one request) until it succeeds, fails for good, or the retries are spent. */
  async call<T>(action: string, what: string, send: () => Promise<T>): Promise<T> {
    const { budget, retry, stats, log } = this.deps;
    for (let attempt = 0; ; attempt++) {
      await budget.take();
      stats.requests++;
      try {
        return await send();
      } catch (error) {
        const kind = transientKind(error);
        if (kind === undefined) throw toProviderError(error, what, this.deps.zoneId);
        if (attempt >= retry.maxRetries) {
          const code = kind === 'unavailable' ? 'ERR_ROUTE53_UNAVAILABLE' : 'ERR_ROUTE53_THROTTLED';
          const why = kind === 'busy' ? 'the zone was still busy with a prior change' : kind === 'throttled' ? 'Route 53 kept throttling' : 'Route 53 kept failing';
          log.warn({ action, attempts: attempt + 1, error: errorName(error) }, `route53: ${action} gave up`);
          throw new ProviderError(PROVIDER, code, `${what}: ${why} (${errorName(error)}) after ${attempt + 1} attempts; nothing more was sent`, {
            cause: error,
            labels: ['retryable'],
          });
        }
        stats.retries++;
        if (kind !== 'unavailable') stats.throttled++;
        const delay = this.backoff(attempt);
        log.debug({ action, attempt: attempt + 1, error: errorName(error), delayMs: delay }, `route53: ${action} ${kind}, retrying`);
        await this.deps.sleep(delay);
      }
    }
  }
}
