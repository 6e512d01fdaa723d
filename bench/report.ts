/** Render benchmark results as the sections of docs/BENCHMARKS.md. */
import type { ConvergenceRow } from './convergence.js';
import type { DnsQpsResult } from './dns-qps.js';
import type { DiscoveryScaleRow } from './discovery-scale.js';
import { HEALTH_SCALE_GOAL, type HealthScaleResult } from './health-scale.js';
import type { SeedingRow } from './seeding.js';
import { ms } from './stats.js';

export function seedingSection(rows: readonly SeedingRow[]): string {
  const base = rows.find((r) => r.k === 0)!;
  const k4 = rows.find((r) => r.k === 4)!;
  const k16 = rows.find((r) => r.k === 16)!;
  const table = [
    '| silent addresses ahead (k) | seedkeeper: first node (median, p90) | seedkeeper: complete map (median) | official client: first node (median) | official client: connect() (median) | speed-up to first node | seedkeeper vs its k = 0 |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const speedup = r.officialFirst.median / r.seedkeeperFirst.median;
      return `| ${r.k} | ${ms(r.seedkeeperFirst.median)} (${ms(r.seedkeeperFirst.p90)}) | ${ms(r.seedkeeperMap.median)} | ${ms(r.officialFirst.median)} | ${ms(r.officialConnect.median)} | ${speedup >= 10 ? Math.round(speedup).toLocaleString('en-US') : speedup.toFixed(1)}× | ${(r.seedkeeperFirst.median / base.seedkeeperFirst.median).toFixed(2)}× |`;
    }),
  ].join('\n');
  return `## Time to first node through a seed record with silent addresses

A simulated 3-node cluster (\`src/testkit\`) on 127.0.0.1-3, one port. A BIND 9 zone holds the seed name with
k silent addresses (127.0.0.50+, SYN dropped by an nftables table of the benchmark's own) followed by the live
node 127.0.0.1. seedkeeper resolves the name through BIND and races every address (\`discover()\`, default
options: connect timeout 1 s, up to 32 attempts in flight); 30 runs after 2 warm-up runs. The official client
(default 1 s connect timeout) gets the same addresses in the same order as its hosts list (it resolves with
getaddrinfo, which cannot be pointed at a DNS server on a test port; its seeding loop treats a hosts list and
the addresses of one name alike). Its time to first node is when the live node received its validation
request, from the simulator's request log (1 ms resolution); \`connect()\` returns once seeding, peers and
partition maps are done. Fewer official runs at large k, since each costs k seconds.

${table}

- seedkeeper at k = 16 vs k = 0 (first node): **${(k16.seedkeeperFirst.median / base.seedkeeperFirst.median).toFixed(2)}×** (goal: within 2×).
- Official client vs seedkeeper at k = 4 (first node): **${Math.round(k4.officialFirst.median / k4.seedkeeperFirst.median).toLocaleString('en-US')}×** (goal: at least 50×).
- Why: the official client tries seed addresses one after another with a 1 s connect timeout each, so every
  silent address costs a second; seedkeeper starts every attempt at once and takes the first node that
  validates, cancelling the rest, so silent addresses cost nothing.
`;
}

export function convergenceSection(rows: readonly ConvergenceRow[]): string {
  const table = [
    '| probe interval | unhealthy after X | healthy after N | node stops → gone from the record: median / max (runs) | bound X + interval + 100 ms | node back → in the record: median / max | bound N × interval + 100 ms |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.intervalMs} ms | ${r.unhealthyAfterMs} ms | ${r.healthyAfter} | ${ms(r.removal.median)} / ${ms(r.removal.max)} (${r.removal.runs}) | ${r.removalBound} ms ${r.removal.max <= r.removalBound ? '✓' : '✗'} | ${ms(r.restore.median)} / ${ms(r.restore.max)} | ${r.restoreBound} ms ${r.restore.max <= r.restoreBound ? '✓' : '✗'} |`,
    ),
  ].join('\n');
  return `## Convergence: node death and return, end to end

Three simulated nodes on their own loopback addresses, a \`static\` source, Aerospike-level probes, the plan,
the embedded DNS server, and a real resolver (Node's c-ares) polling the record every 2 ms. Each run stops one
node at a random phase of the probe interval, waits until the resolver no longer returns it, starts it again,
and waits until the resolver returns it.

${table}
`;
}

export function healthScaleSection(r: HealthScaleResult): string {
  const goal = HEALTH_SCALE_GOAL;
  return `## Health checking at scale

${r.endpoints.toLocaleString('en-US')} endpoints (distinct 127.x.y.z addresses inside a private network namespace, where one
listener process answers on all of them), TCP probes every ${r.intervalMs} ms, measured for ${r.measuredSeconds.toFixed(0)} s after
warm-up. CPU and memory are the checker process's own (Node.js and the tsx loader included).

| endpoints | probes per second | CPU (cores) | peak RSS | heap used | event-loop delay p99 | healthy at the end | left healthy |
|---:|---:|---:|---:|---:|---:|---:|---:|
| ${r.endpoints.toLocaleString('en-US')} | ${Math.round(r.probesPerSecond).toLocaleString('en-US')} | ${r.cpuCores.toFixed(2)} ${r.cpuCores <= goal.cpuCores ? '✓' : '✗'} (goal ≤ ${goal.cpuCores}) | ${r.rssMb.toFixed(0)} MB ${r.rssMb <= goal.rssMb ? '✓' : '✗'} (goal ≤ ${goal.rssMb}) | ${r.heapUsedMb.toFixed(0)} MB | ${r.eventLoopDelayP99Ms.toFixed(1)} ms | ${r.healthy.toLocaleString('en-US')} | ${r.leftHealthy} |
`;
}

