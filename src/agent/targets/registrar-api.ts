/**
 * Registration through the registrar's agent API (`PUT`/`DELETE /v1/members/{id}` with a bearer token).
 * Network errors and 5xx answers are retried a few times with small jittered backoff; 401 and 400 are not
 * (retrying cannot fix a wrong token or a rejected member). The token never appears in an error or a log.
 */
import { ConfigError, SeedkeeperError, type ErrorLabel } from '../../errors.js';
import { backoffDelay } from '../../time/backoff.js';
import { systemClock, type Clock } from '../../time/clock.js';
import type { AgentMember, RegistrationTarget } from '../target.js';

export interface RegistrarApiTargetOptions {
  /** Base URL of the registrar's HTTP server, e.g. `http://10.0.1.5:9464`. */
  readonly url: string;
  /** The registrar's `http.agentToken`. */
  readonly token: string;
  /** Deadline of one request, ms. Default 2000. */
  readonly timeoutMs?: number;
  /** Attempts per call for network errors and 5xx answers. Default 4. */
  readonly attempts?: number;
  /** First backoff delay, ms (doubled per retry, capped at 1 s, full jitter). Default 100. */
  readonly backoffMs?: number;
  /** Pauses between attempts (tests). Default systemClock. */
  readonly clock?: Clock;
}

/** An agent API failure: `ERR_AGENT_UNAUTHORIZED`, `ERR_AGENT_REJECTED` or `ERR_AGENT_API`. */
export class AgentApiError extends SeedkeeperError {
  /** HTTP status, when the registrar answered. */
  readonly status: number | undefined;
  constructor(
    code: string,
    message: string,
    options: { status?: number; cause?: unknown; labels?: readonly ErrorLabel[] } = {},
  ) {
    super(code, message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      labels: options.labels ?? [],
    });
    this.status = options.status;
  }
}

/** Largest response body read (error messages only). */
const MAX_RESPONSE_BYTES = 4096;
const MAX_BACKOFF_MS = 1000;

async function readSmall(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let i = 0; i < 64 && size < MAX_RESPONSE_BYTES; i++) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}

/** The server's `{"error": "..."}` message, one line, bounded. */
function serverMessage(text: string): string {
  let message = text;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
  } catch {
    // not JSON: use the text as it is
  }
  return message.replace(/\s+/g, ' ').trim().slice(0, 200) || '(no message)';
}

function baseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('url', `expected the registrar's URL like http://10.0.1.5:9464, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError('url', `expected an http or https URL, got ${url.protocol}`);
  if (url.username || url.password)
    throw new ConfigError('url', 'the URL must not hold credentials (give the token separately)');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

export function createRegistrarApiTarget(options: RegistrarApiTargetOptions): RegistrationTarget {
  const base = baseUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 2000;
  const attempts = Math.max(1, Math.min(10, options.attempts ?? 4));
  const backoffMs = options.backoffMs ?? 100;
  if (!options.token || /\s/.test(options.token))
    throw new ConfigError('token', 'expected the agent API token (no spaces)');
  const authorization = `Bearer ${options.token}`;
  const closing = new AbortController();

  const clock = options.clock ?? systemClock;
  // Closing ends a pause early; the loop then reports the target as closed.
  const sleep = (ms: number): Promise<void> => clock.sleep(ms, closing.signal).catch(() => undefined);

  const call = async (method: 'PUT' | 'DELETE', id: string, body?: unknown): Promise<void> => {
    const url = new URL(`v1/members/${encodeURIComponent(id)}`, base);
    const where = `${method} ${url.origin}${url.pathname}`;
    let lastError: AgentApiError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0)
        await sleep(backoffDelay(attempt, { baseMs: backoffMs, maxMs: MAX_BACKOFF_MS, jitter: 'full' }, Math.random()));
      if (closing.signal.aborted)
        throw new AgentApiError('ERR_AGENT_API', `${where}: the target was closed`, { cause: lastError });
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          redirect: 'error',
          signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        lastError = new AgentApiError(
          'ERR_AGENT_API',
          `${where}: ${timedOut ? `no answer within ${timeoutMs} ms` : 'cannot reach the registrar'}`,
          { cause: error, labels: ['retryable'] },
        );
        continue;
      }
      if (response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return;
      }
      const text = await readSmall(response).catch(() => '');
      const status = response.status;
      if (status === 401) {
        throw new AgentApiError(
          'ERR_AGENT_UNAUTHORIZED',
          `${where}: the registrar refused the agent token (401); check that the agent's token equals the registrar's http.agentToken`,
          { status, labels: ['usage'] },
        );
      }
      if (status === 400)
        throw new AgentApiError(
          'ERR_AGENT_REJECTED',
          `${where}: the registrar rejected member ${id}: ${serverMessage(text)}`,
          { status, labels: ['usage'] },
        );
      if (status === 404) {
        throw new AgentApiError(
          'ERR_AGENT_API',
          `${where}: the registrar's agent API is not enabled (404); configure an agent source and http.agentToken`,
          { status, labels: ['usage'] },
        );
      }
      lastError = new AgentApiError(
        'ERR_AGENT_API',
        `${where}: the registrar answered ${status}: ${serverMessage(text)}`,
        { status, labels: status >= 500 ? ['retryable'] : [] },
      );
      if (status < 500) throw lastError;
    }
    throw lastError ?? new AgentApiError('ERR_AGENT_API', `${where}: failed`);
  };

  return {
    kind: 'registrar',
    register: (member: AgentMember) => call('PUT', member.id, { address: member.address, port: member.port }),
    deregister: (member: AgentMember) => call('DELETE', member.id),
    close() {
      closing.abort();
      return Promise.resolve();
    },
  };
}
