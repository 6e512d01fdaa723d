import { EventEmitter } from 'node:events';
import { get, request, type IncomingMessage } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startStatusServer, type StatusServer } from '../../src/registrar/http.js';
import type { RegistrarState } from '../../src/registrar/registrar.js';
import { createStatusService, type StatusService } from '../../src/web/service.js';
import { waitFor } from '../helpers/wait.js';

function fakeRegistrar(): EventEmitter & { state(): RegistrarState } {
  const emitter = new EventEmitter() as EventEmitter & { state(): RegistrarState };
  emitter.state = () => ({
    name: 'seed.example.com',
    policy: { mode: 'sync', ttl: 30, ownerId: 'o', maxRemovalsPerCycle: 2, maxRecordSize: 0 },
    unhealthyAfterMs: 3000,
    sources: [{ kind: 'static', candidates: [{ address: '10.0.0.1', port: 3000, source: 'static' }] }],
    health: new Map(),
    last: undefined,
    outage: 'none',
    running: true,
    writesNotVisible: 0,
    lastWriteNotVisible: undefined,
    lastError: undefined,
  });
  return emitter;
}

function fetchRaw(
  url: string,
  method = 'GET',
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Stream {
  status: number;
  text: () => string;
  ended: Promise<void>;
}

function openStream(url: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<void>((done) => res.on('close', done));
      resolve({ status: res.statusCode ?? 0, text: () => text, ended });
    }).on('error', reject);
  });
}

describe('status service over HTTP', () => {
  let server: StatusServer | undefined;
  let service: StatusService | undefined;
  afterEach(async () => {
    service?.close();
    await server?.close();
  });

  async function start(): Promise<{ base: string; registrar: ReturnType<typeof fakeRegistrar> }> {
    const registrar = fakeRegistrar();
    service = createStatusService({
      registrar,
      dnsTargets: [],
      systemResolver: false,
      sse: { maxClients: 2, keepaliveMs: 100, maxBufferedBytes: 1 << 20 },
      pushMinMs: 10,
    });
    const page = service;
    server = await startStatusServer({
      host: '127.0.0.1',
      port: 0,
      registry: new Registry(),
      health: () => ({ ok: true, detail: 'ok' }),
      routes: (req, res) => page.routes(req, res),
    });
    return { base: `http://127.0.0.1:${server.port}`, registrar };
  }

  it('serves the page, the JSON document and the assets with a strict content policy', async () => {
    const { base } = await start();
    const page = await fetchRaw(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<table id="candidates">');
    const json = await fetchRaw(`${base}/v1/status`);
    expect(JSON.parse(json.body)).toMatchObject({
      schema: 'seedkeeper.status/v1',
      candidates: [{ key: '10.0.0.1:3000', why: { code: 'waiting' } }],
    });
    expect((await fetchRaw(`${base}/assets/status.js`)).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await fetchRaw(`${base}/v1/status`, 'POST')).status).toBe(405);
    expect((await fetchRaw(`${base}/metrics`)).status).toBe(200);
    expect((await fetchRaw(`${base}/nope`)).status).toBe(404);
  });

  it('streams events to a bounded number of pages, with keepalives, and ends them on close', async () => {
    const { base, registrar } = await start();
    const a = await openStream(`${base}/v1/events`);
    const b = await openStream(`${base}/v1/events`);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await fetchRaw(`${base}/v1/events`)).status).toBe(503);
    await waitFor(() => a.text().includes('event: view'), { what: 'first frames' });
    const before = (a.text().match(/event: status/g) ?? []).length;
    registrar.emit('transition', {});
    await waitFor(() => (a.text().match(/event: status/g) ?? []).length > before, { what: 'a pushed update' });
    await waitFor(() => a.text().includes(': keepalive'), { what: 'a keepalive' });
    expect(service!.streams).toBe(2);
    service!.close();
    await Promise.all([a.ended, b.ended]);
    expect(service!.streams).toBe(0);
  });

  it('closing the server does not wait for open streams', async () => {
    const { base } = await start();
    const stream = await openStream(`${base}/v1/events`);
    const started = Date.now();
    await server!.close();
    server = undefined;
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
