/**
 * The embedded server next to BIND 9 (its default threads) and Knot DNS, measured by dnsperf on this machine
 * in one run. The embedded server runs four ways: the node engine (dgram) in 1 process and in N processes
 * (cluster workers), and the native engine (native/udp) with 1 thread and with N threads; N = `workers`. All
 * serve the same zone with the same record (a name with 3 A records); each is run (1) flat out for maxSeconds
 * with dnsperf's default 100 outstanding queries, and (2) rate-limited to each of `rates` for rateSeconds, for
 * latency percentiles (from dnsperf -v's per-query lines) and loss. The embedded server runs in a child process of its own (bench/dns-qps-child.ts), as BIND
 * does; a row whose server reports another engine or count than asked fails the bench rather than measure
 * the wrong thing. Server CPU during the flat-out run comes from /proc, summed over the server's process (all
 * its threads) and its descendants (node workers); cores = CPU seconds / wall seconds.
 */
import { execFile } from 'node:child_process';
import dns from 'node:dns';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RecordSet } from '../src/records/types.js';
import { startBind } from '../test/harness/bind.js';
import { startKnot } from '../test/harness/knot.js';
import { childPids, spawnDaemon, stopDaemon, waitFor } from '../test/harness/processes.js';

const run = promisify(execFile);

export interface DnsperfRun {
  /** `max`: as fast as possible (100 outstanding); `rate`: limited to targetQps. */
  readonly mode: 'max' | 'rate';
  readonly targetQps: number | undefined;
  readonly seconds: number;
  readonly sent: number;
  readonly completed: number;
  readonly lost: number;
  readonly qps: number;
  readonly avgLatencyMs: number;
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly stddevLatencyMs: number;
  /** dnsperf's response-code line, e.g. `NOERROR 991354 (100.00%)`. */
  readonly responseCodes: string;
  /** Latency percentiles of the answered queries (rate-limited runs only: dnsperf -v prints each one). */
  readonly p50LatencyMs?: number;
  readonly p99LatencyMs?: number;
}

export type EmbeddedEngine = 'native' | 'node';

export interface DnsQpsRow {
  readonly server: 'embedded' | 'bind' | 'knot';
  /** `seedkeeper embedded, native, 2 threads (Node v20.x)` (embeddedLabel), named's or knotd's version line. */
  readonly version: string;
  /** Embedded rows: the engine and the threads (native) or processes (node) the server reported using. */
  readonly engine?: EmbeddedEngine;
  readonly workers?: number;
  readonly max: DnsperfRun;
  /** One per rate in `rates`, in order. */
  readonly rates: readonly DnsperfRun[];
  /** Server CPU (process and descendants) during the flat-out run, in cores (1 = one core busy all the time). */
  readonly serverCores: number;
  /** Flat-out qps per server core busy. */
  readonly qpsPerCore: number;
}

export interface DnsQpsResult {
  readonly query: string;
  readonly answers: number;
  readonly dnsperf: string;
  readonly rows: readonly DnsQpsRow[];
}

export interface DnsQpsOptions {
  readonly maxSeconds?: number;
  readonly rateSeconds?: number;
  /** dnsperf -Q targets. Default [5000, 50000]. */
  readonly rates?: readonly number[];
  /**
   * Processes of the multi-process node-engine row and threads of the multi-thread native row. Default
   * os.availableParallelism(). With 1, those two rows are left out (they would repeat the single ones).
   */
  readonly workers?: number;
  /** Unmeasured dnsperf run before the measured ones (JIT warm-up, caches), seconds. Default 2. */
  readonly warmupSeconds?: number;
}

const ZONE = 'seed.test';
const NAME = `api.${ZONE}`;
const VALUES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
const RECORDS: RecordSet[] = [{ name: NAME, type: 'A', ttl: 30, values: VALUES }];
const SOA = {
  mname: `ns.${ZONE}`,
  rname: `hostmaster.${ZONE}`,
  serial: 1,
  refresh: 3600,
  retry: 600,
  expire: 86_400,
  minimum: 30,
  ttl: 30,
};
const CHILD = fileURLToPath(new URL('./dns-qps-child.ts', import.meta.url));

function num(text: string, re: RegExp, what: string): number {
  const m = re.exec(text);
  if (!m?.[1]) throw new Error(`dnsperf output without ${what}:\n${text}`);
  return Number(m[1]);
}

