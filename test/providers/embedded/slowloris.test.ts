// DNS over TCP against slow and greedy peers: a byte never restarts a deadline, one source cannot hold every
// slot, a full server makes room for a new client, and a real `dig +tcp` is answered while the attack runs.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerEmbeddedDnsMetrics } from '../../../src/providers/embedded/metrics.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import type { EmbeddedDnsLimits } from '../../../src/providers/embedded/limits.js';
import { describeIfTool } from '../../harness/require-tool.js';
import { frame, query, rcodeOf, RC, unframe, ZONE } from './helpers.js';

const run = promisify(execFile);
const RECORD = { name: `api.${ZONE}`, type: 'A' as const, ttl: 30, values: ['127.0.0.11'] };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let server: EmbeddedDnsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function start(limits: Partial<EmbeddedDnsLimits>): Promise<EmbeddedDnsServer> {
  return startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [RECORD], limits });
}

/** Connects from `localAddress`; resolves with the socket once connected, or undefined if that failed. */
function connect(port: number, localAddress: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
    socket.on('error', () => undefined);
  });
}

/**
 * A slowloris peer: sends a length prefix, then one byte every `everyMs`, never finishing its message;
 * reconnects (after `reconnectMs`) when the server closes it, until stop(). Counts its connections.
 */
function attacker(
  port: number,
  localAddress: string,
  everyMs: number,
  reconnectMs: number,
): { stop: () => void; done: Promise<void>; connections: () => number } {
  let stopped = false;
  let connections = 0;
  let current: net.Socket | undefined;
  const done = (async () => {
    for (let round = 0; round < 10_000 && !stopped; round++) {
      const socket = await connect(port, localAddress);
      if (socket === undefined || stopped) {
        socket?.destroy();
        await sleep(reconnectMs);
        continue;
      }
      connections++;
      current = socket;
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      let open = true;
      void closed.then(() => (open = false));
      socket.write(Buffer.from([0x00, 0x40]));
      for (let i = 0; i < 10_000 && open && !stopped; i++) {
        await Promise.race([sleep(everyMs), closed]);
        if (open) socket.write(Buffer.from([0x41]));
      }
      socket.destroy();
      await sleep(reconnectMs);
    }
  })();
  return { stop: () => ((stopped = true), current?.destroy()), done, connections: () => connections };
}

async function digTcp(port: number): Promise<{ status: string; answer: string }> {
  const { stdout } = await run(
    'dig',
    [
      '@127.0.0.1',
      '-p',
      String(port),
      '-b',
      '127.0.0.1',
      '+tcp',
      '+norec',
      '+tries=1',
      '+time=3',
      '+noall',
      '+comments',
      '+answer',
      `api.${ZONE}`,
      'A',
    ],
    { timeout: 10_000 },
  );
  return {
    status: /status: (\w+)/.exec(stdout)?.[1] ?? '',
    answer: stdout.split('\n').find((l) => l.startsWith(`api.${ZONE}.`)) ?? '',
  };
}

describe('DNS over TCP deadlines', () => {
  it('closes a connection trickling one byte at a time at its per-message deadline', async () => {
    server = await start({ tcpMessageTimeoutMs: 400, tcpIdleTimeoutMs: 60_000 });
    const peer = attacker(server.port, '127.0.0.1', 100, 60_000);
    const started = performance.now();
    for (let i = 0; i < 300 && server.stats().tcp.messageTimeouts === 0; i++) await sleep(20);
    const closedAfter = performance.now() - started;
    peer.stop();
    expect(server.stats().tcp.messageTimeouts).toBe(1);
    expect(closedAfter).toBeGreaterThanOrEqual(350); // the trickle kept sending: only the deadline closed it
    expect(closedAfter).toBeLessThan(5000);
  });

  it('ends a busy connection at its lifetime, answering every complete query before', async () => {
    server = await start({ tcpLifetimeMs: 500 });
    const socket = (await connect(server.port, '127.0.0.1'))!;
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let sent = 0;
    let open = true;
    void closed.then(() => (open = false));
    for (let i = 0; i < 200 && open; i++) {
      socket.write(frame(query(`api.${ZONE}`, 'A', { id: i })));
      sent++;
      await Promise.race([sleep(50), closed]);
    }
    expect(open).toBe(false);
    expect(server.stats().tcp.lifetimes).toBe(1);
    const answers = unframe(Buffer.concat(chunks));
    expect(answers.length).toBeGreaterThanOrEqual(3);
    expect(answers.length).toBeLessThanOrEqual(sent);
    expect(answers.map(rcodeOf).every((r) => r === RC.NOERROR)).toBe(true);
  });
});

describeIfTool(['dig'])('DNS over TCP under a slowloris attack (real dig +tcp)', () => {
  it('answers dig +tcp while 256 connections from one source trickle bytes: the per-source cap refuses them', async () => {
    server = await start({ tcpMessageTimeoutMs: 1500, maxTcpConnections: 64, maxTcpConnectionsPerSource: 8 });
    const registry = new Registry();
    registerEmbeddedDnsMetrics(registry, server);
    const peers = Array.from({ length: 256 }, () => attacker(server!.port, '127.0.0.2', 500, 3000));
    try {
      for (let i = 0; i < 750 && server.stats().tcp.rejectedPerSource < 248; i++) await sleep(20);
      expect(server.stats().tcp.rejectedPerSource).toBeGreaterThanOrEqual(248);
      for (let i = 0; i < 3; i++)
        expect(await digTcp(server.port)).toEqual({
          status: 'NOERROR',
          answer: expect.stringMatching(/\tA\t127\.0\.0\.11$/),
        });
      expect(server.stats().tcp.open).toBeLessThanOrEqual(8 + 1); // the attacker's 8, and dig's if its close is not seen yet
    } finally {
      for (const p of peers) p.stop();
      await Promise.all(peers.map((p) => p.done));
    }
    const text = await registry.metrics();
    expect(text).toMatch(/seedkeeper_dns_tcp_rejected_total\{reason="per_source"\} (\d+)/);
    expect(
      Number(/seedkeeper_dns_tcp_rejected_total\{reason="per_source"\} (\d+)/.exec(text)![1]),
    ).toBeGreaterThanOrEqual(248);
  });

  it('answers dig +tcp while 256 sources trickle bytes and reconnect: a full server evicts the longest waiter', async () => {
    server = await start({ tcpMessageTimeoutMs: 1000, maxTcpConnections: 64, maxTcpConnectionsPerSource: 8 });
    const peers = Array.from({ length: 256 }, (_, i) =>
      attacker(server!.port, `127.0.${1 + (i >> 7)}.${1 + (i & 127)}`, 300, 500),
    );
    try {
      for (let i = 0; i < 750 && server.stats().tcp.evicted < 64; i++) await sleep(20);
      expect(server.stats().tcp.evicted).toBeGreaterThanOrEqual(64); // the attack fills every slot
      const results = [];
      for (let i = 0; i < 5; i++) {
        results.push(await digTcp(server.port));
        await sleep(100);
      }
      expect(results.map((r) => r.status)).toEqual(Array(5).fill('NOERROR'));
      expect(server.stats().tcp.open).toBeLessThanOrEqual(64);
    } finally {
      for (const p of peers) p.stop();
      await Promise.all(peers.map((p) => p.done));
    }
    expect(peers.reduce((n, p) => n + p.connections(), 0)).toBeGreaterThan(64);
  });
});
