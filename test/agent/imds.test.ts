// IMDSv2 against a local server implementing the token protocol (never the real metadata address).
import { afterEach, describe, expect, it } from 'vitest';
import { ImdsError } from '../../src/agent/errors.js';
import { createImdsClient } from '../../src/agent/imds.js';
import { resolveIdentity } from '../../src/agent/identity.js';
import { ConfigError } from '../../src/errors.js';
import { startFakeImds, type FakeImds } from './fake-imds.js';

let imds: FakeImds | undefined;
afterEach(async () => {
  await imds?.close();
  imds = undefined;
});

/** Every GET the client sent carried a token; every PUT carried the TTL header. */
function expectTokenDiscipline(fake: FakeImds, ttl = '21600'): void {
  const gets = fake.log.filter((e) => e.method === 'GET');
  const puts = fake.log.filter((e) => e.method === 'PUT');
  expect(gets.length).toBeGreaterThan(0);
  expect(gets.filter((e) => e.token === undefined)).toEqual([]);
  expect(puts.every((e) => e.path === '/latest/api/token' && e.ttl === ttl)).toBe(true);
}

describe('IMDSv2 client', () => {
  it('the fake enforces the protocol: 401 without a token, 400 without the TTL header', async () => {
    imds = await startFakeImds();
    expect((await fetch(`${imds.url}/latest/meta-data/instance-id`)).status).toBe(401);
    expect((await fetch(`${imds.url}/latest/api/token`, { method: 'PUT' })).status).toBe(400);
  });

  it('gets a token with a TTL, then reads id and addresses with it; one token serves many reads', async () => {
    imds = await startFakeImds({ publicIpv4: '203.0.113.9', ipv6s: ['2001:DB8::7', '2001:db8::8'] });
    const client = createImdsClient({ endpoint: imds.url });
    expect(await client.instanceId()).toBe('i-0123456789abcdef0');
    expect(await client.localIpv4()).toBe('10.0.1.7');
    expect(await client.publicIpv4()).toBe('203.0.113.9');
    expect(await client.ipv6()).toBe('2001:db8::7');
    expect(imds.tokensIssued).toBe(1);
    expect(imds.log[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token', ttl: '21600', status: 200 });
    expect(imds.log.filter((e) => e.status === 401)).toEqual([]);
    expectTokenDiscipline(imds);
  });

  it('public-ipv4 404 means no public address; no IPv6 means undefined', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url });
    expect(await client.publicIpv4()).toBeUndefined();
    expect(await client.ipv6()).toBeUndefined();
    expect(imds.log.some((e) => e.path === '/latest/meta-data/public-ipv4' && e.status === 404)).toBe(true);
    expectTokenDiscipline(imds);
  });

  it('refreshes the token before it expires (short TTL)', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url, tokenTtlSeconds: 1 });
    await client.instanceId();
    await new Promise((r) => setTimeout(r, 1100));
    await client.instanceId();
    expect(imds.tokensIssued).toBe(2);
    expect(imds.log.filter((e) => e.status === 401)).toEqual([]);
    expect(imds.log.map((e) => e.method)).toEqual(['PUT', 'GET', 'PUT', 'GET']);
    expectTokenDiscipline(imds, '1');
  });

  it('a revoked token (401) is replaced once and the read succeeds', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url });
    await client.instanceId();
    imds.revokeTokens();
    expect(await client.localIpv4()).toBe('10.0.1.7');
    expect(imds.log.map((e) => `${e.method} ${e.status}`)).toEqual(['PUT 200', 'GET 200', 'GET 401', 'PUT 200', 'GET 200']);
    expectTokenDiscipline(imds);
  });

  it('concurrent reads share one token request', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url });
    await Promise.all([client.instanceId(), client.localIpv4(), client.publicIpv4(), client.spotInstanceAction()]);
    expect(imds.tokensIssued).toBe(1);
  });

  it('spot notice: 404 means none; a notice appears as { action, time }', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url });
    expect(await client.spotInstanceAction()).toBeUndefined();
    imds.spot = { action: 'terminate', time: '2030-01-01T00:02:00Z' };
    expect(await client.spotInstanceAction()).toEqual({ action: 'terminate', time: '2030-01-01T00:02:00Z' });
    expectTokenDiscipline(imds);
  });

  it('typed errors: disabled (403), TTL refused (400), unreachable, and a hung endpoint bounded by the budget', async () => {
    imds = await startFakeImds({ disabled: true });
    await expect(createImdsClient({ endpoint: imds.url }).instanceId()).rejects.toMatchObject({ code: 'ERR_IMDS_FORBIDDEN' });
    await imds.close();

    imds = await startFakeImds({ maxTtl: 60 });
    await expect(createImdsClient({ endpoint: imds.url }).instanceId()).rejects.toMatchObject({ code: 'ERR_IMDS_TOKEN', status: 400 });
    expect(imds.log.filter((e) => e.method === 'GET')).toEqual([]);
    const closedUrl = imds.url;
    await imds.close();

    const refused = await createImdsClient({ endpoint: closedUrl, timeoutMs: 200 }).instanceId().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImdsError);
    expect(refused).toMatchObject({ code: 'ERR_IMDS_UNREACHABLE' });
    expect((refused as Error).message).toMatch(/not on EC2\? give --id\/--address/);

    imds = await startFakeImds({ hang: true });
    const started = performance.now();
    const hung = await createImdsClient({ endpoint: imds.url, timeoutMs: 100, budgetMs: 400 }).instanceId().catch((e: unknown) => e);
    expect(hung).toMatchObject({ code: 'ERR_IMDS_UNREACHABLE' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(imds.log.filter((e) => e.method === 'GET')).toEqual([]); // never a GET without a token
  });

  it('a caller abort ends a call at once', async () => {
    imds = await startFakeImds({ hang: true });
    const controller = new AbortController();
    const call = createImdsClient({ endpoint: imds.url, timeoutMs: 5000, budgetMs: 10_000 }).instanceId({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(call).rejects.toThrow('stop');
  });
});

describe('identity', () => {
  it('takes explicit values first and asks metadata only for the rest', async () => {
    imds = await startFakeImds({ publicIpv4: '203.0.113.9', ipv6s: ['2001:db8::7'] });
    const client = createImdsClient({ endpoint: imds.url });
    expect(await resolveIdentity({ id: 'n1', address: '192.0.2.4', port: 3000 }, client)).toEqual({ id: 'n1', address: '192.0.2.4', port: 3000 });
    expect(imds.log).toEqual([]);
    expect(await resolveIdentity({ port: 3000 }, client)).toEqual({ id: 'i-0123456789abcdef0', address: '10.0.1.7', port: 3000 });
    expect(await resolveIdentity({ address: 'public', port: 3100 }, client)).toMatchObject({ address: '203.0.113.9', port: 3100 });
    expect(await resolveIdentity({ address: 'ipv6', port: 3000 }, client)).toMatchObject({ address: '2001:db8::7' });
  });

  it('says what to give when metadata is off or lacks the address', async () => {
    await expect(resolveIdentity({ address: '192.0.2.4', port: 3000 }, undefined)).rejects.toThrow(/node\.id: .*give --id/);
    await expect(resolveIdentity({ id: 'n1', port: 3000 }, undefined)).rejects.toThrow(/node\.address: .*give --address/);
    imds = await startFakeImds();
    const error = await resolveIdentity({ id: 'n1', address: 'public', port: 3000 }, createImdsClient({ endpoint: imds.url })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/no public IPv4/);
  });
});