/** Parses dnsperf 2.x's statistics block. */
export function parseDnsperf(
  text: string,
  mode: 'max' | 'rate',
  targetQps: number | undefined,
  seconds: number,
): DnsperfRun {
  const lat = /Average Latency \(s\):\s+([\d.]+) \(min ([\d.]+), max ([\d.]+)\)/.exec(text);
  if (!lat) throw new Error(`dnsperf output without latency:\n${text}`);
  return {
    mode,
    targetQps,
    seconds,
    sent: num(text, /Queries sent:\s+(\d+)/, 'queries sent'),
    completed: num(text, /Queries completed:\s+(\d+)/, 'queries completed'),
    lost: num(text, /Queries lost:\s+(\d+)/, 'queries lost'),
    qps: num(text, /Queries per second:\s+([\d.]+)/, 'queries per second'),
    avgLatencyMs: Number(lat[1]) * 1000,
    minLatencyMs: Number(lat[2]) * 1000,
    maxLatencyMs: Number(lat[3]) * 1000,
    stddevLatencyMs: num(text, /Latency StdDev \(s\):\s+([\d.]+)/, 'latency stddev') * 1000,
    responseCodes: /Response codes:\s+(.*)/.exec(text)?.[1]?.trim() ?? '',
    ...percentiles(text),
  };
}

/** p50/p99 from dnsperf -v lines (`> NOERROR api.seed.test A 0.000123`; `> T …` is a timeout); none without -v. */
function percentiles(text: string): { p50LatencyMs?: number; p99LatencyMs?: number } {
  const latencies: number[] = [];
  for (const m of text.matchAll(/^> (?!T )\S+ .* ([\d.]+)$/gm)) latencies.push(Number(m[1]) * 1000);
  if (latencies.length === 0) return {};
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50LatencyMs: at(0.5), p99LatencyMs: at(0.99) };
}

async function dnsperf(dir: string, port: number, seconds: number, qps?: number): Promise<string> {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', path.join(dir, 'queries.txt'), '-l', String(seconds)];
  // Rate-limited: -v prints every query's latency (for percentiles); ~50 bytes a query.
  if (qps !== undefined) args.push('-Q', String(qps), '-v');
  const maxBuffer = qps === undefined ? 1 << 20 : Math.max(1 << 20, qps * seconds * 80);
  const { stdout } = await run('timeout', ['-k', '5', String(seconds + 30), 'dnsperf', ...args], {
    timeout: (seconds + 40) * 1000,
    maxBuffer,
  });
  return stdout;
}

