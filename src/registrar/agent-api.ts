/**
 * The agent API, served by the registrar's HTTP server next to /metrics and /healthz:
 *
 *   PUT    /v1/members/{id}   body {"address": IP, "port": 1-65535}  -> 200 {"member": ..., "result": "added"|"replaced"|"renewed"}
 *   DELETE /v1/members/{id}                                          -> 204 (also when the id is not registered)
 *   GET    /v1/members                                               -> 200 {"members": [...]}
 *
 * Every request needs `Authorization: Bearer <token>`, compared in constant time with the configured token;
 * without a configured token the API is disabled (404), never open. 401 never says what was wrong with the
 * credentials; 400 says what was wrong with the input; bodies above 4 KiB get 413. Tokens and bodies are never
 * logged.
 *
 * The HTTP server listens on loopback by default (`http.listen`). To let agents on other hosts register, set
 * `http.listen` to a VPC-private address (the token is still required), or put a TLS reverse proxy in front:
 * the token travels in clear text over plain HTTP.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../errors.js';
import { agentIdProblem, AgentRegistryError, memberProblem, type AgentSource } from '../sources/agent.js';
import type { Logger } from '../log/logger.js';
import { systemClock, type Clock } from '../time/clock.js';

/** Largest request body accepted. */
export const AGENT_API_BODY_LIMIT = 4096;
export const AGENT_API_PREFIX = '/v1/';

export interface AgentApiOptions {
  /** The registry the API feeds. */
  readonly source: AgentSource;
  /** The shared secret agents present; undefined disables the API (404). */
  readonly token: string | undefined;
  readonly logger?: Logger;
  /** Body limit in bytes. Default 4 KiB. */
  readonly bodyLimit?: number;
  /** Paces the refusal warnings (tests). Default systemClock. */
  readonly clock?: Clock;
}

/** A route hook for the status server: true when it handled (or is handling) the request. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time check of an `Authorization` header against the expected token's digest. */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i.exec(header ?? '');
  // Always compare (against a dummy when the header is malformed) so timing does not say which case failed.
  const presented = digest(match?.[1] ?? '');
  return timingSafeEqual(presented, expected) && match !== null;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status, { 'cache-control': 'no-store', ...headers }).end();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(text);
}

const fail = (res: ServerResponse, status: number, error: string, headers?: Record<string, string>): void =>
  send(res, status, { error }, headers);

/** Read a body of at most `limit` bytes; undefined (after answering 413) when it is larger. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | undefined> {
  const tooLarge = (): void => {
    fail(res, 413, `request body larger than ${limit} bytes`, { connection: 'close' });
    res.once('finish', () => req.destroy());
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    tooLarge();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | undefined): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        tooLarge();
        finish(undefined);
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(Buffer.concat(chunks)));
    req.once('error', () => finish(undefined));
    req.once('close', () => finish(undefined));
  });
}

function parseMemberBody(body: Buffer): { address: string; port: number } | string {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body: expected JSON like {"address": "10.0.0.5", "port": 3000}';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'body: expected a JSON object with address and port';
  const extra = Object.keys(value).filter((k) => k !== 'address' && k !== 'port');
  if (extra.length > 0)
    return `body: unknown field(s) ${extra
      .slice(0, 5)
      .map((k) => JSON.stringify(k.slice(0, 64)))
      .join(', ')}`;
  const { address, port } = value as { address?: unknown; port?: unknown };
  if (typeof port === 'number' && !portWrittenInDigits(body.toString('utf8')))
    return 'port: expected an integer from 1 to 65535 written in plain digits (not 1e3 or 3000.0)';
  // The registry applies the address policy (it knows whether loopback is allowed); here only the shape.
  return (
    memberProblem({ id: 'x', address, port }, { allowLoopback: true }) ?? {
      address: address as string,
      port: port as number,
    }
  );
}

/** JSON.parse reads 1e3 and 3000.0 as 3000-like numbers: the port's own text must be plain digits. */
function portWrittenInDigits(text: string): boolean {
  const tokens = [...text.matchAll(/"port"\s*:\s*([^,}\s]+)/g)].map((m) => m[1] ?? '');
  return tokens.length > 0 && tokens.every((t) => /^[1-9][0-9]{0,4}$/.test(t));
}

export function createAgentApi(options: AgentApiOptions): RouteHandler {
  const expected = options.token === undefined ? undefined : digest(options.token);
  const limit = options.bodyLimit ?? AGENT_API_BODY_LIMIT;
  const { source, logger } = options;

  const put = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
    const body = await readBody(req, res, limit);
    if (body === undefined) return;
    const parsed = parseMemberBody(body);
    if (typeof parsed === 'string') return fail(res, 400, parsed);
    try {
      const { member, result } = source.register({ id, ...parsed });
      if (result !== 'renewed')
        logger?.info(
          { member: id, address: member.address, port: member.port, result },
          `agent member ${id} ${result}`,
        );
      send(res, 200, { member, result });
    } catch (error) {
      if (error instanceof AgentRegistryError && error.code === 'ERR_AGENT_REGISTRY_FULL') {
        logger?.warn({ member: id }, error.message);
        return fail(res, 503, error.message);
      }
      if (error instanceof AgentRegistryError) return fail(res, 400, error.message);
      logger?.error({ error: describeError(error) }, 'agent registration failed');
      fail(res, 500, 'internal error');
    }
  };

  // At most one warning a minute about refused requests, with a count: bad tokens must not flood the logs.
  let refusedSinceLog = 0;
  let lastRefusalLog = -Infinity;
  const logRefusal = (req: IncomingMessage, path: string): void => {
    refusedSinceLog++;
    const now = (options.clock ?? systemClock).now();
    if (now - lastRefusalLog < 60_000) return;
    logger?.warn(
      { remote: req.socket.remoteAddress, method: req.method, path: path.slice(0, 100), refused: refusedSinceLog },
      'agent API request(s) refused: missing or wrong token',
    );
    lastRefusalLog = now;
    refusedSinceLog = 0;
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith(AGENT_API_PREFIX)) return false;
    if (expected === undefined) {
      fail(res, 404, 'not found');
      return true;
    }
    if (!bearerMatches(req.headers.authorization, expected)) {
      logRefusal(req, path);
      fail(res, 401, 'unauthorized', { 'www-authenticate': 'Bearer realm="seedkeeper"' });
      return true;
    }
    if (path === '/v1/members') {
      if (req.method !== 'GET') fail(res, 405, 'method not allowed', { allow: 'GET' });
      else send(res, 200, { members: source.members() });
      return true;
    }
    const match = /^\/v1\/members\/([^/]*)$/.exec(path);
    if (!match) {
      fail(res, 404, 'not found');
      return true;
    }
    if (req.method !== 'PUT' && req.method !== 'DELETE') {
      fail(res, 405, 'method not allowed', { allow: 'PUT, DELETE' });
      return true;
    }
    let id: string;
    try {
      id = decodeURIComponent(match[1] ?? '');
    } catch {
      id = '';
    }
    const idProblem = agentIdProblem(id);
    if (idProblem) {
      fail(res, 400, `id: ${idProblem}`);
      return true;
    }
    if (req.method === 'DELETE') {
      if (source.deregister(id)) logger?.info({ member: id }, `agent member ${id} deregistered`);
      send(res, 204);
      return true;
    }
    put(req, res, id).catch((error: unknown) => {
      logger?.error({ error: describeError(error) }, 'agent registration failed');
      fail(res, 500, 'internal error');
    });
    return true;
  };
}
