import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTcpProbe, socketErrorReason } from '../../src/health/tcp-probe.js';
import type { Endpoint } from '../../src/health/types.js';
import { freePort } from '../harness/ports.js';
import { describeIfTool } from '../harness/require-tool.js';
import { silenceAddresses } from '../harness/silent.js';
import { waitFor } from '../helpers/wait.js';

const endpoint = (host: string, port: number): Endpoint => ({ key: `${host}:${port}`, host, port });

/** Sockets and timers this process holds, to check that probes leave none behind. */
function handles(): { sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return {
    sockets: info.filter((r) => r === 'TCPSocketWrap').length,
    timers: info.filter((r) => r === 'Timeout').length,
  };
}

async function expectNoLeaks(before: { sockets: number; timers: number }): Promise<void> {
  await waitFor(
    () => {
      const now = handles();
      return now.sockets <= before.sockets && now.timers <= before.timers;
    },
    { timeoutMs: 5000, what: `handles back to ${JSON.stringify(before)} (now ${JSON.stringify(handles())})` },
  );
}

describe('createTcpProbe', () => {
  const probe = createTcpProbe();
  let server: net.Server;
  let port: number;
  let accepted = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      accepted++;
      socket.on('error', () => undefined);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is a tcp probe', () => {
    expect(probe.kind).toBe('tcp');
  });

  it('passes against a listener and closes the connection at once', async () => {
    const before = handles();
    const result = await probe.check(endpoint('127.0.0.1', port), 1000);
    expect(result).toMatchObject({ ok: true });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs).toBeLessThan(1000);
    await expectNoLeaks(before);
  });

  it('fails fast with "refused" when nothing listens', async () => {
    const free = await freePort('127.0.0.1');
    const before = handles();
    const result = await probe.check(endpoint('127.0.0.1', free), 2000);
    expect(result).toMatchObject({ ok: false, reason: 'refused' });
    expect(result.latencyMs).toBeLessThan(1000);
    await expectNoLeaks(before);
  });

  it('many probes at once all settle and leave nothing open', async () => {
    const before = handles();
    const acceptedBefore = accepted;
    const results = await Promise.all(
      Array.from({ length: 200 }, () => probe.check(endpoint('127.0.0.1', port), 2000)),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    await expectNoLeaks(before);
    await waitFor(() => accepted - acceptedBefore >= 1, { what: 'the server saw connections' });
  });

  it('turns bad input into a failed result instead of throwing', async () => {
    await expect(probe.check(endpoint('127.0.0.1', 70000), 100)).resolves.toMatchObject({
      ok: false,
      reason: 'invalid port 70000',
    });
    await expect(probe.check(endpoint('', port), 100)).resolves.toMatchObject({ ok: false, reason: 'invalid host ""' });
    await expect(probe.check(endpoint('127.0.0.1', port), 0)).resolves.toMatchObject({
      ok: false,
      reason: 'invalid timeout 0',
    });
  });

  it('an aborted signal fails without connecting', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(probe.check(endpoint('127.0.0.1', port), 1000, controller.signal)).resolves.toEqual({
      ok: false,
      latencyMs: 0,
      reason: 'aborted',
    });
  });

  it('maps socket errors to short reasons', () => {
    const error = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });
    expect(socketErrorReason(error('ECONNREFUSED'))).toBe('refused');
    expect(socketErrorReason(error('EHOSTUNREACH'))).toBe('unreachable');
    expect(socketErrorReason(error('ENETUNREACH'))).toBe('unreachable');
    expect(socketErrorReason(error('EWHATEVER'))).toBe('ewhatever');
    expect(socketErrorReason(new Error('plain'))).toBe('plain');
  });
});

describeIfTool(['nft'], { needsRoot: 'nftables rules to make an address silent' })(
  'createTcpProbe against a silent address',
  () => {
    const probe = createTcpProbe();

    it('times out within the deadline and leaves no socket or timer', async () => {
      const host = `127.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
      const port = await freePort(host);
      const silence = await silenceAddresses([{ host, port }]);
      try {
        const before = handles();
        const started = performance.now();
        const result = await probe.check(endpoint(host, port), 300);
        const elapsed = performance.now() - started;
        expect(result).toMatchObject({ ok: false, reason: 'timeout' });
        expect(elapsed).toBeGreaterThanOrEqual(290);
        expect(elapsed).toBeLessThan(2000);
        await expectNoLeaks(before);
      } finally {
        await silence.release();
      }
    });

    it('aborting mid-connect settles at once with "aborted"', async () => {
      const host = `127.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
      const port = await freePort(host);
      const silence = await silenceAddresses([{ host, port }]);
      try {
        const before = handles();
        const controller = new AbortController();
        const pending = Promise.all([1, 2, 3].map(() => probe.check(endpoint(host, port), 10_000, controller.signal)));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(handles().sockets).toBeGreaterThanOrEqual(before.sockets + 3); // the check below can see leaks
        controller.abort();
        const results = await pending;
        expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['aborted', 'aborted', 'aborted']);
        expect(Math.max(...results.map((r) => r.latencyMs))).toBeLessThan(5000);
        await expectNoLeaks(before);
      } finally {
        await silence.release();
      }
    });
  },
);
