// IMDSv2 against a local server implementing the token protocol (never the real metadata address).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ImdsError } from '../../src/agent/errors.js';
import { createImdsClient } from '../../src/agent/imds.js';
import { resolveIdentity } from '../../src/agent/identity.js';
import { ConfigError, describeError } from '../../src/errors.js';
import { startFakeImds, type FakeImds } from './fake-imds.js';
import { jumpingClock } from '../helpers/jumping-clock.js';

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
    let now = Date.now();
    const client = createImdsClient({
      endpoint: imds.url,
      tokenTtlSeconds: 1,
      clock: jumpingClock(
        () => now,
        (ms) => void (now += ms),
      ),
    });
    await client.instanceId();
    now += 1100; // past the refresh point (a quarter of the TTL before expiry), without waiting for it
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
    expect(imds.log.map((e) => `${e.method} ${e.status}`)).toEqual([
      'PUT 200',
      'GET 200',
      'GET 401',
      'PUT 200',
      'GET 200',
    ]);
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
    await expect(createImdsClient({ endpoint: imds.url }).instanceId()).rejects.toMatchObject({
      code: 'ERR_IMDS_FORBIDDEN',
    });
    await imds.close();

    imds = await startFakeImds({ maxTtl: 60 });
    await expect(createImdsClient({ endpoint: imds.url }).instanceId()).rejects.toMatchObject({
      code: 'ERR_IMDS_TOKEN',
      status: 400,
    });
    expect(imds.log.filter((e) => e.method === 'GET')).toEqual([]);
    const closedUrl = imds.url;
    await imds.close();

    const refused = await createImdsClient({ endpoint: closedUrl, timeoutMs: 200 })
      .instanceId()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ImdsError);
    expect(refused).toMatchObject({ code: 'ERR_IMDS_UNREACHABLE' });
    expect((refused as Error).message).toMatch(/not on EC2\? give --id\/--address/);

    imds = await startFakeImds({ hang: true });
    const started = performance.now();
    const hung = await createImdsClient({ endpoint: imds.url, timeoutMs: 100, budgetMs: 400 })
      .instanceId()
      .catch((e: unknown) => e);
    expect(hung).toMatchObject({ code: 'ERR_IMDS_UNREACHABLE' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(imds.log.filter((e) => e.method === 'GET')).toEqual([]); // never a GET without a token
  });

  it('a caller abort ends a call at once', async () => {
    imds = await startFakeImds({ hang: true });
    const controller = new AbortController();
    const call = createImdsClient({ endpoint: imds.url, timeoutMs: 5000, budgetMs: 10_000 }).instanceId({
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(call).rejects.toThrow('stop');
  });
});

