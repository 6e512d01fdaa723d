/**
 * `npm run bench`: run every benchmark in one go and write docs/BENCHMARKS.md with the machine and date.
 * Needs root (nftables, network namespaces) and the test servers (scripts/test-env/setup.sh installs them).
 * `npm run bench -- seeding convergence` (or `npm run bench -- --only adapter`) runs only the named parts and keeps
 * the other sections as they were.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { findOnPath } from '../test/harness/require-tool.js';
import { benchAdapter } from './adapter.js';
import { benchConvergence } from './convergence.js';
import { benchDiscoveryScale } from './discovery-scale.js';
import { benchDnsQps } from './dns-qps.js';
import { benchHealthScale } from './health-scale.js';
import { convergenceSection, discoveryScaleSection, dnsSection, healthScaleSection, seedingSection } from './report.js';
import { adapterSection, startupSection } from './report-adoption.js';
import { benchSeeding } from './seeding.js';
import { benchStartup } from './startup.js';

const DOC = new URL('../docs/BENCHMARKS.md', import.meta.url);
const PARTS = ['seeding', 'adapter', 'startup', 'convergence', 'health', 'dns', 'discovery'] as const;
type Part = (typeof PARTS)[number];
const TITLES: Record<Part, string> = {
  seeding: '## Time to first node',
  adapter: '## Official client alone and through seedkeeper/aerospike',
  startup: '## Start-up',
  convergence: '## Convergence',
  health: '## Health checking at scale',
  dns: '## Embedded DNS server',
  discovery: '## Discovery at full cluster scale',
};

function machine(): string {
  const require = createRequire(import.meta.url);
  const aerospikeVersion = (require('aerospike/package.json') as { version: string }).version;
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Linux ${os.release()}, Node.js ${process.version}, official client aerospike@${aerospikeVersion}`;
}

/** Sections of the existing document, by part, so a partial run keeps the others. */
function previousSections(): Partial<Record<Part, string>> {
  if (!existsSync(DOC)) return {};
  const text = readFileSync(DOC, 'utf8');
  const out: Partial<Record<Part, string>> = {};
  const chunks = text.split(/\n(?=## )/);
  for (const part of PARTS) {
    const chunk = chunks.find((c) => c.startsWith(TITLES[part]));
    if (chunk) out[part] = `${chunk.trim()}\n`;
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter(
    (a, i) => a !== '--only' && args[i - 1] !== '--only' && !(PARTS as readonly string[]).includes(a),
  );
  const only = args.flatMap((a, i) => (args[i - 1] === '--only' ? a.split(',') : []));
  const bad = [...unknown, ...only.filter((a) => !(PARTS as readonly string[]).includes(a))];
  if (bad.length > 0) {
    process.stderr.write(`bench: unknown section ${bad.join(', ')}; sections: ${PARTS.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const requested = PARTS.filter((p) => only.includes(p) || args.includes(p));
  const parts: readonly Part[] = requested.length > 0 ? requested : PARTS;
  const missing = ['named', 'nsupdate', 'knotd', 'nft', 'dnsperf', 'unshare'].filter((tool) => !findOnPath(tool));
  if (missing.length > 0 || process.getuid?.() !== 0) {
    process.stderr.write(
      `bench: needs root and ${missing.join(', ') || 'the test servers'}; run scripts/test-env/setup.sh as root first\n`,
    );
    process.exitCode = 2;
    return;
  }
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const started = new Date();
  log(`machine: ${machine()}`);
  const sections = previousSections();
  for (const part of parts) {
    log(`--- ${part}`);
    if (part === 'seeding') sections.seeding = seedingSection(await benchSeeding([0, 1, 4, 16], log));
    if (part === 'adapter') sections.adapter = adapterSection(await benchAdapter([0, 4, 16], log));
    if (part === 'startup') sections.startup = startupSection(await benchStartup(log));
    if (part === 'convergence') {
      sections.convergence = convergenceSection(
        await benchConvergence(
          [
            { intervalMs: 250, unhealthyAfterMs: 1000, healthyAfter: 2, trials: 8 },
            { intervalMs: 1000, unhealthyAfterMs: 3000, healthyAfter: 2, trials: 4 },
          ],
          log,
        ),
      );
    }
    if (part === 'health') sections.health = healthScaleSection(await benchHealthScale(log));
    if (part === 'dns') sections.dns = dnsSection(await benchDnsQps(log));
    if (part === 'discovery') sections.discovery = discoveryScaleSection(await benchDiscoveryScale(log));
  }
  const doc = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${started.toISOString()} (${parts.length === PARTS.length ? 'every section measured in this one run' : `this run measured: ${parts.join(', ')}`}).`,
    '',
    `Machine: ${machine()}.`,
    '',
    ...PARTS.map((p) => sections[p] ?? `${TITLES[p]}\n\n(not measured yet)\n`),
  ].join('\n');
  writeFileSync(DOC, doc);
  log('wrote docs/BENCHMARKS.md');
}

await main();
