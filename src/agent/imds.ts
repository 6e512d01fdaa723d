/**
 * EC2 instance metadata, IMDSv2 only: a session token from `PUT /latest/api/token` (with the TTL header),
 * then every GET carries `X-aws-ec2-metadata-token`. There is no token-less fallback (IMDSv1), ever.
 * The token is cached and refreshed before it expires; a 401 (token revoked or expired early) fetches a new
 * one once. A token is cached only if it is visible ASCII (so it can be sent as a header at all), and is never
 * part of an error or a log line. Every request is bounded by its own timeout and each call by a total budget.
 * Nothing IMDS says is taken on trust: addresses pass the one address policy (no 0.0.0.0, broadcast,
 * link-local, …) and a spot notice must be well formed (spot-notice.ts) before the node leaves the record.
 */
import { checkNodeAddress } from '../net/address-policy.js';
import { backoffDelay, type BackoffPolicy } from '../time/backoff.js';
import { systemClock, type Clock } from '../time/clock.js';
import { ImdsError } from './errors.js';
import { checkSpotNotice, type SpotInstanceAction } from './spot-notice.js';
import { InvalidArgumentError } from '../errors.js';

export { ImdsError } from './errors.js';
export type { SpotInstanceAction } from './spot-notice.js';

export interface ImdsOptions {
  /** Base URL. Default http://169.254.169.254 (IPv6: http://[fd00:ec2::254]). */
  readonly endpoint?: string;
  /** Deadline of one HTTP request, ms. Default 1000. */
  readonly timeoutMs?: number;
  /** Deadline of one call (token, retries and all), ms. Default 5000. */
  readonly budgetMs?: number;
  /** Token lifetime asked for, seconds (1..21600). Default 21600. */
  readonly tokenTtlSeconds?: number;
  /** Tries of one request on no answer or 5xx. Default 3. */
  readonly maxAttempts?: number;
  /** Token expiry and the pauses between tries (tests). Default systemClock. */
  readonly clock?: Clock;
}

export const DEFAULT_IMDS_OPTIONS = Object.freeze({
  endpoint: 'http://169.254.169.254',
  endpointIpv6: 'http://[fd00:ec2::254]',
  timeoutMs: 1000,
  budgetMs: 5000,
  tokenTtlSeconds: 21_600,
  maxAttempts: 3,
});

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface ImdsClient {
  readonly endpoint: string;
  instanceId(options?: CallOptions): Promise<string>;
  localIpv4(options?: CallOptions): Promise<string>;
  /** Undefined when the instance has no public IPv4 (404). */
  publicIpv4(options?: CallOptions): Promise<string | undefined>;
  /** The primary interface's first IPv6 address; undefined when it has none. */
  ipv6(options?: CallOptions): Promise<string | undefined>;
  /** The spot interruption notice; undefined when there is none (404). */
  spotInstanceAction(options?: CallOptions): Promise<SpotInstanceAction | undefined>;
  /** GET one metadata path (relative to /latest/meta-data/); undefined on 404. */
  get(path: string, options?: CallOptions): Promise<string | undefined>;
}

/** Pause between tries of one request: 50 ms, doubling, at most 500 ms. */
const RETRY_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 50, maxMs: 500, jitter: 'none' });

const TOKEN_PATH = '/latest/api/token';
const TTL_HEADER = 'X-aws-ec2-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'X-aws-ec2-metadata-token';
const MAX_BODY = 64 * 1024;
const INSTANCE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
/** A token we can send: visible ASCII only (anything else makes the header invalid), bounded length. */
const TOKEN = /^[\x21-\x7e]{1,4096}$/;

interface Answer {
  readonly status: number;
  readonly body: string;
}

function int(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(`imds.${what}`, `${value} is not an integer in ${min}..${max}`);
  return value;
}

