// The embedded server with several worker processes: same answers, one snapshot at a time per query,
// a dead worker replaced while the others answer, and no worker left behind after stop.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedProvider } from '../../../src/providers/embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import { query, rcodeOf, RC, resolverFor, sorted, tcpExchange, udpExchange, unframe, frame, ZONE } from './helpers.js';
import { addresses, hammerDuringUpdates, NAME, setOf, until } from './updates.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('embedded DNS server with workers', () => {
  let server: EmbeddedDnsServer | undefined;
  let pids: readonly number[] = [];

  afterEach(async () => {
    await server?.stop();
    server = undefined;
    // Every worker ever seen is gone once stop() resolves.
    for (const pid of pids) expect(alive(pid)).toBe(false);
    pids = [];
  });

  it('answers UDP and TCP from two workers, adds up their counters, and ends them on stop', async () => {
    server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [setOf(0)], engine: 'node', workers: 2 });
    expect(server.workers).toBe(2);
    pids = server.workerPids();
    expect(pids).toHaveLength(2);
    expect(sorted(await resolverFor(server.port).resolve4(NAME))).toEqual(setOf(0).values);
    const tcp = await tcpExchange(server.port, frame(query(NAME, 'A')), 5000);
    expect(unframe(tcp.data).map(rcodeOf)).toEqual([RC.NOERROR]);
    const s = server;
    await until('counters from the workers', () => s.stats().queries.udp >= 1 && s.stats().queries.tcp >= 1);
    expect(s.stats().responses.noerror).toBeGreaterThanOrEqual(2);
  });

  it('never answers from a mix of two updates, nor empty, while 1,000 updates are applied', async () => {
    server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [setOf(0)], engine: 'node', workers: 2 });
    pids = server.workerPids();
    const port = server.port;
    const { judged: answers, bad } = await hammerDuringUpdates(server, 1000);
    expect(bad).toEqual([]);
    expect(answers).toBeGreaterThan(100);
    // apply() resolved only once every worker served the update: the last set is what everyone answers.
    for (let i = 0; i < 10; i++)
      expect(sorted(addresses((await udpExchange(port, query(NAME, 'A'), 2000))!))).toEqual(sorted(setOf(1000).values));
  }, 180_000);

  it('replaces a dead worker while the other keeps answering; apply waits for the replacement', async () => {
    server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [setOf(0)], engine: 'node', workers: 2 });
    const s = server;
    const [victim, survivor] = s.workerPids() as [number, number];
    pids = [victim, survivor];
    process.kill(victim, 'SIGKILL');
    await until('the victim to die', () => !alive(victim));
    const provider = createEmbeddedProvider(s);
    await provider.apply([{ kind: 'update', before: setOf(0), after: setOf(1) }]);
    await until('a replacement', () => s.workerPids().length === 2 && !s.workerPids().includes(victim));
    pids = [victim, ...s.workerPids()];
    expect(s.workerPids()).toContain(survivor);
    // Every query is answered (some worker holds the socket at all times) and with the new set.
    for (let i = 0; i < 20; i++) {
      const reply = await udpExchange(s.port, query(NAME, 'A', { id: i }), 3000);
      expect(reply && sorted(addresses(reply))).toEqual(sorted(setOf(1).values));
    }
  }, 120_000);

  it('serves SERVFAIL before any state, then the persisted zone from the first packet after a restart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-workers-'));
    try {
      const stateFile = path.join(dir, 'zone.json');
      server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, stateFile, engine: 'node', workers: 2 });
      pids = server.workerPids();
      expect(rcodeOf((await udpExchange(server.port, query(NAME, 'A'), 3000))!)).toBe(2); // SERVFAIL
      await createEmbeddedProvider(server).apply([{ kind: 'create', set: setOf(7) }]);
      await server.stop();
      server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, stateFile, engine: 'node', workers: 2 });
      pids = [...pids, ...server.workerPids()];
      expect(sorted(addresses((await udpExchange(server.port, query(NAME, 'A'), 3000))!))).toEqual(
        sorted(setOf(7).values),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('rejects a bad worker count', async () => {
    await expect(startEmbeddedDnsServer({ zone: ZONE, port: 0, workers: 0 })).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
