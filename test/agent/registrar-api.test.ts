/**
 * Agents registering through the registrar's agent API, end to end: simulated nodes on loopback IPs, the
 * registrar with an `agent` source, real health probes, and the embedded DNS server asked by Node's resolver.
 * Also the target's error mapping and bounded retries against small local HTTP servers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegistrationTarget } from '../../src/agent/target.js';
import { AgentApiError, createRegistrarApiTarget } from '../../src/agent/targets/registrar-api.js';
import { freePort } from '../harness/ports.js';
import { waitFor } from '../helpers/wait.js';
import { startRegistrarWorld, type RegistrarWorld } from '../registrar/world.js';

const TOKEN = 'e2e-agent-token-0123456789abcdef';
const TOKEN_ENV = 'SEEDKEEPER_E2E_AGENT_TOKEN';

let world: RegistrarWorld | undefined;
let server: Server | undefined;
const targets: RegistrationTarget[] = [];

afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
  await world?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  }
  world = server = undefined;
});

function target(url: string, extra: Partial<Parameters<typeof createRegistrarApiTarget>[0]> = {}): RegistrationTarget {
  const t = createRegistrarApiTarget({ url, token: TOKEN, ...extra });
  targets.push(t);
  return t;
}

async function agentWorld(nodes: number, ipBase: number): Promise<{ w: RegistrarWorld; url: string }> {
  process.env[TOKEN_ENV] = TOKEN;
  world = await startRegistrarWorld({
    nodes,
    ipBase,
    sources: () => [{ type: 'agent' }],
    config: { http: { listen: '127.0.0.1:0', agentToken: { env: TOKEN_ENV } } },
  });
  const http = world.runtime.http!;
  return { w: world, url: `http://${http.host}:${http.port}` };
}

async function errorOf(promise: Promise<unknown>): Promise<AgentApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentApiError);
  return error as AgentApiError;
}

describe('agents registering through the registrar API', () => {
  it('publishes registered nodes once healthy, removes a deregistered one, never publishes a dead address', async () => {
    const { w, url } = await agentWorld(4, 130);
    const members = w.ips.map((address, i) => ({ id: `i-000${i}`, address, port: w.port }));
    const agents = members.map(() => target(url));
    await w.sim.nodes[3]!.stop();
    expect(await w.resolve()).toEqual([]);

    await Promise.all(members.map((m, i) => agents[i]!.register(m)));
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'the three live nodes published' });
    expect(await w.resolve()).toEqual(w.ips.slice(0, 3));
    // Health still rules: the registered address of the stopped node stays out, interval after interval.
    for (let i = 0; i < 10; i++) {
      expect(await w.resolve()).not.toContain(w.ips[3]);
      await new Promise((r) => setTimeout(r, 60));
    }
    await waitFor(() => w.runtime.health.snapshot().get(`${w.ips[3]}:${w.port}`)?.state === 'unhealthy', {
      what: 'the dead node judged unhealthy',
    });

    await agents[1]!.deregister(members[1]!);
    await agents[1]!.deregister(members[1]!);
    await waitFor(async () => (await w.resolve()).length === 2, { what: 'the deregistered node to leave' });
    expect(await w.resolve()).toEqual([w.ips[0], w.ips[2]]);
    expect(w.runtime.sources[0]!.candidates().map((c) => c.id)).toEqual(['i-0000', 'i-0002', 'i-0003']);
    // The registration outlives the outage: once the node answers, it is published.
    await w.sim.nodes[3]!.start();
    await waitFor(async () => (await w.resolve()).includes(w.ips[3]!), { what: 'the recovered node published' });
    expect(JSON.stringify(w.logs)).not.toContain(TOKEN);
  });

  it('maps a wrong token to ERR_AGENT_UNAUTHORIZED (usage) without showing it, and a rejected member to ERR_AGENT_REJECTED', async () => {
    const { w, url } = await agentWorld(1, 140);
    const wrong = 'wrong-token-0123456789abcdef';
    const unauthorized = await errorOf(
      target(url, { token: wrong }).register({ id: 'i-1', address: w.ips[0]!, port: w.port }),
    );
    expect(unauthorized.code).toBe('ERR_AGENT_UNAUTHORIZED');
    expect(unauthorized.hasLabel('usage')).toBe(true);
    expect(unauthorized.message).toMatch(/check .*token/);
    expect(unauthorized.message).not.toContain(wrong);
    expect(unauthorized.message).not.toContain(TOKEN);
    const rejected = await errorOf(target(url).register({ id: 'i-1', address: 'db.example.com', port: w.port }));
    expect(rejected.code).toBe('ERR_AGENT_REJECTED');
    expect(rejected.status).toBe(400);
    expect(rejected.message).toMatch(/address: "db\.example\.com" is not an IPv4 or IPv6 address/);
    const badId = await errorOf(target(url).register({ id: 'no/slashes', address: w.ips[0]!, port: w.port }));
    expect(badId.code).toBe('ERR_AGENT_REJECTED');
    expect(w.runtime.sources[0]!.candidates()).toEqual([]);
  });
});

describe('registrar API target: transport', () => {
  async function stub(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('retries 5xx answers with backoff, then succeeds', async () => {
    const seen: string[] = [];
    const url = await stub((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization === `Bearer ${TOKEN}`}`);
      res.writeHead(seen.length < 3 ? 503 : 204).end();
    });
    await target(url, { backoffMs: 5 }).register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    expect(seen).toEqual(Array(3).fill('PUT /v1/members/i-1 true'));
  });

  it('gives up after a bounded number of attempts with ERR_AGENT_API (retryable)', async () => {
    let count = 0;
    const url = await stub((_req, res) => {
      count++;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal error"}');
    });
    const error = await errorOf(
      target(url, { attempts: 3, backoffMs: 5 }).deregister({ id: 'i-1', address: '10.0.0.1', port: 3000 }),
    );
    expect(error.code).toBe('ERR_AGENT_API');
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/DELETE .*answered 500: internal error/);
    expect(error.hasLabel('retryable')).toBe(true);
    expect(count).toBe(3);
  });

  it('does not retry other 4xx answers, and explains a disabled API (404)', async () => {
    let count = 0;
    const url = await stub((req, res) => {
      count++;
      res.writeHead(req.method === 'PUT' ? 404 : 409).end('{"error":"not found"}');
    });
    const disabled = await errorOf(target(url).register({ id: 'i-1', address: '10.0.0.1', port: 3000 }));
    expect(disabled).toMatchObject({ code: 'ERR_AGENT_API', status: 404 });
    expect(disabled.message).toMatch(/agent API is not enabled/);
    const conflict = await errorOf(target(url).deregister({ id: 'i-1', address: '10.0.0.1', port: 3000 }));
    expect(conflict).toMatchObject({ code: 'ERR_AGENT_API', status: 409 });
    expect(count).toBe(2);
  });

  it('retries network errors and timeouts, bounded, then fails with ERR_AGENT_API', async () => {
    const port = await freePort();
    const started = Date.now();
    const refused = await errorOf(
      target(`http://127.0.0.1:${port}`, { attempts: 3, backoffMs: 5 }).register({
        id: 'i-1',
        address: '10.0.0.1',
        port: 3000,
      }),
    );
    expect(refused.code).toBe('ERR_AGENT_API');
    expect(refused.message).toMatch(/cannot reach the registrar/);
    const url = await stub(() => undefined);
    const slow = await errorOf(
      target(url, { attempts: 2, backoffMs: 5, timeoutMs: 150 }).register({
        id: 'i-1',
        address: '10.0.0.1',
        port: 3000,
      }),
    );
    expect(slow.message).toMatch(/no answer within 150 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses unusable options without echoing the token', () => {
    expect(() => createRegistrarApiTarget({ url: 'not a url', token: TOKEN })).toThrow(/url/);
    expect(() => createRegistrarApiTarget({ url: 'ftp://10.0.0.1/', token: TOKEN })).toThrow(/http or https/);
    expect(() => createRegistrarApiTarget({ url: 'http://u:p@10.0.0.1/', token: TOKEN })).toThrow(/credentials/);
    expect(() => createRegistrarApiTarget({ url: 'http://10.0.0.1/', token: '' })).toThrow(/token/);
    expect(createRegistrarApiTarget({ url: 'http://10.0.0.1:9464', token: TOKEN }).kind).toBe('registrar');
  });
});
