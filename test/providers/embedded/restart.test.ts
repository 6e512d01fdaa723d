// The embedded zone across restarts: persisted atomically, served from the first packet after a restart,
// SERVFAIL (never NXDOMAIN) before anything is known, and a corrupt or hostile state file never stops it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedProvider } from '../../../src/providers/embedded/provider.js';
import {
  startEmbeddedDnsServer,
  type EmbeddedDnsLogger,
  type EmbeddedDnsServer,
} from '../../../src/providers/embedded/server.js';
import { ZonePersister } from '../../../src/providers/embedded/state-file.js';
import { ZONE_STATE_FORMAT } from '../../../src/providers/embedded/zone-state.js';
import { ZoneStore } from '../../../src/providers/embedded/zone-store.js';
import { freePort } from '../../harness/ports.js';
import { waitFor } from '../../helpers/wait.js';
import { startRegistrarWorld } from '../../registrar/world.js';
import { query, rcodeOf, RC, udpExchange, ZONE } from './helpers.js';
import dnsPacket from 'dns-packet';

const NAME = `db.${ZONE}`;
const SET = { name: NAME, type: 'A' as const, ttl: 30, values: ['10.0.0.1', '10.0.0.2'] };
const servers: EmbeddedDnsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

function stateDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'seedkeeper-zone-'));
}

async function start(options: {
  stateFile?: string;
  port?: number;
  logger?: EmbeddedDnsLogger;
}): Promise<EmbeddedDnsServer> {
  const server = await startEmbeddedDnsServer({ zone: ZONE, port: options.port ?? 0, ...options });
  servers.push(server);
  return server;
}

function capture(): {
  logger: EmbeddedDnsLogger;
  lines: { level: string; fields: Record<string, unknown>; msg: string }[];
} {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) =>
    void lines.push({ level, fields, msg });
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const addresses = (reply: Buffer): string[] =>
  dnsPacket
    .decode(reply)
    .answers!.map((a) => String((a as { data: unknown }).data))
    .sort();

describe('embedded zone persistence', () => {
  it('answers SERVFAIL, never NXDOMAIN, before any state exists; NOERROR once published', async () => {
    const server = await start({});
    for (const name of [NAME, `other.${ZONE}`, ZONE])
      expect(rcodeOf((await udpExchange(server.port, query(name, 'A')))!)).toBe(2);
    expect(rcodeOf((await udpExchange(server.port, query('example.com', 'A')))!)).toBe(RC.REFUSED);
    await createEmbeddedProvider(server).apply([{ kind: 'create', set: SET }]);
    const reply = (await udpExchange(server.port, query(NAME, 'A')))!;
    expect(rcodeOf(reply)).toBe(RC.NOERROR);
    expect(addresses(reply)).toEqual(SET.values);
    expect(rcodeOf((await udpExchange(server.port, query(`other.${ZONE}`, 'A')))!)).toBe(RC.NXDOMAIN);
  });

  it('serves the persisted zone from the first packet after a restart, with a serial that never goes back', async () => {
    const file = path.join(stateDir(), 'sub', 'zone.json');
    const first = await start({ stateFile: file });
    await createEmbeddedProvider(first).apply([{ kind: 'create', set: SET }]); // resolves once on disk
    const serial = first.store.serial;
    await first.stop();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      format: ZONE_STATE_FORMAT,
      zone: ZONE,
      serial,
      sets: [SET],
    });
    expect(readdirSync(path.dirname(file))).toEqual(['zone.json']); // no temporary file left behind

    const second = await start({ stateFile: file, port: first.port });
    const reply = (await udpExchange(second.port, query(NAME, 'A')))!;
    expect(rcodeOf(reply)).toBe(RC.NOERROR);
    expect(addresses(reply)).toEqual(SET.values);
    expect(second.store.serial).toBeGreaterThanOrEqual(serial);
    expect(second.stats().state.restored).toBe(true);
  });

  it.each([
    ['garbage', (file: string) => writeFileSync(file, '\u0000{not json')],
    [
      'another format',
      (file: string) => writeFileSync(file, JSON.stringify({ format: 'v0', zone: ZONE, serial: 1, sets: [] })),
    ],
    [
      'another zone',
      (file: string) =>
        writeFileSync(file, JSON.stringify({ format: ZONE_STATE_FORMAT, zone: 'evil.test', serial: 1, sets: [] })),
    ],
    [
      'a record outside the zone',
      (file: string) =>
        writeFileSync(
          file,
          JSON.stringify({
            format: ZONE_STATE_FORMAT,
            zone: ZONE,
            serial: 1,
            sets: [{ name: 'x.evil.test', type: 'A', ttl: 5, values: ['10.0.0.9'] }],
          }),
        ),
    ],
    ['a directory', (file: string) => mkdirSync(file)],
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
  ])(
    'starts on a state file holding %s: logs the path, answers SERVFAIL, overwrites it on the next publish',
    async (what, make) => {
      const file = path.join(stateDir(), 'zone.json');
      make(file);
      const { logger, lines } = capture();
      const server = await start({ stateFile: file, logger });
      const problem = lines.find((l) => l.level === 'error');
      expect(problem?.msg).toContain(file);
      expect(rcodeOf((await udpExchange(server.port, query(NAME, 'A')))!)).toBe(2);
      await createEmbeddedProvider(server).apply([{ kind: 'create', set: SET }]);
      expect(rcodeOf((await udpExchange(server.port, query(NAME, 'A')))!)).toBe(RC.NOERROR);
      if (what === 'a directory') {
        expect(server.stats().state.failures).toBeGreaterThanOrEqual(1); // cannot replace a directory: logged, served from memory
        expect(lines.some((l) => l.level === 'warn' && l.msg.includes(file))).toBe(true);
      } else {
        expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ zone: ZONE, sets: [SET] });
      }
    },
  );
});

