/**
 * `npm run soak -- [--minutes 30] [--members 256] [--report FILE]`: one `seedkeeper run` (dist/, rebuilt
 * first if stale) keeping a record of `--members` simulated nodes (distinct loopback addresses, one port),
 * health-checked every second, published by the embedded server. Every 10 s it scrapes the registrar's
 * /metrics (prom-client's process metrics) and at the end writes the slope of RSS, heap, handles, timers and
 * event-loop delay over the run after a 2-minute warm-up (a quarter of shorter runs). Exits 1 if the registrar died, never published
 * every member, or warned about growing listeners.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../../test/harness/ports.js';
import { spawnDaemon, stopDaemon, waitFor } from '../../test/harness/processes.js';
import { ensureBuilt } from '../build-if-stale.js';
import { numberArg } from '../number-arg.js';
import { metricValue, sampleFromMetrics, summarize, type SoakSample } from './series.js';

const BIN = fileURLToPath(new URL('../../bin/seedkeeper.js', import.meta.url));
const SAMPLE_EVERY_MS = 10_000;
/** Left out of the slopes: start-up, first health rounds, the JIT settling. A quarter of short runs. */
const WARM_UP_S = 120;

/** Member i's address: 127.1.x.y, never .0 or .255. */
const memberIp = (i: number): string => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string' }, members: { type: 'string' }, report: { type: 'string' } },
    strict: true,
  });
  const minutes = numberArg('minutes', values.minutes, 30, 1, 24 * 60);
  const members = Math.floor(numberArg('members', values.members, 256, 1, 400));
  const report = values.report ?? 'soak.md';
  const log = (line: string): void => void process.stderr.write(`soak: ${line}\n`);
  await ensureBuilt();

  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-soak-'));
  const ips = Array.from({ length: members }, (_, i) => memberIp(i));
  const port = await freePort();
  const sim = await startSimCluster({
    nodes: members,
    clusterName: 'soak',
    nodeOptions: ips.map((host) => ({ listen: [{ host, port }] })),
  });
  const httpPort = await freePort();
  const dnsPort = await freePort();
  const configFile = path.join(dir, 'registrar.yaml');
  await writeFile(
    configFile,
    JSON.stringify({
      record: { name: 'seed.soak.test', ttl: 5 },
      ownerId: 'soak',
      allowLoopback: true,
      sources: [{ type: 'static', addresses: ips, port }],
      health: { probe: 'aerospike', clusterName: 'soak', intervalMs: 1000, timeoutMs: 500 },
      provider: { type: 'embedded', listen: `127.0.0.1:${dnsPort}`, stateFile: 'off' },
      http: { listen: `127.0.0.1:${httpPort}` },
      log: { level: 'warn', format: 'json' },
    }),
  );
  const lifetimeSec = Math.ceil(minutes * 60 + 120);
  const daemon = spawnDaemon(process.execPath, [BIN, 'run', '--config', configFile], { maxLifetimeSec: lifetimeSec });
  const scrape = async (): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`/metrics: HTTP ${res.status}`);
    return res.text();
  };
  const samples: SoakSample[] = [];
  const problems: string[] = [];
  let publishedAll = false;
  const started = performance.now();
  try {
    const dead = (): string | undefined =>
      daemon.exited() ? `registrar exited:\n${daemon.log().slice(-2000)}` : undefined;
    await waitFor(
      'registrar /metrics',
      () =>
        scrape().then(
          () => true,
          () => false,
        ),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        abort: dead,
      },
    );
    log(`${members} members on port ${port}, DNS 127.0.0.1:${dnsPort}, metrics 127.0.0.1:${httpPort}; ${minutes} min`);
    const total = Math.round((minutes * 60_000) / SAMPLE_EVERY_MS);
    for (let i = 0; i <= total; i++) {
      const due = started + i * SAMPLE_EVERY_MS;
      await sleep(Math.max(0, due - performance.now()));
      const reason = dead();
      if (reason) throw new Error(reason);
      const text = await scrape();
      const sample = sampleFromMetrics(text, (performance.now() - started) / 1000);
      samples.push(sample);
      const published = metricValue(text, 'seedkeeper_published_addresses', 'family="ipv4"') ?? 0;
      if (published === members) publishedAll = true;
      if (i % 30 === 0)
        log(
          `t=${Math.round(sample.t)} s rss=${(sample.rssBytes / 2 ** 20).toFixed(1)} MiB heap=${(sample.heapUsedBytes / 2 ** 20).toFixed(1)} MiB handles=${sample.handles} timers=${sample.timers} published=${published}`,
        );
    }
  } finally {
    await stopDaemon(daemon);
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
  if (!publishedAll) problems.push(`the record never held all ${members} members`);
  if (/MaxListenersExceededWarning/.test(daemon.log())) problems.push('MaxListenersExceededWarning in the log');
  const warmUp = Math.min(WARM_UP_S, (minutes * 60) / 4);
  const rows = summarize(samples, warmUp);
  const text = [
    `Soak: one registrar, ${members} simulated members (aerospike probe every 1 s), embedded provider, ${minutes} min,`,
    `/metrics scraped every ${SAMPLE_EVERY_MS / 1000} s (${samples.length} samples); slopes over t ≥ ${warmUp} s`,
    `(least squares, per hour). Node.js ${process.version}, ${os.cpus().length} cores.`,
    '',
    '| series | at warm-up end | at the end | min | max | slope per hour |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} (${r.unit}) | ${r.first.toFixed(2)} | ${r.last.toFixed(2)} | ${r.min.toFixed(2)} | ${r.max.toFixed(2)} | ${r.slopePerHour >= 0 ? '+' : ''}${r.slopePerHour.toFixed(3)} |`,
    ),
    '',
    problems.length
      ? `Problems: ${problems.join('; ')}.`
      : 'The record held every member; no MaxListenersExceededWarning.',
    '',
  ].join('\n');
  await writeFile(report, text);
  process.stdout.write(text);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
