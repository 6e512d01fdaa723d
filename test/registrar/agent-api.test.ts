/**
 * The agent API over real HTTP on 127.0.0.1: authentication (none, wrong, right), the API disabled without
 * a token, input validation, the body limit, methods, idempotent deletes; and how `build` mounts it.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { bearerMatches, createAgentApi } from '../../src/registrar/agent-api.js';
import { buildRegistrar, type RegistrarRuntime } from '../../src/registrar/build.js';
import { validateConfig } from '../../src/registrar/config.js';
import { startStatusServer, type StatusServer } from '../../src/registrar/http.js';
import { createLogger } from '../../src/log/logger.js';
import { createAgentSource, type AgentSource } from '../../src/sources/agent.js';

const TOKEN = 'test-token-0123456789abcdef';
let server: StatusServer | undefined;
let runtime: RegistrarRuntime | undefined;

afterEach(async () => {
  await server?.close();
  await runtime?.close();
  server = runtime = undefined;
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (so tests control every header, including a lying or absent content-length). */
function send(
  at: { host: string; port: number },
  method: string,
  urlPath: string,
  options: { token?: string | null; auth?: string; body?: string | Buffer; chunked?: boolean } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.auth !== undefined) headers.authorization = options.auth;
  else if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
  if (options.body !== undefined && !options.chunked)
    headers['content-length'] = String(Buffer.byteLength(options.body));
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request({ host: at.host, port: at.port, method, path: urlPath, headers, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function logSink(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { lines, stream };
}

async function serve(
  { token }: { token?: string } = { token: TOKEN },
): Promise<{ source: AgentSource; lines: string[] }> {
  const source = createAgentSource();
  const { lines, stream } = logSink();
  server = await startStatusServer({
    host: '127.0.0.1',
    port: 0,
    registry: new Registry(),
    health: () => ({ ok: true, detail: 'ok' }),
    routes: createAgentApi({ source, token, logger: createLogger('debug', stream) }),
  });
  return { source, lines };
}

const member = JSON.stringify({ address: '10.0.0.5', port: 3000 });

describe('agent API: authentication', () => {
  it('answers 401 without a token, with a wrong one, or a malformed header, never saying which', async () => {
    const { source, lines } = await serve();
    const s = server!;
    const cases = [
      { token: null },
      { token: 'wrong-token-0123456789abcdef' },
      { token: `${TOKEN}x` },
      { auth: TOKEN },
      { auth: `Basic ${TOKEN}` },
      { auth: 'Bearer ' },
    ];
    const bodies = new Set<string>();
    for (const c of cases) {
      const reply = await send(s, 'PUT', '/v1/members/i-1', { ...c, body: member });
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toMatch(/^Bearer/);
      bodies.add(reply.body);
      expect((await send(s, 'GET', '/v1/members', c)).status).toBe(401);
      expect((await send(s, 'DELETE', '/v1/members/i-1', c)).status).toBe(401);
      expect((await send(s, 'GET', '/v1/anything', c)).status).toBe(401);
    }
    expect([...bodies]).toEqual(['{"error":"unauthorized"}\n']);
    expect(source.members()).toEqual([]);
    expect(lines.join('')).toMatch(/token/);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('accepts the right token (case-insensitive scheme)', async () => {
    const { source, lines } = await serve();
    const reply = await send(server!, 'PUT', '/v1/members/i-0abc', { auth: `bearer ${TOKEN}`, body: member });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({
      result: 'added',
      member: { id: 'i-0abc', address: '10.0.0.5', port: 3000 },
    });
    expect(source.candidates()).toEqual([{ id: 'i-0abc', address: '10.0.0.5', port: 3000, source: 'agent' }]);
    expect(lines.join('')).not.toContain(TOKEN);
  });

  it('compares digests in constant time and rejects near misses', () => {
    const expected = createHash('sha256').update(TOKEN).digest();
    expect(bearerMatches(`Bearer ${TOKEN}`, expected)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, expected)).toBe(false);
    expect(bearerMatches(undefined, expected)).toBe(false);
    expect(bearerMatches('', expected)).toBe(false);
  });

  it('is disabled (404 for /v1/*) without a configured token, whatever is presented', async () => {
    const { source } = await serve({});
    const s = server!;
    expect((await send(s, 'PUT', '/v1/members/i-1', { body: member })).status).toBe(404);
    expect((await send(s, 'PUT', '/v1/members/i-1', { token: '', body: member })).status).toBe(404);
    expect((await send(s, 'GET', '/v1/members')).status).toBe(404);
    expect(source.members()).toEqual([]);
    expect((await send(s, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('agent API: routes', () => {
  it('registers, lists, replaces, and deletes idempotently', async () => {
    const { source } = await serve();
    const s = server!;
    expect((await send(s, 'PUT', '/v1/members/i-1', { body: member })).status).toBe(200);
    const renewed = await send(s, 'PUT', '/v1/members/i-1', { body: member });
    expect(JSON.parse(renewed.body).result).toBe('renewed');
    const moved = await send(s, 'PUT', '/v1/members/i-1', {
      body: JSON.stringify({ address: '2001:db8::5', port: 3100 }),
    });
    expect(JSON.parse(moved.body)).toMatchObject({
      result: 'replaced',
      member: { address: '2001:db8::5', port: 3100 },
    });
    await send(s, 'PUT', '/v1/members/i-2', { body: JSON.stringify({ address: '10.0.0.6', port: 3000 }) });
    const list = await send(s, 'GET', '/v1/members');
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe('application/json');
    expect(JSON.parse(list.body).members.map((m: { id: string }) => m.id)).toEqual(['i-1', 'i-2']);
    for (let i = 0; i < 2; i++) {
      const deleted = await send(s, 'DELETE', '/v1/members/i-1');
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBe('');
    }
    expect((await send(s, 'DELETE', '/v1/members/never-registered')).status).toBe(204);
    expect(source.members().map((m) => m.id)).toEqual(['i-2']);
  });

  it.each([
    ['a bad id', '/v1/members/bad%2Fid', member, /^id:/],
    ['a too long id', `/v1/members/${'a'.repeat(65)}`, member, /^id:/],
    ['an empty id', '/v1/members/', member, /^id:/],
    ['a broken escape', '/v1/members/%E0%A4%A', member, /^id:/],
    ['invalid JSON', '/v1/members/i-1', '{"address": ', /expected JSON/],
    ['a JSON array', '/v1/members/i-1', '[1]', /JSON object/],
    [
      'a host name',
      '/v1/members/i-1',
      JSON.stringify({ address: 'db.example.com', port: 3000 }),
      /^address: "db\.example\.com" is not an IPv4 or IPv6 address/,
    ],
    ['no address', '/v1/members/i-1', JSON.stringify({ port: 3000 }), /^address:/],
    [
      'port 0',
      '/v1/members/i-1',
      JSON.stringify({ address: '10.0.0.5', port: 0 }),
      /^port: expected an integer from 1 to 65535/,
    ],
    ['port 70000', '/v1/members/i-1', JSON.stringify({ address: '10.0.0.5', port: 70000 }), /^port:/],
    ['a string port', '/v1/members/i-1', JSON.stringify({ address: '10.0.0.5', port: '3000' }), /^port:/],
    [
      'port 1e3 (read as 1000 by JSON.parse)',
      '/v1/members/i-1',
      '{"address": "10.0.0.5", "port": 1e3}',
      /^port: expected an integer from 1 to 65535 written in plain digits/,
    ],
    [
      '0.0.0.0',
      '/v1/members/i-1',
      JSON.stringify({ address: '0.0.0.0', port: 3000 }),
      /^address: "0\.0\.0\.0" is in 0\.0\.0\.0\/8/,
    ],
    [
      'a multicast address',
      '/v1/members/i-1',
      JSON.stringify({ address: '224.0.0.1', port: 3000 }),
      /^address: "224\.0\.0\.1" is a multicast address/,
    ],
    [
      'a zoned link-local address',
      '/v1/members/i-1',
      JSON.stringify({ address: 'fe80::1%eth0', port: 3000 }),
      /^address: "fe80::1%eth0" has an IPv6 zone/,
    ],
    [
      'loopback (not allowed by default)',
      '/v1/members/i-1',
      JSON.stringify({ address: '::ffff:127.0.0.1', port: 3000 }),
      /^address: "::ffff:127\.0\.0\.1" is a loopback address/,
    ],
    ['an id the agent rule refuses', '/v1/members/..', member, /^id: "\.\.": expected 1-64 letters/],
    [
      'an unknown field',
      '/v1/members/i-1',
      JSON.stringify({ address: '10.0.0.5', port: 3000, weight: 5 }),
      /unknown field.*weight/,
    ],
  ])('answers 400 with a clear JSON error for %s', async (_what, urlPath, body, pattern) => {
    const { source, lines } = await serve();
    const reply = await send(server!, 'PUT', urlPath, { body });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body).error).toMatch(pattern);
    expect(source.members()).toEqual([]);
    expect(lines.join('')).not.toContain(body);
  });

  it('answers 413 above 4 KiB, declared or streamed, and keeps serving', async () => {
    const { source } = await serve();
    const s = server!;
    const big = JSON.stringify({ address: '10.0.0.5', port: 3000, pad: 'x'.repeat(5000) });
    const declared = await send(s, 'PUT', '/v1/members/i-1', { body: big });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error).toMatch(/larger than 4096 bytes/);
    const streamed = await send(s, 'PUT', '/v1/members/i-1', { body: big, chunked: true }).catch((error: Error) => ({
      status: -1,
      body: error.message,
    }));
    expect(streamed.status).toBe(413);
    expect(source.members()).toEqual([]);
    expect((await send(s, 'PUT', '/v1/members/i-1', { body: member })).status).toBe(200);
  });

  it('answers 405 with Allow for other methods and 404 for other /v1 paths', async () => {
    await serve();
    const s = server!;
    for (const method of ['POST', 'PATCH', 'GET']) {
      const reply = await send(s, method, '/v1/members/i-1', { body: member });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('PUT, DELETE');
    }
    for (const method of ['PUT', 'DELETE', 'POST']) {
      const reply = await send(s, method, '/v1/members');
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe('GET');
    }
    expect((await send(s, 'GET', '/v1/members/i-1/extra')).status).toBe(404);
    expect((await send(s, 'GET', '/v1/nodes')).status).toBe(404);
  });

  it('leaves /metrics and /healthz as they were', async () => {
    await serve();
    const s = server!;
    expect((await send(s, 'GET', '/metrics', { token: null })).status).toBe(200);
    expect((await send(s, 'GET', '/healthz', { token: null })).body).toBe('ok\n');
    expect((await send(s, 'POST', '/healthz', { token: null })).status).toBe(405);
    expect((await send(s, 'PUT', '/elsewhere', { token: null })).status).toBe(404);
  });
});

describe('build: mounting the agent API', () => {
  const base = (extra: Record<string, unknown> = {}) =>
    validateConfig({
      record: { name: 'seed.api.test' },
      sources: [{ type: 'agent' }],
      provider: { type: 'embedded', listen: '127.0.0.1:0' },
      http: { listen: '127.0.0.1:0', agentToken: { env: 'SEEDKEEPER_TEST_AGENT_TOKEN' } },
      log: { level: 'silent' },
      ...extra,
    });

  async function buildError(config: ReturnType<typeof base>): Promise<ConfigError> {
    const error: unknown = await buildRegistrar(config).then(
      async (r) => {
        await r.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }

  it('validates the config: source options and the token reference', () => {
    expect(base().sources[0]).toEqual({ type: 'agent', leaseMs: 0, maxMembers: 4096 });
    expect(() => base({ sources: [{ type: 'agent', leaseMs: 50 }] })).toThrow(/sources\[0\]\.leaseMs.*at least 1000/);
    expect(() => base({ http: { agentToken: { env: 'A', file: 'f' } } })).toThrow(
      /http\.agentToken.*exactly one of env or file/,
    );
    expect(() => base({ http: { agentToken: { env: 'not a name' } } })).toThrow(/http\.agentToken\.env/);
    expect(() => base({ http: { agentToken: { value: TOKEN } } })).toThrow(/http\.agentToken.*unknown option/);
  });

  it('refuses an agent source without a token, or without the HTTP server, naming the path (at validation)', () => {
    expect(() => base({ http: { listen: '127.0.0.1:0' } })).toThrow(
      /config: http\.agentToken: an agent source needs the agent API token/,
    );
    expect(() => base({ http: { listen: 'off', agentToken: { env: 'X' } } })).toThrow(
      /config: http\.listen: an agent source needs the HTTP server/,
    );
    expect(() => base({ sources: [{ type: 'agent' }, { type: 'agent' }] })).toThrow(
      /config: sources\[1\]: only one agent source/,
    );
  });

  it('reads the token at start from the environment or a file, with errors that never show it', async () => {
    delete process.env.SEEDKEEPER_TEST_AGENT_TOKEN;
    const unset = await buildError(base());
    expect(unset.path).toBe('http.agentToken.env');
    expect(unset.message).toMatch(/SEEDKEEPER_TEST_AGENT_TOKEN is not set/);
    process.env.SEEDKEEPER_TEST_AGENT_TOKEN = 'short';
    const short = await buildError(base());
    expect(short.message).toMatch(/at least|16-1024/);
    expect(short.message).not.toContain('short');
    const dir = mkdtempSync(path.join(tmpdir(), 'seedkeeper-agent-token-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    runtime = await buildRegistrar(base({ http: { listen: '127.0.0.1:0', agentToken: { file } } }));
    const http = runtime.http!;
    expect((await send(http, 'PUT', '/v1/members/i-1', { body: member })).status).toBe(200);
    expect(runtime.sources.find((s) => s.kind === 'agent')?.candidates()).toHaveLength(1);
    expect(
      (await buildError(base({ http: { listen: '127.0.0.1:0', agentToken: { file: path.join(dir, 'missing') } } })))
        .message,
    ).toMatch(/ENOENT/);
  });

  it('serves no agent API without an agent source (404), even with a token configured', async () => {
    process.env.SEEDKEEPER_TEST_AGENT_TOKEN = TOKEN;
    runtime = await buildRegistrar(
      base({ allowLoopback: true, sources: [{ type: 'static', addresses: ['127.0.0.1'] }] }),
    );
    expect((await send(runtime.http!, 'PUT', '/v1/members/i-1', { body: member })).status).toBe(404);
    expect((await send(runtime.http!, 'GET', '/healthz')).status).toBe(503);
  });
});
