/**
 * Node death -> DNS record without it, and node back -> record with it, end to end: simulated node, real
 * Aerospike-level health probes, the plan, the embedded DNS server, and a real resolver (c-ares) polling
 * the record every 2 ms. Reported next to the configured unhealthy-after X, healthy-after N and interval.
 */
import { startRegistrarWorld } from '../test/registrar/world.js';
import { summarize, type Summary } from './stats.js';

export interface ConvergenceRow {
  readonly intervalMs: number;
  readonly unhealthyAfterMs: number;
  readonly healthyAfter: number;
  readonly removal: Summary;
  readonly restore: Summary;
  /** X + interval + 100 ms */
  readonly removalBound: number;
  /** N x interval + 100 ms */
  readonly restoreBound: number;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < 1_000_000; i++) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`no convergence within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('unreachable');
}

export async function benchConvergence(
  settings: readonly { intervalMs: number; unhealthyAfterMs: number; healthyAfter: number; trials: number }[],
  log: (line: string) => void,
): Promise<ConvergenceRow[]> {
  const rows: ConvergenceRow[] = [];
  for (const s of settings) {
    const world = await startRegistrarWorld({
      ipBase: 90,
      config: {
        health: {
          probe: 'aerospike',
          clusterName: 'e2e',
          intervalMs: s.intervalMs,
          timeoutMs: Math.min(500, s.intervalMs),
          healthyAfter: s.healthyAfter,
          unhealthyAfterMs: s.unhealthyAfterMs,
          jitter: 0.1,
        },
        registrar: { intervalMs: 10_000, debounceMs: 0 },
        log: { level: 'warn' },
      },
    });
    try {
      const victim = world.sim.nodes[2]!;
      const ip = world.ips[2]!;
      const bound = 10 * (s.unhealthyAfterMs + s.healthyAfter * s.intervalMs) + 10_000;
      await until(async () => (await world.resolve()).length === 3, bound);
      const removal: number[] = [];
      const restore: number[] = [];
      for (let trial = 0; trial < s.trials; trial++) {
        // Let the node be healthy for a moment at a random phase of the probe interval.
        await new Promise((resolve) => setTimeout(resolve, s.intervalMs * (1 + Math.random())));
        await victim.stop();
        removal.push(await until(async () => !(await world.resolve()).includes(ip), bound));
        await new Promise((resolve) => setTimeout(resolve, s.intervalMs * Math.random()));
        await victim.start();
        restore.push(await until(async () => (await world.resolve()).includes(ip), bound));
      }
      const row = {
        intervalMs: s.intervalMs,
        unhealthyAfterMs: s.unhealthyAfterMs,
        healthyAfter: s.healthyAfter,
        removal: summarize(removal),
        restore: summarize(restore),
        removalBound: s.unhealthyAfterMs + s.intervalMs + 100,
        restoreBound: s.healthyAfter * s.intervalMs + 100,
      };
      rows.push(row);
      log(
        `interval ${s.intervalMs} ms, X ${s.unhealthyAfterMs} ms, N ${s.healthyAfter}: removal median ${row.removal.median.toFixed(0)} ms (max ${row.removal.max.toFixed(0)}, bound ${row.removalBound}), restore median ${row.restore.median.toFixed(0)} ms (max ${row.restore.max.toFixed(0)}, bound ${row.restoreBound})`,
      );
    } finally {
      await world.close();
    }
  }
  return rows;
}