/** utime + stime of `pid` in seconds, from /proc (clock ticks per second from getconf). */
async function cpuSeconds(pid: number, ticks: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** CPU seconds of `pid` and all its descendants (the embedded server's workers). */
async function treeCpuSeconds(pid: number, ticks: number): Promise<number> {
  let total = 0;
  const queue = [pid];
  for (let i = 0; i < queue.length && i < 1000; i++) {
    total += await cpuSeconds(queue[i]!, ticks).catch(() => 0); // exited meanwhile
    queue.push(...childPids(queue[i]!));
  }
  return total;
}

async function clockTicks(): Promise<number> {
  const { stdout } = await run('getconf', ['CLK_TCK'], { timeout: 10_000 });
  const ticks = Number(stdout.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

async function checkAnswers(port: number): Promise<void> {
  const r = new dns.promises.Resolver({ timeout: 1000, tries: 2 });
  r.setServers([`127.0.0.1:${port}`]);
  const got = (await r.resolve4(NAME)).sort();
  if (got.join() !== VALUES.join())
    throw new Error(`server on ${port} answered ${got.join()} instead of ${VALUES.join()}`);
}

type Options = Required<DnsQpsOptions>;

async function measure(
  server: DnsQpsRow['server'],
  version: string,
  port: number,
  pid: number,
  dir: string,
  o: Options,
  log: (line: string) => void,
): Promise<DnsQpsRow> {
  await checkAnswers(port);
  if (o.warmupSeconds > 0) await dnsperf(dir, port, o.warmupSeconds);
  const ticks = await clockTicks();
  const cpu0 = await treeCpuSeconds(pid, ticks);
  const t0 = performance.now();
  const max = parseDnsperf(await dnsperf(dir, port, o.maxSeconds), 'max', undefined, o.maxSeconds);
  const serverCores = ((await treeCpuSeconds(pid, ticks)) - cpu0) / ((performance.now() - t0) / 1000);
  const qpsPerCore = serverCores > 0 ? max.qps / serverCores : 0;
  log(
    `dns-qps ${version}: max ${Math.round(max.qps)} qps, avg ${max.avgLatencyMs.toFixed(3)} ms, lost ${max.lost}, server ${serverCores.toFixed(2)} cores`,
  );
  const rates: DnsperfRun[] = [];
  for (const qps of o.rates) {
    const rate = parseDnsperf(await dnsperf(dir, port, o.rateSeconds, qps), 'rate', qps, o.rateSeconds);
    log(
      `dns-qps ${version}: -Q ${qps}: ${Math.round(rate.qps)} qps, p50 ${rate.p50LatencyMs?.toFixed(3)} ms, p99 ${rate.p99LatencyMs?.toFixed(3)} ms, lost ${rate.lost}`,
    );
    rates.push(rate);
  }
  return { server, version, max, rates, serverCores, qpsPerCore };
}

/** Row label of the embedded server: engine and count, e.g. `seedkeeper embedded, native, 2 threads (Node v20.x)`. */
export function embeddedLabel(engine: EmbeddedEngine, workers: number, nodeVersion = process.version): string {
  const unit = engine === 'native' ? 'thread' : 'process';
  const plural = workers === 1 ? unit : unit === 'process' ? 'processes' : 'threads';
  return `seedkeeper embedded, ${engine}, ${workers} ${plural} (Node ${nodeVersion})`;
}

/**
 * The child's `port=N engine=E workers=W` line; throws unless E and W are what was asked: a native row must
 * never quietly measure the node engine (or another count).
 */
export function checkChildLine(
  log: string,
  engine: EmbeddedEngine,
  workers: number,
): { readonly port: number } | undefined {
  const m = /port=(\d+) engine=(\S+) workers=(\d+)\n/.exec(log);
  if (!m) return undefined;
  if (m[2] !== engine || Number(m[3]) !== workers)
    throw new Error(
      `embedded DNS child: asked for engine ${engine} with ${workers} worker(s), the server reports engine ${m[2]} with ${m[3]}; not measuring it`,
    );
  return { port: Number(m[1]) };
}

async function embeddedRow(
  engine: EmbeddedEngine,
  workers: number,
  dir: string,
  o: Options,
  log: (line: string) => void,
): Promise<DnsQpsRow> {
  const config = JSON.stringify({ zone: ZONE, records: RECORDS, soa: SOA, engine, workers });
  const daemon = spawnDaemon(process.execPath, ['--import', 'tsx', CHILD, config], {
    cwd: path.dirname(CHILD),
    maxLifetimeSec: 600,
  });
  try {
    let port = 0;
    await waitFor(
      'embedded DNS child',
      () => {
        port = checkChildLine(daemon.log(), engine, workers)?.port ?? 0;
        return port > 0;
      },
      { timeoutMs: 60_000, intervalMs: 20, abort: () => (daemon.exited() ? `exited:\n${daemon.log()}` : undefined) },
    );
    const [pid] = childPids(daemon.wrapperPid);
    if (pid === undefined) throw new Error('embedded DNS child: no node process under the timeout wrapper');
    const row = await measure('embedded', embeddedLabel(engine, workers), port, pid, dir, o, log);
    return { ...row, engine, workers };
  } finally {
    await stopDaemon(daemon);
  }
}

async function bindRow(dir: string, o: Options, log: (line: string) => void): Promise<DnsQpsRow> {
  const bind = await startBind({
    zone: ZONE,
    records: VALUES.map((value) => ({ name: NAME, type: 'A' as const, value, ttl: 30 })),
  });
  try {
    const { stdout } = await run('named', ['-v'], { timeout: 10_000 });
    return await measure('bind', stdout.trim(), bind.port, bind.pid, dir, o, log);
  } finally {
    await bind.stop();
  }
}

async function knotRow(dir: string, o: Options, log: (line: string) => void): Promise<DnsQpsRow> {
  const knot = await startKnot({
    zone: ZONE,
    records: VALUES.map((value) => ({ name: NAME, type: 'A' as const, value, ttl: 30 })),
  });
  try {
    const { stdout } = await run('knotd', ['-V'], { timeout: 10_000 });
    return await measure('knot', stdout.trim().split('\n')[0] ?? 'knotd', knot.port, knot.pid, dir, o, log);
  } finally {
    await knot.stop();
  }
}

export async function benchDnsQps(log: (line: string) => void, options: DnsQpsOptions = {}): Promise<DnsQpsResult> {
  const o: Options = {
    maxSeconds: 10,
    rateSeconds: 5,
    rates: [5000, 50_000],
    workers: os.availableParallelism(),
    warmupSeconds: 2,
    ...options,
  };
  if (!Number.isInteger(o.workers) || o.workers < 1) throw new Error(`workers: ${o.workers} is not an integer >= 1`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-dnsperf-'));
  try {
    await writeFile(path.join(dir, 'queries.txt'), `${NAME} A\n`);
    const version =
      /Version\s+(\S+)/.exec(
        (
          await run('dnsperf', ['-h'], { timeout: 10_000 }).catch((e: { stdout?: string }) => ({
            stdout: e.stdout ?? '',
          }))
        ).stdout,
      )?.[1] ?? 'unknown';
    // With workers = 1 the multi rows would repeat the single ones.
    const counts = o.workers === 1 ? [1] : [1, o.workers];
    const rows: DnsQpsRow[] = [];
    for (const engine of ['node', 'native'] as const)
      for (const workers of counts) rows.push(await embeddedRow(engine, workers, dir, o, log));
    rows.push(await bindRow(dir, o, log), await knotRow(dir, o, log));
    return { query: `${NAME} A`, answers: VALUES.length, dnsperf: version, rows };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