export function dnsSection(result: DnsQpsResult): string {
  const ms = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(3)} ms`);
  const n = (v: number): string => Math.round(v).toLocaleString('en-US');
  const bind = result.rows.find((r) => r.server === 'bind');
  const vsBind = (r: DnsQpsResult['rows'][number]): string =>
    bind && bind.max.qps > 0 ? `${(r.max.qps / bind.max.qps).toFixed(2)}×` : '–';
  const flat = result.rows.map(
    (r) =>
      `| ${r.version} | ${n(r.max.qps)} | ${vsBind(r)} | ${r.max.avgLatencyMs.toFixed(3)} ms | ${r.max.lost} | ${r.serverCores.toFixed(2)} | ${n(r.qpsPerCore)} |`,
  );
  const rated = result.rows.flatMap((r) =>
    r.rates.map(
      (x) =>
        `| ${r.version} | ${n(x.targetQps ?? 0)} | ${n(x.qps)} | ${ms(x.p50LatencyMs)} | ${ms(x.p99LatencyMs)} | ${x.lost} |`,
    ),
  );
  // The goals, for the embedded row with the most native threads: ≥ BIND flat out, ≥ BIND per server
  // core, nothing lost at 50,000 qps.
  const native = result.rows
    .filter((r) => r.engine === 'native')
    .sort((a, b) => (b.workers ?? 0) - (a.workers ?? 0))[0];
  const mark = (ok: boolean): string => (ok ? '✓' : '✗');
  const goals =
    native && bind && bind.max.qps > 0 && bind.qpsPerCore > 0
      ? (() => {
          const flatRatio = native.max.qps / bind.max.qps;
          const coreRatio = native.qpsPerCore / bind.qpsPerCore;
          const at50k = native.rates.find((x) => x.targetQps === 50_000);
          return [
            `- Native engine, ${native.workers ?? '?'} threads, vs BIND flat out: **${flatRatio.toFixed(2)}×** (goal: at least 1×) ${mark(flatRatio >= 1)}.`,
            `- Per server core: **${coreRatio.toFixed(2)}×** BIND's (goal: at least 1×) ${mark(coreRatio >= 1)}.`,
            at50k
              ? `- Lost at 50,000 qps: **${at50k.lost}** (goal: 0) ${mark(at50k.lost === 0)}.`
              : '- Lost at 50,000 qps: not measured in this run.',
          ].join('\n');
        })()
      : '- No native row in this run: the goals against BIND are not judged.';
  return `## Embedded DNS server: queries per second next to BIND 9 and Knot DNS

dnsperf ${result.dnsperf} against each server on this machine in one run, the same record (\`${result.query}\`,
${result.answers} A records), each server in its own process(es): BIND 9 with its default threads, Knot DNS with
its defaults, and seedkeeper's embedded server four ways: the node engine (Node's \`dgram\`) in 1 process and in
one process per core, and the native engine with 1 thread and with one thread per core (each row names its
engine and count). Flat out (dnsperf defaults: 100 queries outstanding), then rate-limited (dnsperf \`-Q\`).
**dnsperf runs on the same machine: on a 2-core machine it competes with the server for the same 2 cores**, so
the flat-out figures measure the machine as much as the server; queries/s per server core (flat-out qps ÷ server
CPU) is the fairer comparison. Server CPU is the server's process (all its threads) and its children
(node-engine workers). Latency percentiles come from dnsperf \`-v\` (one line per query, rate-limited runs
only), which costs dnsperf some CPU.

The two engines differ in who reads the socket. The native engine (\`native/udp\`, an N-API addon) answers the
common queries (a name in the zone, from a pre-encoded copy of it) in C threads, each with a SO_REUSEPORT socket
of its own, and hands the rest (malformed or unusual queries: other opcodes, EDNS versions or additional
records; a zone not loaded yet) to JavaScript, which answers them as the node engine would. Node-engine workers
share one socket on Node 20 (its \`dgram\` has no SO_REUSEPORT; newer Node releases add \`reusePort\`), so they
contend for its receive queue. The bench fails rather than report a native row that the server served with the
node engine. dnsperf sends from one socket (its default \`-c 1\`), and the kernel's SO_REUSEPORT hash gives one
client's queries to one socket, so here the native rows with 1 and with N threads both measure one thread;
with the server well under one core, dnsperf on the other core is what limits them.

${goals}

| server | flat out: qps | vs BIND | avg latency | lost | server CPU (cores) | qps per server core |
|---|---:|---:|---:|---:|---:|---:|
${flat.join('\n')}

| server | target qps | qps | latency p50 | latency p99 | lost |
|---|---:|---:|---:|---:|---:|
${rated.join('\n')}
`;
}

export function discoveryScaleSection(rows: readonly DiscoveryScaleRow[]): string {
  const first = rows[0];
  const per = (v: number, r: DiscoveryScaleRow): string => (v / r.nodes).toFixed(2);
  const lines = rows.map(
    (r) =>
      `| ${r.nodes} | ${Math.round(r.completeMapMs).toLocaleString('en-US')} ms | ${r.tendCpuMsPerSecond.toFixed(1)} ms | ${per(r.tendCpuMsPerSecond, r)} ms | ${r.heapMb.toFixed(1)} MB | ${r.rssMb.toFixed(1)} MB |`,
  );
  return `## Discovery at full cluster scale

A simulated cluster (8 nodes: Community Edition's most; 256: Enterprise Edition's) in a process of its own;
discovery from one seed in this process: the time from \`connect()\` to a map holding every node, then CPU of
the discovering process per second of tending at the default interval (${first?.tendIntervalMs ?? 1000} ms), and
its heap and RSS growth since before connecting. Linear growth shows as a flat per-node column.

| nodes | time to complete map | tending CPU per second | per node | heap growth | RSS growth |
|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}
`;
}
