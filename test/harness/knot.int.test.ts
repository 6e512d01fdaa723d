import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startKnot, type KnotServer } from './knot.js';
import type * as Ports from './ports.js';
import { isPidAlive } from './processes.js';
import { describeIfTool } from './require-tool.js';

// Lets one test hand startKnot a port that is already taken, to exercise the clash-and-retry path.
const forced = vi.hoisted(() => ({ ports: [] as number[] }));
vi.mock('./ports.js', async (importOriginal) => {
  const actual = await importOriginal<typeof Ports>();
  return { ...actual, freePort: (host?: string) => Promise.resolve(forced.ports.shift() ?? actual.freePort(host)) };
});

const run = promisify(execFile);

async function kdig(server: KnotServer, name: string, type: string): Promise<string[]> {
  const { stdout } = await run(
    'kdig',
    [`@${server.host}`, '-p', String(server.port), '+short', '+retry=0', '+time=2', name, type],
    { timeout: 10_000 },
  );
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** nsupdate with arbitrary arguments (e.g. no key, a wrong key) against `server`. */
function rawNsupdate(
  server: KnotServer,
  args: readonly string[],
  commands: readonly string[],
): Promise<{ code: unknown; stderr: string }> {
  const input = [`server ${server.host} ${server.port}`, `zone ${server.zone}.`, ...commands, 'send', ''].join('\n');
  return new Promise((resolve) => {
    const child = execFile('nsupdate', args, { timeout: 10_000 }, (e, _o, stderr) =>
      resolve({ code: e ? e.code : 0, stderr }),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describeIfTool(['knotd', 'knotc', 'nsupdate', 'kdig', 'timeout'])('startKnot (real knotd)', () => {
  let server: KnotServer;

  const apiSet = async (): Promise<string[]> => sorted(await server.resolver().resolve4('api.seed.test'));
  const serial = async (): Promise<number> => (await server.resolver().resolveSoa('seed.test')).serial;

  beforeAll(async () => {
    server = await startKnot({
      records: [
        { name: 'api', type: 'A', value: '127.0.0.11' },
        { name: 'api.seed.test', type: 'A', value: '127.0.0.12' },
        { name: 'api.seed.test.', type: 'A', value: '127.0.0.13' },
        { name: 'long', type: 'A', value: '127.0.0.14', ttl: 600 },
        { name: 'v6', type: 'AAAA', value: '::1' },
        { name: 'meta', type: 'TXT', value: 'owner="seedkeeper" x\\y' },
      ],
    });
    console.info(`knotd ready on port ${server.port} after ${server.startMs.toFixed(0)} ms`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves the given records to a Node resolver and to kdig', async () => {
    const r = server.resolver();
    const a = await r.resolve4('api.seed.test', { ttl: true });
    expect(sorted(a.map((x) => x.address))).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13']);
    expect(a.every((x) => x.ttl === 30)).toBe(true);
    expect(await r.resolve4('long.seed.test', { ttl: true })).toEqual([{ address: '127.0.0.14', ttl: 600 }]);
    expect(sorted(await kdig(server, 'api.seed.test', 'A'))).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13']);
    expect(await r.resolve6('v6.seed.test')).toEqual(['::1']);
    expect(await r.resolveTxt('meta.seed.test')).toEqual([['owner="seedkeeper" x\\y']]);
    await expect(r.resolve4('nothere.seed.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(isPidAlive(server.pid)).toBe(true);
  });

  it('answers in a stable order (Knot never rotates)', async () => {
    const r = server.resolver();
    const first = await r.resolve4('api.seed.test');
    for (let i = 0; i < 10; i++) expect(await r.resolve4('api.seed.test')).toEqual(first);
  });

  it('setRecords replaces the whole RRset (TSIG), seen at once by resolver and kdig', async () => {
    const before = await serial();
    await server.setRecords('api', 'A', ['127.0.0.21', '127.0.0.22'], 45);
    const r = server.resolver();
    const a = await r.resolve4('api.seed.test', { ttl: true });
    expect(sorted(a.map((x) => x.address))).toEqual(['127.0.0.21', '127.0.0.22']);
    expect(a.every((x) => x.ttl === 45)).toBe(true);
    expect(sorted(await kdig(server, 'api.seed.test', 'A'))).toEqual(['127.0.0.21', '127.0.0.22']);
    expect(await serial()).toBe(before + 1);

    await server.setRecords('new.seed.test', 'AAAA', ['fd00::1']);
    expect(await r.resolve6('new.seed.test')).toEqual(['fd00::1']);
    await server.setRecords('new', 'AAAA', []);
    await expect(r.resolve6('new.seed.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('compare-and-swap: the exact set succeeds (also with nsupdate -k keyFile); a stale set fails with NXRRSET and changes nothing', async () => {
    await server.setRecords('api', 'A', ['127.0.0.11', '127.0.0.12', '127.0.0.13']);
    const viaKeyFile = await rawNsupdate(
      server,
      ['-k', server.keyFile],
      [
        'prereq yxrrset api.seed.test. IN A 127.0.0.11',
        'prereq yxrrset api.seed.test. IN A 127.0.0.12',
        'prereq yxrrset api.seed.test. IN A 127.0.0.13',
        'update delete api.seed.test. IN A 127.0.0.13',
      ],
    );
    expect(viaKeyFile).toMatchObject({ code: 0 });
    expect(await apiSet()).toEqual(['127.0.0.11', '127.0.0.12']);

    const serialBefore = await serial();
    const stale = await server.nsupdate([
      'prereq yxrrset api.seed.test. IN A 127.0.0.11',
      'prereq yxrrset api.seed.test. IN A 127.0.0.12',
      'prereq yxrrset api.seed.test. IN A 127.0.0.13',
      'update add api.seed.test. 30 IN A 127.0.0.99',
      'update add other.seed.test. 30 IN A 127.0.0.98',
    ]);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('NXRRSET');
    expect(await apiSet()).toEqual(['127.0.0.11', '127.0.0.12']);
    await expect(server.resolver().resolve4('other.seed.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(await serial()).toBe(serialBefore);
    expect(server.log()).toContain('prerequisites not met');
  });

  it('rejects unsigned and wrongly signed updates with NOTAUTH (BIND answers REFUSED without a key)', async () => {
    const serialBefore = await serial();
    const add = ['update add intruder.seed.test. 30 IN A 127.0.0.66'];
    const wrongSecret = await rawNsupdate(
      server,
      ['-y', `hmac-sha256:${server.keyName}:${randomBytes(32).toString('base64')}`],
      add,
    );
    expect(wrongSecret.code).toBe(2);
    expect(wrongSecret.stderr).toContain('NOTAUTH(BADSIG)');
    const unknownKey = await rawNsupdate(server, ['-y', `hmac-sha256:not-${server.keyName}:${server.keySecret}`], add);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('NOTAUTH(BADKEY)');
    const noKey = await rawNsupdate(server, [], add);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/update failed: NOTAUTH\s*$/);
    await expect(server.resolver().resolve4('intruder.seed.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(await serial()).toBe(serialBefore);
  });

  it('retries on another port when the chosen one is taken', async () => {
    forced.ports.push(server.port);
    const b = await startKnot({ records: [{ name: 'x', type: 'A', value: '127.0.0.41' }] });
    try {
      expect(forced.ports).toEqual([]);
      expect(b.port).not.toBe(server.port);
      expect(await b.resolver().resolve4('x.seed.test')).toEqual(['127.0.0.41']);
      // The first server is untouched and still the only one answering on its port.
      await expect(server.resolver().resolve4('x.seed.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
      expect(await apiSet()).toEqual(['127.0.0.11', '127.0.0.12']);
    } finally {
      await b.stop();
    }
  });

  it('parallel instances get their own port and data; stop leaves no process and no directory', async () => {
    const [b1, b2] = await Promise.all([
      startKnot({ zone: 'other.test', records: [{ name: 'x', type: 'A', value: '127.0.0.31' }] }),
      startKnot({ zone: 'other.test.', records: [{ name: 'x', type: 'A', value: '127.0.0.32' }] }),
    ]);
    try {
      expect(new Set([server.port, b1.port, b2.port]).size).toBe(3);
      expect(b2.zone).toBe('other.test');
      expect(await b1.resolver().resolve4('x.other.test')).toEqual(['127.0.0.31']);
      expect(await b2.resolver().resolve4('x.other.test')).toEqual(['127.0.0.32']);
      expect(isPidAlive(b1.pid)).toBe(true);
    } finally {
      const t0 = performance.now();
      await b1.stop();
      console.info(`knotd stop() took ${(performance.now() - t0).toFixed(0)} ms`);
      await b2.stop();
    }
    for (const b of [b1, b2]) {
      expect(isPidAlive(b.pid)).toBe(false);
      expect(existsSync(b.dir)).toBe(false);
      await expect(b.resolver().resolve4('x.other.test')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    await b1.stop(); // idempotent
  });

  it("rejects bad records up front, and fails fast with knotd's log when the zone does not load", async () => {
    await expect(startKnot({ records: [{ name: 'bad', type: 'A', value: '1.2.3' }] })).rejects.toThrow(/bad A value/);
    const t0 = performance.now();
    await expect(startKnot({ records: [{ name: 'a..b', type: 'A', value: '127.0.0.1' }] })).rejects.toThrow(
      /failed to load[\s\S]*zone loader/,
    );
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
