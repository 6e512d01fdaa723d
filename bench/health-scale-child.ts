/**
 * Child of bench/health-scale.ts, run inside a private network namespace (`unshare -n`, lo up): every
 * 127.0.0.0/8 address is local there, so one listener on 0.0.0.0:PORT (a separate process, so its accept
 * work is not billed to the checker) answers for all N endpoints. Warms up until every endpoint is healthy,
 * then measures the checker process alone for a fixed time. Progress goes to stderr, the result as one JSON
 * line to stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { HealthChecker } from '../src/health/checker.js';
import { createTcpProbe } from '../src/health/tcp-probe.js';
import type { Endpoint } from '../src/health/types.js';

function bounded(name: string, fallback: number, min: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer ${min}..${max}`);
  return value;
}

const ENDPOINTS = bounded('HEALTH_SCALE_ENDPOINTS', 10_000, 1, 100_000);
const SECONDS = bounded('HEALTH_SCALE_SECONDS', 10, 1, 120);
const INTERVAL_MS = 1000;
const PORT = 3000;
const WARMUP_LIMIT_MS = 30_000;
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux, the unit of /proc/<pid>/stat times

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const LISTENER = `
const net = require('node:net');
const server = net.createServer({ noDelay: true }, (s) => { s.on('error', () => {}); s.destroy(); });
server.on('error', (e) => { console.error(e.message); process.exit(1); });
server.listen({ host: '0.0.0.0', port: ${PORT}, backlog: 65535 }, () => console.log('listening'));
// Die with the parent: its end of our stdin closes when it exits, however it exits.
process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();
`;

function startListener(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', LISTENER], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('listener did not start within 10 s'));
    }, 10_000);
    child.once('exit', (code) => reject(new Error(`listener exited with ${code}`)));
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(child);
    });
  });
}

/** CPU seconds (user + system) a process has used, from /proc. */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function endpoints(count: number): Endpoint[] {
  return Array.from({ length: count }, (_, i) => {
    const host = `127.${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    return { key: `${host}:${PORT}`, host, port: PORT };
  });
}

function countHealthy(checker: HealthChecker): number {
  let healthy = 0;
  for (const health of checker.snapshot().values()) if (health.state === 'healthy') healthy++;
  return healthy;
}

async function main(): Promise<void> {
  const listener = await startListener();
  const checker = new HealthChecker(createTcpProbe(), {
    intervalMs: INTERVAL_MS,
    timeoutMs: 500,
    healthyAfter: 2,
    unhealthyAfterMs: 3000,
  });
  try {
    checker.setEndpoints(endpoints(ENDPOINTS));
    checker.start();
    const warmStart = Date.now();
    let healthy = 0;
    while (Date.now() - warmStart < WARMUP_LIMIT_MS) {
      await sleep(500);
      healthy = countHealthy(checker);
      if (healthy === ENDPOINTS) break;
    }
    log(`warm-up: ${healthy}/${ENDPOINTS} healthy after ${Date.now() - warmStart} ms; measuring ${SECONDS} s`);
    await sleep(2000); // let the start-up burst spread out

    let leftHealthy = 0;
    checker.on('transition', (t) => {
      if (t.from === 'healthy') leftHealthy++;
    });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const before = {
      stats: checker.stats,
      cpu: process.cpuUsage(),
      at: performance.now(),
      listener: processCpuSeconds(listener.pid!),
    };
    let peakRss = 0;
    for (let i = 0; i < SECONDS * 4; i++) {
      await sleep(250);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    const seconds = (performance.now() - before.at) / 1000;
    const cpu = process.cpuUsage(before.cpu);
    const after = checker.stats;
    delay.disable();
    const memory = process.memoryUsage();
    const result = {
      endpoints: ENDPOINTS,
      intervalMs: INTERVAL_MS,
      measuredSeconds: seconds,
      cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
      cpuUserCores: cpu.user / 1e6 / seconds,
      cpuSystemCores: cpu.system / 1e6 / seconds,
      rssMb: peakRss / 2 ** 20,
      rssEndMb: memory.rss / 2 ** 20,
      heapUsedMb: memory.heapUsed / 2 ** 20,
      heapTotalMb: memory.heapTotal / 2 ** 20,
      externalMb: memory.external / 2 ** 20,
      probesPerSecond: (after.probesStarted - before.stats.probesStarted) / seconds,
      failuresPerSecond: (after.failures - before.stats.failures) / seconds,
      healthy: countHealthy(checker),
      leftHealthy,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
      listenerCpuCores: (processCpuSeconds(listener.pid!) - before.listener) / seconds,
    };
    if (process.env.HEALTH_SCALE_DEBUG) {
      for (const space of v8.getHeapSpaceStatistics()) {
        log(
          `${space.space_name}: size ${(space.space_size / 2 ** 20).toFixed(1)} MB, used ${(space.space_used_size / 2 ** 20).toFixed(1)} MB`,
        );
      }
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await checker.stop();
    listener.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  log(`health-scale child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
