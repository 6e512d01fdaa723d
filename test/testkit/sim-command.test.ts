import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { registerSim, runSim, simOptionsFromFlags } from '../../src/cli/commands/sim.js';
import type { LoadBalancer } from '../../src/testkit/load-balancer.js';
import type { SimCluster } from '../../src/testkit/sim-cluster.js';
import { askOnce } from './helpers/raw-client.js';

const flags = { nodes: '3', basePort: '0', clusterName: 'sim', host: '127.0.0.1' };

describe('sim command', () => {
  it('validates its flags', () => {
    expect(simOptionsFromFlags(flags)).toEqual({ nodes: 3, basePort: 0, clusterName: 'sim', host: '127.0.0.1' });
    expect(simOptionsFromFlags({ ...flags, lbPort: '0' }).lbPort).toBe(0);
    expect(() => simOptionsFromFlags({ ...flags, nodes: 'x' })).toThrow(ConfigError);
    expect(() => simOptionsFromFlags({ ...flags, nodes: '0' })).toThrow(/--nodes/);
    expect(() => simOptionsFromFlags({ ...flags, basePort: '65535', nodes: '2' })).toThrow(/--base-port/);
    expect(() => simOptionsFromFlags({ ...flags, passwordEnv: 'P' })).toThrow(/needs --user/);
    expect(simOptionsFromFlags({ ...flags, user: 'admin', passwordEnv: 'P' }, { P: 'pw' })).toMatchObject({
      user: 'admin',
      password: 'pw',
    });
  });

  it('runs the cluster and the LB until aborted, printing node and LB lines, then stops everything', async () => {
    const controller = new AbortController();
    const out: string[] = [];
    let running: { cluster: SimCluster; lb: LoadBalancer | undefined } | undefined;
    const done = runSim(
      { nodes: 2, basePort: 0, lbPort: 0, clusterName: 'cli', host: '127.0.0.1' },
      {
        write: (t) => out.push(t),
        signal: controller.signal,
        onReady: (r) => {
          running = r;
        },
      },
    );
    for (let i = 0; i < 100 && !running; i++) await new Promise((r) => setTimeout(r, 20));
    const { cluster, lb } = running!;
    const text = out.join('');
    for (const node of cluster.nodes) expect(text).toContain(`node ${node.id} 127.0.0.1:${node.address.port}\n`);
    expect(text).toContain(`lb 127.0.0.1:${lb!.port}\n`);
    // The LB forwards to a node of this cluster.
    expect((await askOnce(lb!.address, 'cluster-name'))['cluster-name']).toBe('cli');
    controller.abort();
    await done;
    expect(out.at(-1)).toBe('stopped\n');
    expect(cluster.nodes.every((n) => !n.running)).toBe(true);
  });

  it('a port in use is a usage error that names the option picking another port', async () => {
    const { createServer } = await import('node:net');
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    const io = { write: (): void => undefined, signal: AbortSignal.abort() };
    try {
      const base = runSim({ nodes: 1, basePort: taken, clusterName: 'x', host: '127.0.0.1' }, io);
      await expect(base).rejects.toThrow(ConfigError);
      await expect(base).rejects.toThrow(
        /--base-port: port \d+ is already in use; pick another with --base-port \(0 = free ports/,
      );
      await expect(
        runSim({ nodes: 1, basePort: 0, lbPort: taken, clusterName: 'x', host: '127.0.0.1' }, io),
      ).rejects.toThrow(/pick another with --lb-port/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('registers `sim` on a program and stops on SIGTERM', async () => {
    const program = new Command('seedkeeper').exitOverride();
    registerSim(program);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const run = program.parseAsync(['node', 'seedkeeper', 'sim', '--nodes', '1', '--base-port', '0']);
      for (let i = 0; i < 100 && !writes.join('').includes('running'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(writes.join('')).toMatch(/^node BB9010011AC4202 127\.0\.0\.1:\d+$/m);
      process.emit('SIGTERM');
      await run;
      expect(writes.at(-1)).toBe('stopped\n');
      expect(process.listenerCount('SIGTERM')).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
