/**
 * Discovery at full cluster scale: a simulated cluster of N nodes (8: Community Edition's most; 256:
 * Enterprise Edition's) in a child process; from one seed, the time until the map holds every node, then the
 * discovering process's CPU per second of tending at the default interval, and its memory (heap and RSS
 * growth from before connecting).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster } from '../src/discovery/cluster.js';
import { DEFAULT_DISCOVERY_OPTIONS } from '../src/discovery/options.js';
import { spawnDaemon, stopDaemon, waitFor } from '../test/harness/processes.js';

const CHILD = fileURLToPath(new URL('./discovery-scale-child.ts', import.meta.url));

export interface DiscoveryScaleRow {
  readonly nodes: number;
  /** connect() start to a map holding every node. */
  readonly completeMapMs: number;
  /** Discovering process CPU (user + system) per wall second while tending. */
  readonly tendCpuMsPerSecond: number;
  readonly tendIntervalMs: number;
  readonly heapMb: number;
  readonly rssMb: number;
}

const mb = (bytes: number): number => bytes / 2 ** 20;

async function row(nodes: number, tendSeconds: number, log: (line: string) => void): Promise<DiscoveryScaleRow> {
  const daemon = spawnDaemon(process.execPath, ['--import', 'tsx', CHILD, String(nodes)], {
    cwd: path.dirname(CHILD),
    maxLifetimeSec: 600,
  });
  let cluster: Cluster | undefined;
  try {
    let seed = '';
    await waitFor(
      'simulated cluster',
      () => {
        seed = /seed=(\S+)/.exec(daemon.log())?.[1] ?? '';
        return seed !== '';
      },
      { timeoutMs: 60_000, intervalMs: 20, abort: () => (daemon.exited() ? `exited:\n${daemon.log()}` : undefined) },
    );
    const before = process.memoryUsage();
    const c = new Cluster([seed]);
    cluster = c;
    const t0 = performance.now();
    await c.connect();
    c.startTending();
    await waitFor(`a map of ${nodes} nodes`, () => c.nodes.length >= nodes, { timeoutMs: 120_000, intervalMs: 5 });
    const completeMapMs = performance.now() - t0;
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, tendSeconds * 1000));
    const cpu = process.cpuUsage(cpu0);
    const tendCpuMsPerSecond = (cpu.user + cpu.system) / 1000 / ((performance.now() - w0) / 1000);
    const after = process.memoryUsage();
    const r: DiscoveryScaleRow = {
      nodes,
      completeMapMs,
      tendCpuMsPerSecond,
      tendIntervalMs: DEFAULT_DISCOVERY_OPTIONS.tendIntervalMs,
      heapMb: mb(after.heapUsed - before.heapUsed),
      rssMb: mb(after.rss - before.rss),
    };
    log(
      `discovery ${nodes} nodes: map in ${completeMapMs.toFixed(0)} ms, tending ${tendCpuMsPerSecond.toFixed(1)} ms CPU/s, heap +${r.heapMb.toFixed(1)} MB`,
    );
    return r;
  } finally {
    await cluster?.close();
    await stopDaemon(daemon);
  }
}

export async function benchDiscoveryScale(
  log: (line: string) => void,
  sizes: readonly number[] = [8, 64, 256],
  tendSeconds = 10,
): Promise<DiscoveryScaleRow[]> {
  const rows: DiscoveryScaleRow[] = [];
  for (const nodes of sizes) rows.push(await row(nodes, tendSeconds, log));
  return rows;
}
