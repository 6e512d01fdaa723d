/**
 * Health-check scale: N endpoints (default 10,000) probed by the TCP probe at 1 s intervals, measured for
 * ~10 s after warm-up: CPU (fraction of one core, the checker process alone), peak RSS and heap, probes per
 * second achieved, and how many endpoints stayed healthy. Goal: 10,000 endpoints within half a core and
 * 200 MB.
 *
 * Every endpoint is a distinct 127.x.y.z address. Inside a private network namespace (`unshare -n`, needs
 * root) every 127.0.0.0/8 address is local, so one listener on 0.0.0.0:PORT stands for all of them without
 * touching the host's network. The measurement runs in bench/health-scale-child.ts, in that namespace.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HealthScaleResult {
  readonly endpoints: number;
  readonly intervalMs: number;
  readonly measuredSeconds: number;
  /** CPU of the checker process (user + system) as a fraction of one core. */
  readonly cpuCores: number;
  readonly cpuUserCores: number;
  readonly cpuSystemCores: number;
  /** Peak RSS during the measurement, MB (includes Node.js and the tsx loader). */
  readonly rssMb: number;
  readonly rssEndMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly probesPerSecond: number;
  readonly failuresPerSecond: number;
  /** Endpoints healthy at the end, and how many left the healthy state during the measurement. */
  readonly healthy: number;
  readonly leftHealthy: number;
  readonly eventLoopDelayP99Ms: number;
  /** CPU of the separate listener process (not part of the checker's cost), for context. */
  readonly listenerCpuCores: number;
  /** Within half a core and 200 MB, every endpoint healthy throughout. */
  readonly goalMet: boolean;
}

export interface HealthScaleOptions {
  readonly endpoints?: number;
  readonly seconds?: number;
}

export const HEALTH_SCALE_GOAL = Object.freeze({ endpoints: 10_000, cpuCores: 0.5, rssMb: 200 });

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD = 'bench/health-scale-child.ts';
/** Warm-up (at most 30 s) + measurement + start and stop. */
const slackMs = 60_000;

export async function benchHealthScale(
  log: (line: string) => void,
  options: HealthScaleOptions = {},
): Promise<HealthScaleResult> {
  const endpoints = options.endpoints ?? HEALTH_SCALE_GOAL.endpoints;
  const seconds = options.seconds ?? 10;
  log(
    `health scale: ${endpoints} endpoints, TCP probe, 1 s interval, measuring ${seconds} s in a private network namespace`,
  );
  const stdout = await runChild(
    { HEALTH_SCALE_ENDPOINTS: String(endpoints), HEALTH_SCALE_SECONDS: String(seconds) },
    seconds * 1000 + slackMs,
    log,
  );
  const line = stdout.trim().split('\n').at(-1) ?? '';
  let parsed: Omit<HealthScaleResult, 'goalMet'>;
  try {
    parsed = JSON.parse(line) as Omit<HealthScaleResult, 'goalMet'>;
  } catch {
    throw new Error(`health scale: the child printed no result (last line: ${JSON.stringify(line.slice(0, 200))})`);
  }
  const goalMet =
    parsed.cpuCores <= HEALTH_SCALE_GOAL.cpuCores &&
    parsed.rssMb <= HEALTH_SCALE_GOAL.rssMb &&
    parsed.healthy === parsed.endpoints &&
    parsed.leftHealthy === 0;
  const result: HealthScaleResult = { ...parsed, goalMet };
  log(
    `health scale: ${result.endpoints} endpoints, ${Math.round(result.probesPerSecond)} probes/s, ` +
      `CPU ${result.cpuCores.toFixed(2)} core (user ${result.cpuUserCores.toFixed(2)}, system ${result.cpuSystemCores.toFixed(2)}), ` +
      `RSS ${Math.round(result.rssMb)} MB, heap ${Math.round(result.heapUsedMb)}/${Math.round(result.heapTotalMb)} MB, ` +
      `healthy ${result.healthy}/${result.endpoints} (${result.leftHealthy} left healthy), event-loop p99 ${result.eventLoopDelayP99Ms.toFixed(1)} ms` +
      ` — goal ${goalMet ? 'met' : 'MISSED'}`,
  );
  return result;
}

function runChild(env: Record<string, string>, timeoutMs: number, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const script = 'ip link set lo up && exec "$0" --import tsx "$1"';
    const child = spawn('unshare', ['-n', 'sh', '-c', script, process.execPath, CHILD], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < 1_000_000) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const lines = stderr.split('\n');
      stderr = lines.pop() ?? '';
      for (const l of lines) if (l.trim() !== '') log(`  ${l}`);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`health scale: the child did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`health scale: cannot run unshare (needs root and util-linux): ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (stderr.trim() !== '') log(`  ${stderr.trim()}`);
      if (code === 0) resolve(stdout);
      else reject(new Error(`health scale: the child exited with ${code ?? signal}`));
    });
  });
}