describe('registrar restart with the embedded provider', () => {
  it('answers the persisted record from the first query after a restart and never NXDOMAIN meanwhile', async () => {
    const port = await freePort();
    const stateFile = path.join(stateDir(), 'e2e.json');
    const provider = { type: 'embedded', zone: 'e2e.test', listen: `127.0.0.1:${port}`, stateFile };
    const one = await startRegistrarWorld({ ipBase: 90, config: { provider } });
    let published: string[];
    try {
      published = await waitFor(
        async () => {
          const ips = await one.resolve();
          return ips.length === 3 ? ips : undefined;
        },
        { what: 'the record published', timeoutMs: 20_000 },
      );
      // The record is served from memory a moment before its write to the state file completes: wait for it.
      await one.runtime.dns?.flush();
      // The server runs with the registrar's logger and reports on its /metrics.
      expect(
        one.logs.some(
          (l) => l['provider'] === 'embedded' && l['msg'] === 'embedded DNS server listening (UDP and TCP)',
        ),
      ).toBe(true);
      const text = await one.runtime.metrics.registry.metrics();
      expect(text).toContain('seedkeeper_dns_zone_loaded 1');
      expect(text).toMatch(/seedkeeper_dns_state_writes_total\{result="ok"\} [1-9]/);
    } finally {
      await one.close();
    }
    // From the moment the old server is gone until the new one answers: no reply, or the record.
    const seen: number[] = [];
    let polling = true;
    const poller = (async () => {
      for (let i = 0; i < 2000 && polling; i++) {
        const reply = await udpExchange(port, query('seed.e2e.test', 'A'), 25);
        if (reply) seen.push(rcodeOf(reply));
      }
    })();
    const two = await startRegistrarWorld({ ipBase: 90, config: { provider }, start: false });
    try {
      const first = (await udpExchange(port, query('seed.e2e.test', 'A')))!;
      expect(rcodeOf(first)).toBe(RC.NOERROR);
      expect(addresses(first)).toEqual(published);
      polling = false;
      await poller;
      expect(seen.every((rcode) => rcode === RC.NOERROR)).toBe(true);
    } finally {
      polling = false;
      await two.close();
    }
  });
});

describe('ZonePersister', () => {
  it('retries a failed write later, and writes the newest snapshot once the disk recovers', async () => {
    const dir = stateDir();
    const file = path.join(dir, 'zone.json');
    mkdirSync(file); // a directory where the file should be: every write fails
    const errors: unknown[] = [];
    const persister = new ZonePersister({ file, onError: (e) => errors.push(e), retryMs: 50 });
    const store = new ZoneStore({ zone: ZONE, records: [] });
    store.onChange((s) => persister.save(s));
    store.apply([{ kind: 'create', set: SET }]);
    await persister.flush();
    expect(persister.failures).toBe(1);
    rmSync(file, { recursive: true });
    await waitFor(() => persister.writes === 1, { what: 'the retried write', timeoutMs: 5000 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ sets: [SET] });
    persister.cancelRetry();
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});
