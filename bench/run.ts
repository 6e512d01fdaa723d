/**
 * `npm run bench`: run every benchmark in one go and write docs/BENCHMARKS.md with the machine and date.
 * Needs root (nftables for silent addresses) and the test servers (scripts/test-env/setup.sh installs them).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { findOnPath } from '../test/harness/require-tool.js';
import { benchSeeding, type SeedingRow } from './seeding.js';
import { ms } from './stats.js';

const KS = [0, 1, 4, 16] as const;

function machine(): string {
  const require = createRequire(import.meta.url);
  const aerospikeVersion = (require('aerospike/package.json') as { version: string }).version;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node.js ${process.version}, official client aerospike@${aerospikeVersion}`;
}

function seedingTable(rows: readonly SeedingRow[]): string {
  const base = rows.find((r) => r.k === 0)!;
  const lines = [
    '| silent addresses ahead (k) | seedkeeper: first node (median, p90) | seedkeeper: complete map (median) | official client: first node (median) | official client: connect() (median) | speed-up to first node | seedkeeper vs its k = 0 |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const speedup = r.officialFirst.median / r.seedkeeperFirst.median;
    lines.push(
      `| ${r.k} | ${ms(r.seedkeeperFirst.median)} (${ms(r.seedkeeperFirst.p90)}) | ${ms(r.seedkeeperMap.median)} | ${ms(r.officialFirst.median)} | ${ms(r.officialConnect.median)} | ${speedup >= 10 ? Math.round(speedup).toLocaleString('en-US') : speedup.toFixed(1)}× | ${(r.seedkeeperFirst.median / base.seedkeeperFirst.median).toFixed(2)}× |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const missing = ['named', 'nsupdate', 'nft'].filter((tool) => !findOnPath(tool));
  if (missing.length > 0 || process.getuid?.() !== 0) {
    process.stderr.write(`bench: needs root and ${missing.join(', ') || 'the test servers'}; run scripts/test-env/setup.sh as root first\n`);
    process.exitCode = 2;
    return;
  }
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const started = new Date();
  log(`machine: ${machine()}`);
  const rows = await benchSeeding(KS, log);
  const k0 = rows.find((r) => r.k === 0)!;
  const k4 = rows.find((r) => r.k === 4)!;
  const k16 = rows.find((r) => r.k === 16)!;
  const doc = `# Benchmarks

Measured by \`npm run bench\` in one run on ${started.toISOString().slice(0, 10)} (${started.toISOString()}).

Machine: ${machine()}.

## Time to first node through a seed record with silent addresses

A simulated 3-node cluster (\`src/testkit\`) on 127.0.0.1-3, one port. A BIND 9 zone holds the seed name with
k silent addresses (127.0.0.50+, SYN dropped by an nftables table of the benchmark's own) followed by the live
node 127.0.0.1. seedkeeper resolves the name through BIND and races every address (\`discover()\`, default
options: connect timeout 1 s, up to 32 attempts in flight); 30 runs after 2 warm-up runs. The official client
(default 1 s connect timeout) gets the same addresses in the same order as its hosts list (it resolves with
getaddrinfo, which cannot be pointed at a DNS server on a test port; its seeding loop treats a hosts list and
the addresses of one name alike). Its time to first node is when the live node received its validation
request, from the simulator's request log (1 ms resolution); \`connect()\` returns once seeding, peers and partition maps are done.
Fewer official runs at large k, since each costs k seconds.

${seedingTable(rows)}

- seedkeeper at k = 16 vs k = 0 (first node): **${(k16.seedkeeperFirst.median / k0.seedkeeperFirst.median).toFixed(2)}×** (goal: within 2×).
- Official client vs seedkeeper at k = 4 (first node): **${Math.round(k4.officialFirst.median / k4.seedkeeperFirst.median).toLocaleString('en-US')}×** (goal: at least 50×).
- Why: the official client tries seed addresses one after another with a 1 s connect timeout each, so every
  silent address costs a second; seedkeeper starts every attempt at once and takes the first node that
  validates, cancelling the rest, so silent addresses cost nothing.
`;
  writeFileSync(new URL('../docs/BENCHMARKS.md', import.meta.url), doc);
  log('wrote docs/BENCHMARKS.md');
}

await main();
