/**
 * `npm run chaos -- --minutes N [--seed S] [--nodes 5] [--replicas 1] [--report FILE]`: a chaos run against
 * real BIND 9 and `seedkeeper run` (dist/, rebuilt first if stale). Exits 1 when any invariant was violated.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../build-if-stale.js';
import { numberArg } from '../number-arg.js';
import { randomSeed } from './prng.js';
import { chaosReport } from './report.js';
import { runChaos } from './run.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      seed: { type: 'string' },
      nodes: { type: 'string' },
      replicas: { type: 'string' },
      report: { type: 'string' },
    },
    strict: true,
  });
  const minutes = numberArg('minutes', values.minutes, 2, 0.1, 24 * 60);
  const seed = Math.floor(numberArg('seed', values.seed, randomSeed(), 0, Number.MAX_SAFE_INTEGER));
  const report = values.report ?? `chaos-${seed}.md`;
  await ensureBuilt();
  const result = await runChaos({
    seed,
    durationMs: minutes * 60_000,
    nodes: Math.floor(numberArg('nodes', values.nodes, 5, 3, 16)),
    replicas: Math.floor(numberArg('replicas', values.replicas, 1, 1, 5)),
    log: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  await writeFile(report, chaosReport(result));
  const applied = result.faults.filter((f) => f.appliedAt !== undefined).length;
  process.stdout.write(
    `seed ${seed}: ${applied} faults, ${result.counts.checks} checks, ${result.violations.length} violations; report ${report}\n`,
  );
  return result.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
