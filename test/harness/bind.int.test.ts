import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBind, type BindServer } from './bind.js';
import { isPidAlive } from './processes.js';
import { describeIfTool } from './require-tool.js';

const run = promisify(execFile);

async function dig(server: BindServer, name: string, type: string): Promise<string[]> {
  const { stdout } = await run(
    'dig',
    [`@${server.host}`, '-p', String(server.port), '+short', '+tries=1', '+time=2', name, type],
    { timeout: 10_000 },
  );
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describeIfTool(['named', 'nsupdate', 'dig', 'timeout'])('startBind (real named)', () => {
  let server: BindServer;

  beforeAll(async () => {
    server = await startBind({
      records: [
        { name: 'api', type: 'A', value: '127.0.0.11' },
        { name: 'api.seed.test', type: 'A', value: '127.0.0.12' },
        { name: 'api.seed.test.', type: 'A', value: '127.0.0.13' },
        { name: 'long', type: 'A', value: '127.0.0.14', ttl: 600 },
        { name: 'v6', type: 'AAAA', value: '::1' },
        { name: 'meta', type: 'TXT', value: 'owner="seedkeeper" x\\y' },
      ],
    });
    console.info(`named ready on port ${server.port} after ${server.startMs.toFixed(0)} ms`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves the given records to a Node resolver and to dig', async () => {
    const r = server.resolver();
    const a = await r.resolve4('api.seed.test', { ttl: true });
    expect(sorted(a.map((x) => x.address))).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13']);
    expect(a.every((x) => x.ttl === 30)).toBe(true);
    expect(await r.resolve4('long.seed.test', { ttl: true })).toEqual([{ address: '127.0.0.14', ttl: 600 }]);
    expect(sorted(await dig(server, 'api.seed.test', 'A'))).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13']);
    expect(await r.resolve6('v6.seed.test')).toEqual(['::1']);
    expect(await r.resolveTxt('meta.seed.test')).toEqual([['owner="seedkeeper" x\\y']]);
    await expect(r.resolve4('nothere.seed.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('rrsetOrder none (default) answers in a stable order', async () => {
    const r = server.resolver();
    const first = await r.resolve4('api.seed.test');
    for (let i = 0; i < 10; i++) expect(await r.resolve4('api.seed.test')).toEqual(first);
  });

  it('setRecords replaces the whole RRset (TSIG), seen at once by resolver and dig', async () => {
    await server.setRecords('api', 'A', ['127.0.0.21', '127.0.0.22'], 45);
    const r = server.resolver();
    const a = await r.resolve4('api.seed.test', { ttl: true });
    expect(sorted(a.map((x) => x.address))).toEqual(['127.0.0.21', '127.0.0.22']);
    expect(a.every((x) => x.ttl === 45)).toBe(true);
    expect(sorted(await dig(server, 'api.seed.test', 'A'))).toEqual(['127.0.0.21', '127.0.0.22']);

    await server.setRecords('new.seed.test', 'AAAA', ['fd00::1']);
    expect(await r.resolve6('new.seed.test')).toEqual(['fd00::1']);
    await server.setRecords('new', 'AAAA', []);
    await expect(r.resolve6('new.seed.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('nsupdate exposes rcodes: a stale compare-and-swap prerequisite fails with NXRRSET', async () => {
    const res = await server.nsupdate([
      'prereq yxrrset api.seed.test. IN A 127.0.0.11',
      'update add api.seed.test. 30 IN A 127.0.0.99',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('NXRRSET');
  });

  it('refuses updates without the TSIG key', async () => {
    const input = `server 127.0.0.1 ${server.port}\nzone seed.test.\nupdate add x.seed.test. 30 IN A 127.0.0.5\nsend\n`;
    const err = await new Promise<{ code: unknown; stderr: string }>((resolve) => {
      const child = execFile('nsupdate', [], { timeout: 10_000 }, (e, _o, stderr) =>
        resolve({ code: e?.code, stderr }),
      );
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('REFUSED');
  });

  it('parallel instances get their own port and data; stop leaves no process and no directory', async () => {
    const [b1, b2] = await Promise.all([
      startBind({ zone: 'other.test', records: [{ name: 'x', type: 'A', value: '127.0.0.31' }] }),
      startBind({ zone: 'other.test', records: [{ name: 'x', type: 'A', value: '127.0.0.32' }], rrsetOrder: 'random' }),
    ]);
    try {
      expect(new Set([server.port, b1.port, b2.port]).size).toBe(3);
      expect(await b1.resolver().resolve4('x.other.test')).toEqual(['127.0.0.31']);
      expect(await b2.resolver().resolve4('x.other.test')).toEqual(['127.0.0.32']);
      expect(isPidAlive(b1.pid)).toBe(true);
    } finally {
      await b1.stop();
      await b2.stop();
    }
    for (const b of [b1, b2]) {
      expect(isPidAlive(b.pid)).toBe(false);
      expect(existsSync(b.dir)).toBe(false);
      await expect(b.resolver().resolve4('x.other.test')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    }
    await b1.stop(); // idempotent
  });
});