describe('identity', () => {
  it('takes explicit values first and asks metadata only for the rest', async () => {
    imds = await startFakeImds({ publicIpv4: '203.0.113.9', ipv6s: ['2001:db8::7'] });
    const client = createImdsClient({ endpoint: imds.url });
    expect(await resolveIdentity({ id: 'n1', address: '192.0.2.4', port: 3000 }, client)).toEqual({
      id: 'n1',
      address: '192.0.2.4',
      port: 3000,
    });
    expect(imds.log).toEqual([]);
    expect(await resolveIdentity({ port: 3000 }, client)).toEqual({
      id: 'i-0123456789abcdef0',
      address: '10.0.1.7',
      port: 3000,
    });
    expect(await resolveIdentity({ address: 'public', port: 3100 }, client)).toMatchObject({
      address: '203.0.113.9',
      port: 3100,
    });
    expect(await resolveIdentity({ address: 'ipv6', port: 3000 }, client)).toMatchObject({ address: '2001:db8::7' });
  });

  it('says what to give when metadata is off or lacks the address', async () => {
    await expect(resolveIdentity({ address: '192.0.2.4', port: 3000 }, undefined)).rejects.toThrow(
      /node\.id: .*give --id/,
    );
    await expect(resolveIdentity({ id: 'n1', port: 3000 }, undefined)).rejects.toThrow(
      /node\.address: .*give --address/,
    );
    imds = await startFakeImds();
    const error = await resolveIdentity(
      { id: 'n1', address: 'public', port: 3000 },
      createImdsClient({ endpoint: imds.url }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/no public IPv4/);
  });
});

describe('what IMDS says is checked before it is used', () => {
  it.each([
    ['local-ipv4 0.0.0.0', { localIpv4: '0.0.0.0' }, 'private', /local-ipv4: "0\.0\.0\.0" is in 0\.0\.0\.0\/8/],
    [
      'local-ipv4 255.255.255.255',
      { localIpv4: '255.255.255.255' },
      'private',
      /local-ipv4: "255\.255\.255\.255" is the broadcast address/,
    ],
    ['local-ipv4 169.254.169.254', { localIpv4: '169.254.169.254' }, 'private', /is link-local/],
    ['local-ipv4 127.0.0.1', { localIpv4: '127.0.0.1' }, 'private', /is a loopback address/],
    ['local-ipv4 224.0.0.1', { localIpv4: '224.0.0.1' }, 'private', /is a multicast address/],
    ['public-ipv4 0.0.0.0', { publicIpv4: '0.0.0.0' }, 'public', /public-ipv4: "0\.0\.0\.0"/],
    ['ipv6 ::', { ipv6s: ['::'] }, 'ipv6', /is the unspecified address ::/],
    ['ipv6 fe80::1', { ipv6s: ['fe80::1'] }, 'ipv6', /is link-local \(fe80::\/10\)/],
    ['ipv6 ::ffff:10.0.0.1 (an IPv4 address)', { ipv6s: ['::ffff:10.0.0.1'] }, 'ipv6', /not an IPv6 address/],
  ] as const)(
    'an address IMDS gives that cannot be published is refused with the reason: %s',
    async (_label, options, address, reason) => {
      imds = await startFakeImds(options);
      const error = await resolveIdentity(
        { id: 'n1', address, port: 3000 },
        createImdsClient({ endpoint: imds.url }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImdsError);
      expect(error).toMatchObject({ code: 'ERR_IMDS_BAD_RESPONSE' });
      expect((error as Error).message).toMatch(reason);
    },
  );

  it.each([
    ['an unknown action and a word for a time', { action: 'x', time: 'yesterday' }],
    ['empty strings', { action: '', time: '' }],
    ['a good action without a time', { action: 'terminate', time: '' }],
    ['a good time with a bad action', { action: 'reboot', time: '2030-01-01T00:02:00Z' }],
    ['a date without a time', { action: 'stop', time: '2030-01-01' }],
  ])('a garbage spot notice (%s) is an error, not a notice', async (_label, spot) => {
    imds = await startFakeImds();
    imds.spot = spot;
    const error = await createImdsClient({ endpoint: imds.url })
      .spotInstanceAction()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImdsError);
    expect(error).toMatchObject({ code: 'ERR_IMDS_BAD_RESPONSE' });
    expect((error as Error).message).toMatch(/spot\/instance-action is not a notice/);
  });

  it('accepts each real action with an ISO 8601 time', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url });
    for (const action of ['terminate', 'stop', 'hibernate']) {
      imds.spot = { action, time: '2030-01-01T00:02:00Z' };
      expect(await client.spotInstanceAction()).toEqual({ action, time: '2030-01-01T00:02:00Z' });
    }
  });
});

/** An IMDS whose token endpoint hands out `tokens` in turn (the last one repeated); GETs answer with any token. */
async function tokenServer(
  tokens: readonly string[],
): Promise<{ url: string; puts: number; gets: string[]; close(): Promise<void> }> {
  let puts = 0;
  const gets: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'PUT') {
      const token = tokens[Math.min(puts++, tokens.length - 1)]!;
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(Buffer.from(token, 'latin1'));
      return;
    }
    gets.push(String(req.headers['x-aws-ec2-metadata-token']));
    res.writeHead(200).end('i-0123456789abcdef0');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get puts() {
      return puts;
    },
    gets,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('an unusable IMDS token', () => {
  const GOOD = 'AQAEAGood-Token_0123456789==';
  it.each([
    ['a NUL', 'AQAEA\u0000bad-token-0123456789'],
    ['a non-latin1 character', 'AQAEA\u00e9bad-token-0123456789'],
    ['a space', 'AQAEA bad-token-0123456789'],
    ['a control character', 'AQAEA\u0007bad-token-0123456789'],
  ])('with %s is never cached or shown, and the next call asks IMDS for a new one', async (_label, bad) => {
    const fake = await tokenServer([bad, GOOD]);
    try {
      const client = createImdsClient({ endpoint: fake.url });
      const error = await client.instanceId().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_IMDS_TOKEN' });
      expect((error as ImdsError).hasLabel('retryable')).toBe(true);
      for (const text of [describeError(error), inspect(error, { depth: 10 }), (error as Error).stack ?? '']) {
        expect(text).not.toContain(bad.trim());
        expect(text).not.toContain('bad-token');
      }
      expect(fake.gets).toEqual([]); // never sent
      expect(await client.instanceId()).toBe('i-0123456789abcdef0');
      expect(fake.puts).toBe(2);
      expect(fake.gets).toEqual([GOOD]);
    } finally {
      await fake.close();
    }
  });
});
