// Waiting for the service port: a late-opening listener, a port that never opens (clean, bounded error),
// the cluster-name check against simulated nodes, aborting, and how progress is shown.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { AgentError } from '../../src/agent/errors.js';
import { createProgressPrinter } from '../../src/agent/progress.js';
import { createDnsTarget } from '../../src/agent/targets/dns.js';
import { waitForPort, type WaitProgress } from '../../src/agent/wait-port.js';
import { createEmbeddedProvider } from '../../src/providers/embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../src/providers/embedded/server.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../harness/ports.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function listenLater(port: number, delayMs: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    setTimeout(() => {
      const server = net.createServer((socket) => socket.destroy());
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
      cleanup.push(() => new Promise<void>((done) => server.close(() => done())));
    }, delayMs);
  });
}

describe('waitForPort', () => {
  it('waits for a port that opens late, reporting progress meanwhile', async () => {
    const port = await freePort();
    const opened = listenLater(port, 400);
    const progress: WaitProgress[] = [];
    const result = await waitForPort({
      host: '127.0.0.1',
      port,
      timeoutMs: 10_000,
      intervalMs: 50,
      onProgress: (p) => progress.push(p),
    });
    await opened;
    // At least one refused attempt, then success; how many fit in 400 ms depends on the machine's load.
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(result.waitedMs).toBeGreaterThanOrEqual(300); // timers never fire early: it really waited
    expect(progress[0]).toMatchObject({
      host: '127.0.0.1',
      port,
      last: { ok: false, stage: 'port', reason: 'refused' },
    });
  });

  it('times out cleanly with a clear error when the port never opens', async () => {
    const port = await freePort();
    const started = performance.now();
    const error = await waitForPort({ host: '127.0.0.1', port, timeoutMs: 300, intervalMs: 50 }).catch(
      (e: unknown) => e,
    );
    // Bounded: it gives up near the deadline (slack for a loaded machine), never waits on and on.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: 'ERR_PORT_TIMEOUT' });
    expect((error as Error).message).toMatch(
      new RegExp(`^port ${port} on 127\\.0\\.0\\.1 did not accept connections within 0\\.3 s \\(last attempt: refused`),
    );
  });

  it('stops at once when aborted', async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped')), 100);
    const started = performance.now();
    // The abort lands during a 30 s pause between attempts: only an interrupted pause ends well before it.
    await expect(
      waitForPort({ host: '127.0.0.1', port, timeoutMs: 60_000, intervalMs: 30_000, signal: controller.signal }),
    ).rejects.toThrow('stopped');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('with a cluster name, the node must answer info with it', async () => {
    const sim: SimCluster = await startSimCluster({ nodes: 1, clusterName: 'prod' });
    cleanup.push(() => sim.stop());
    const { host, port } = sim.nodes[0]!.address;
    // Each attempt gets 2 s: on a loaded machine an info exchange can outlast the default 100 ms, and a
    // timed-out attempt would be retried (matching name) or reported as a timeout (other name).
    const patient = { intervalMs: 50, probeTimeoutMs: 2000 };
    await expect(
      waitForPort({ host, port, clusterName: 'prod', timeoutMs: 10_000, ...patient }),
    ).resolves.toMatchObject({ attempts: expect.any(Number) });
    const error = await waitForPort({ host, port, clusterName: 'other', timeoutMs: 2000, ...patient }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ERR_PORT_TIMEOUT' });
    expect((error as Error).message).toMatch(
      /accepted connections but did not answer info with cluster name "other" within 2 s \(last attempt: cluster-name "prod", expected "other"/,
    );
  });
});

describe('agent register waits for the port', () => {
  let dns: EmbeddedDnsServer | undefined;
  afterEach(async () => {
    await dns?.stop();
    dns = undefined;
  });

  it('registers once a late port opens; fails with ERR_PORT_TIMEOUT (and changes nothing) when it never does', async () => {
    dns = await startEmbeddedDnsServer({ zone: 'seed.test', port: 0 });
    const port = await freePort();
    const target = createDnsTarget({
      provider: createEmbeddedProvider(dns),
      name: 'db.seed.test',
      ttl: 30,
      ownerId: 'test',
    });
    const agent = new Agent({
      target,
      identity: { id: 'n1', address: '192.0.2.1', port },
      probeHost: '127.0.0.1',
      wait: { timeoutMs: 300, intervalMs: 50 },
    });
    await expect(agent.register()).rejects.toMatchObject({ code: 'ERR_PORT_TIMEOUT' });
    expect(dns.store.read(['db.seed.test'])).toEqual([]);

    const late = new Agent({
      target,
      identity: { id: 'n1', address: '192.0.2.1', port },
      probeHost: '127.0.0.1',
      wait: { timeoutMs: 10_000, intervalMs: 50 },
    });
    const events: string[] = [];
    for (const name of ['waiting', 'ready', 'registered'] as const) late.on(name, () => events.push(name));
    void listenLater(port, 300);
    await late.register();
    expect(events[0]).toBe('waiting');
    expect(events.slice(-2)).toEqual(['ready', 'registered']);
    const sets = dns.store.read(['db.seed.test', '_seedkeeper.db.seed.test']);
    expect(sets.find((s) => s.type === 'A')?.values).toEqual(['192.0.2.1']);
    expect(sets.find((s) => s.type === 'TXT')?.values).toEqual(['seedkeeper/v1 owner=test']);
  });
});

describe('progress', () => {
  const progress = (elapsedMs: number): WaitProgress => ({
    host: '10.0.1.7',
    port: 3000,
    elapsedMs,
    timeoutMs: 600_000,
    attempts: 1,
    last: { ok: false, stage: 'port', reason: 'refused' },
  });
  const sink = (isTTY: boolean) => {
    const out: string[] = [];
    return { out, stream: { isTTY, write: (text: string) => out.push(text) } };
  };

  it('updates one line in place on a terminal', () => {
    const { out, stream } = sink(true);
    const printer = createProgressPrinter(stream);
    printer.update(progress(1000));
    printer.update(progress(2000));
    printer.done('ready');
    expect(out).toEqual([
      '\r\x1b[2Kwaiting for 10.0.1.7:3000 to accept connections: 1 s of 600 s (refused)',
      '\r\x1b[2Kwaiting for 10.0.1.7:3000 to accept connections: 2 s of 600 s (refused)',
      '\r\x1b[2K',
      'ready\n',
    ]);
  });

  it('prints a plain line every N seconds otherwise', () => {
    const { out, stream } = sink(false);
    const printer = createProgressPrinter(stream, { everyMs: 10_000 });
    for (let t = 1000; t <= 25_000; t += 1000) printer.update(progress(t));
    expect(out).toEqual([
      'waiting for 10.0.1.7:3000 to accept connections: 1 s of 600 s (refused)\n',
      'waiting for 10.0.1.7:3000 to accept connections: 11 s of 600 s (refused)\n',
      'waiting for 10.0.1.7:3000 to accept connections: 21 s of 600 s (refused)\n',
    ]);
  });
});
