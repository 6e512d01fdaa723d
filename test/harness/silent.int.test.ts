import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { expect, it } from 'vitest';
import { freePort } from './ports.js';
import { describeIfTool } from './require-tool.js';
import { cleanupStaleSilentTables, silenceAddresses } from './silent.js';

// A silenced address never answers, so 1 s of silence is proof enough; a refused one answers in ~1 ms,
// but a loaded machine may not run our callback for a while, so those probes may wait much longer.
const SILENT_WAIT_MS = 1000;
const REFUSED_WAIT_MS = 10_000;

type Outcome = { kind: 'connected' | 'silent' } | { kind: 'error'; code: string | undefined; ms: number };

/** Connects and reports what happened within `waitMs`; the socket is always destroyed. */
function probe(host: string, port: number, waitMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = net.connect({ host, port });
    const finish = (o: Outcome): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ kind: 'silent' }), waitMs);
    socket.once('connect', () => finish({ kind: 'connected' }));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      finish({ kind: 'error', code: e.code, ms: performance.now() - t0 }),
    );
  });
}

function randomLoopback(): string {
  const b = (): number => 1 + Math.floor(Math.random() * 250);
  return `127.${100 + Math.floor(Math.random() * 100)}.${b()}.${b()}`;
}

function tables(): string {
  return execFileSync('nft', ['list', 'tables', 'inet'], { encoding: 'utf8', timeout: 10_000 });
}

describeIfTool(['nft'], { needsRoot: 'nftables rules' })('silenceAddresses (real nftables)', () => {
  it('a silenced address gets no answer; an unsilenced one and the released one are refused', async () => {
    const silentHost = randomLoopback();
    const refusedHost = randomLoopback();
    const port = await freePort(silentHost); // nothing listens on it, not even on 0.0.0.0
    const silence = await silenceAddresses([{ host: silentHost, port }]);
    let released = false;
    try {
      expect(tables()).toContain(silence.table);
      expect(silence.table).toMatch(new RegExp(`^seedkeeper_test_${process.pid}_`));
      expect(await probe(silentHost, port, SILENT_WAIT_MS)).toEqual({ kind: 'silent' });

      // A refusal ends the probe at once; the long wait only keeps a stalled event loop from calling
      // it silent. "At once" is asserted against the silent wait, not an absolute time.
      const refused = await probe(refusedHost, port, REFUSED_WAIT_MS);
      expect(refused).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });
      expect(refused.kind === 'error' && refused.ms).toBeLessThan(SILENT_WAIT_MS);
      // The rule is port-specific.
      expect(await probe(silentHost, port + 1, REFUSED_WAIT_MS)).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });

      await silence.release();
      released = true;
      expect(tables()).not.toContain(silence.table);
      expect(await probe(silentHost, port, REFUSED_WAIT_MS)).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });
      await silence.release(); // idempotent
    } finally {
      if (!released) await silence.release();
    }
  });

  it('silences several targets in one table', async () => {
    const hosts = [randomLoopback(), randomLoopback()];
    const port = await freePort(hosts[0]);
    const silence = await silenceAddresses(hosts.map((host) => ({ host, port })));
    try {
      const outcomes = await Promise.all(hosts.map((h) => probe(h, port, 300)));
      expect(outcomes).toEqual([{ kind: 'silent' }, { kind: 'silent' }]);
    } finally {
      await silence.release();
    }
  });

  it('refuses non-loopback targets and bad ports without touching nftables', async () => {
    const before = tables();
    for (const host of ['10.0.0.1', '128.0.0.1', '::1', 'localhost', '0.0.0.0']) {
      await expect(silenceAddresses([{ host, port: 3000 }])).rejects.toThrow(/127\.0\.0\.0\/8/);
    }
    await expect(silenceAddresses([{ host: '127.0.0.5', port: 0 }])).rejects.toThrow(/bad port/);
    await expect(silenceAddresses([])).rejects.toThrow(/no targets/);
    expect(tables()).toBe(before);
  });

  it('cleanupStaleSilentTables removes tables of dead PIDs only', async () => {
    const deadPid = 4_194_304 + 1 + Math.floor(Math.random() * 100_000); // > PID_MAX_LIMIT: never alive
    const stale = `seedkeeper_test_${deadPid}_1stale`;
    execFileSync('nft', ['add', 'table', 'inet', stale], { timeout: 10_000 });
    const mine = await silenceAddresses([{ host: randomLoopback(), port: 3000 }]);
    try {
      const deleted = await cleanupStaleSilentTables();
      expect(deleted).toContain(stale);
      const after = tables();
      expect(after).not.toContain(stale);
      expect(after).toContain(mine.table);
    } finally {
      await mine.release();
    }
  });
});