async function readBody(response: Response, limit: number): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > limit) {
    await response.body?.cancel();
    throw new ImdsError('ERR_IMDS_BAD_RESPONSE', `instance metadata answered with ${length} bytes (limit ${limit})`);
  }
  if (response.body === null) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < 100_000; i++) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new ImdsError('ERR_IMDS_BAD_RESPONSE', `instance metadata answered with more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** True when `error` (message, or its causes') contains `text`. */
function mentions(error: unknown, text: string): boolean {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : typeof current === 'string' ? current : '';
    if (message.includes(text)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export function createImdsClient(options: ImdsOptions = {}): ImdsClient {
  const d = DEFAULT_IMDS_OPTIONS;
  const endpoint = (options.endpoint ?? d.endpoint).replace(/\/+$/, '');
  if (!/^http:\/\/(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]]+)(:\d{1,5})?$/.test(endpoint)) {
    throw new InvalidArgumentError('imds.endpoint', `${JSON.stringify(options.endpoint)} is not http://host[:port]`);
  }
  const timeoutMs = int(options.timeoutMs ?? d.timeoutMs, 1, 60_000, 'timeoutMs');
  const budgetMs = int(options.budgetMs ?? d.budgetMs, 1, 600_000, 'budgetMs');
  const ttl = int(options.tokenTtlSeconds ?? d.tokenTtlSeconds, 1, 21_600, 'tokenTtlSeconds');
  const maxAttempts = int(options.maxAttempts ?? d.maxAttempts, 1, 10, 'maxAttempts');
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now();
  // Refresh ahead of expiry: a minute early, or a quarter of a short TTL.
  const refreshMarginMs = Math.min(60_000, (ttl * 1000) / 4);
  let token: { value: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const unreachable = (reason: string, cause?: unknown): ImdsError =>
    new ImdsError(
      'ERR_IMDS_UNREACHABLE',
      `instance metadata at ${endpoint} did not answer (${reason}): not on EC2? give --id/--address (or set imds.enabled: false). ` +
        'In a container on EC2, the instance needs a metadata hop limit of 2 for IMDSv2',
      { labels: ['retryable'], ...(cause === undefined ? {} : { cause }) },
    );

  /** Headers as fetch will send them; a value it cannot send is a local failure, reported without the value. */
  function headersOf(raw: Record<string, string>): Headers {
    try {
      return new Headers(raw);
    } catch {
      token = undefined; // whatever we hold cannot be sent: fetch a new one next time
      throw new ImdsError(
        'ERR_IMDS_TOKEN',
        `a header for instance metadata at ${endpoint} could not be sent (invalid characters); the token is dropped and fetched again on the next call`,
        { labels: ['retryable'] },
      );
    }
  }

  /** One request with retries on no answer and 5xx; answers with any other status are returned. */
  async function request(
    method: 'GET' | 'PUT',
    path: string,
    rawHeaders: Record<string, string>,
    budget: AbortSignal,
  ): Promise<Answer> {
    const headers = headersOf(rawHeaders);
    const secret = rawHeaders[TOKEN_HEADER];
    let lastReason = 'no attempt';
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (budget.aborted) break;
      try {
        const response = await fetch(`${endpoint}${path}`, {
          method,
          headers,
          redirect: 'error',
          signal: AbortSignal.any([budget, AbortSignal.timeout(timeoutMs)]),
        });
        if (response.status >= 500 && attempt < maxAttempts) {
          await response.body?.cancel();
          lastReason = `HTTP ${response.status}`;
        } else {
          if (response.status !== 200) {
            await response.body?.cancel();
            return { status: response.status, body: '' };
          }
          return { status: 200, body: await readBody(response, MAX_BODY) };
        }
      } catch (error) {
        if (error instanceof ImdsError) throw error;
        if (budget.aborted && (budget.reason as Error | undefined)?.name !== 'TimeoutError') throw budget.reason;
        // An error that quotes the token is neither kept as the cause nor shown.
        const leaks = secret !== undefined && mentions(error, secret);
        lastError = leaks ? undefined : error;
        lastReason = leaks ? 'the request failed locally' : reasonOf(error);
        if (leaks) token = undefined;
      }
      if (attempt < maxAttempts) {
        try {
          await clock.sleep(backoffDelay(attempt, RETRY_BACKOFF), budget);
        } catch {
          break;
        }
      }
    }
    if (budget.aborted && (budget.reason as Error | undefined)?.name !== 'TimeoutError') throw budget.reason;
    if (budget.aborted && lastReason === 'no attempt') lastReason = `budget of ${budgetMs} ms spent`;
    throw unreachable(lastReason, lastError);
  }

  async function fetchToken(budget: AbortSignal): Promise<string> {
    const answer = await request('PUT', TOKEN_PATH, { [TTL_HEADER]: String(ttl) }, budget);
    if (answer.status === 403) {
      throw new ImdsError(
        'ERR_IMDS_FORBIDDEN',
        `instance metadata at ${endpoint} refused a token (403): the metadata service is disabled for this instance, or the request carried X-Forwarded-For`,
        { status: 403, labels: ['usage'] },
      );
    }
    if (answer.status !== 200)
      throw new ImdsError(
        'ERR_IMDS_TOKEN',
        `instance metadata at ${endpoint} refused a token (HTTP ${answer.status}) for a TTL of ${ttl} s`,
        { status: answer.status },
      );
    const value = answer.body.trim();
    if (value === '')
      throw new ImdsError(
        'ERR_IMDS_TOKEN',
        `instance metadata at ${endpoint} answered the token request without a token`,
        { status: 200, labels: ['retryable'] },
      );
    if (!TOKEN.test(value)) {
      // Never cached (every later call would fail locally for hours) and never shown: it is a credential.
      throw new ImdsError(
        'ERR_IMDS_TOKEN',
        `instance metadata at ${endpoint} answered the token request with an unusable token (${value.length} characters, not all visible ASCII); a new one is asked for on the next call`,
        { status: 200, labels: ['retryable'] },
      );
    }
    token = { value, expiresAt: now() + ttl * 1000 };
    return value;
  }

  function currentToken(budget: AbortSignal): Promise<string> {
    if (token !== undefined && now() < token.expiresAt - refreshMarginMs) return Promise.resolve(token.value);
    // Concurrent callers share one token request.
    pending ??= fetchToken(budget).finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function get(path: string, call: CallOptions = {}): Promise<string | undefined> {
    const budget = call.signal
      ? AbortSignal.any([call.signal, AbortSignal.timeout(budgetMs)])
      : AbortSignal.timeout(budgetMs);
    const url = `/latest/meta-data/${path.replace(/^\/+/, '')}`;
    for (let round = 1; round <= 2; round++) {
      const value = await currentToken(budget);
      const answer = await request('GET', url, { [TOKEN_HEADER]: value }, budget);
      if (answer.status === 200) return answer.body;
      if (answer.status === 404) return undefined;
      if (answer.status === 401) {
        if (token?.value === value) token = undefined; // stale: the next round fetches a new one
        if (round === 1) continue;
        throw new ImdsError(
          'ERR_IMDS_UNAUTHORIZED',
          `instance metadata at ${endpoint} refused a fresh token for ${url} (401)`,
          { status: 401 },
        );
      }
      throw new ImdsError(
        'ERR_IMDS_HTTP',
        `instance metadata at ${endpoint} answered ${url} with HTTP ${answer.status}`,
        { status: answer.status },
      );
    }
    throw new ImdsError('ERR_IMDS_UNAUTHORIZED', `instance metadata at ${endpoint} refused ${url} (401)`, {
      status: 401,
    });
  }

  async function required(path: string, call?: CallOptions): Promise<string> {
    const value = await get(path, call);
    if (value === undefined)
      throw new ImdsError('ERR_IMDS_NOT_FOUND', `instance metadata at ${endpoint} has no ${path} (404)`, {
        status: 404,
      });
    return value.trim();
  }

  /** An address IMDS gave, through the one address policy (a node's address must be dialable unicast). */
  function ip(path: string, text: string, family: 4 | 6): string {
    const value = text.trim();
    const verdict = checkNodeAddress(value.slice(0, 65));
    if (!verdict.ok)
      throw new ImdsError(
        'ERR_IMDS_BAD_RESPONSE',
        `instance metadata ${path}: ${verdict.reason}; it cannot be published`,
      );
    if (verdict.family !== family)
      throw new ImdsError(
        'ERR_IMDS_BAD_RESPONSE',
        `instance metadata ${path} is ${JSON.stringify(value.slice(0, 64))}, not an IPv${family} address`,
      );
    return verdict.address;
  }

  return {
    endpoint,
    get,
    async instanceId(call) {
      const id = await required('instance-id', call);
      if (!INSTANCE_ID.test(id))
        throw new ImdsError(
          'ERR_IMDS_BAD_RESPONSE',
          `instance metadata instance-id is ${JSON.stringify(id.slice(0, 64))}, not an instance id`,
        );
      return id;
    },
    async localIpv4(call) {
      return ip('local-ipv4', await required('local-ipv4', call), 4);
    },
    async publicIpv4(call) {
      const value = await get('public-ipv4', call);
      return value === undefined || value.trim() === '' ? undefined : ip('public-ipv4', value, 4);
    },
    async ipv6(call) {
      const mac = (await get('mac', call))?.trim();
      if (mac !== undefined && MAC.test(mac)) {
        const list = await get(`network/interfaces/macs/${mac.toLowerCase()}/ipv6s`, call);
        const first = list
          ?.split('\n')
          .map((l) => l.trim())
          .find((l) => l !== '');
        if (first !== undefined) return ip(`network/interfaces/macs/${mac}/ipv6s`, first, 6);
      }
      const value = (await get('ipv6', call))?.trim();
      return value === undefined || value === '' ? undefined : ip('ipv6', value, 6);
    },
    async spotInstanceAction(call) {
      const text = await get('spot/instance-action', call);
      if (text === undefined) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new ImdsError(
          'ERR_IMDS_BAD_RESPONSE',
          `instance metadata spot/instance-action is not JSON: ${JSON.stringify(text.slice(0, 64))}`,
          { cause: error },
        );
      }
      const verdict = checkSpotNotice(parsed);
      if (!verdict.ok)
        throw new ImdsError(
          'ERR_IMDS_BAD_RESPONSE',
          `instance metadata spot/instance-action is not a notice (${verdict.reason}); ignored`,
        );
      return verdict.notice;
    },
  };
}
