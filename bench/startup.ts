/**
 * Start-up, measured as fresh processes (what a user or a boot script pays):
 * - `seedkeeper --help` (the built CLI, `node bin/seedkeeper.js --help`) next to a bare `node -e ''`, wall
 *   time from spawn to exit;
 * - the cold first `discover()` of a live cluster (k = 0, one seed) in a fresh Node process importing the
 *   built `seedkeeper/discovery` (dist/), next to the official client's cold `connect()` in a fresh process.
 *   Each child times its own import and its own call with performance.now() and prints them; nothing is
 *   warmed up;
 * - the import of the whole library (`seedkeeper`, dist/index.js) in a fresh process.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatHostPort } from '../src/net/endpoint.js';
import { startSimCluster } from '../src/testkit/sim-cluster.js';
import { summarize, type Summary } from './stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 10;

export interface StartupResult {
  readonly runs: number;
  readonly bareNode: Summary;
  readonly help: Summary;
  /** seedkeeper: import of seedkeeper/discovery; start of discover() → first validated node; → returned. */
  readonly seedkeeperImport: Summary;
  /** Import of the whole library (dist/index.js: registrar, logging, metrics, YAML too). */
  readonly libraryImport: Summary;
  readonly seedkeeperFirstNode: Summary;
  readonly seedkeeperDiscover: Summary;
  /** Official client: require('aerospike'); connect() from call to return. */
  readonly officialImport: Summary;
  readonly officialConnect: Summary;
}

function runNode(args: readonly string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...args],
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`node ${args.join(' ')}: ${error.message} ${stderr}`));
        else resolve({ ms: performance.now() - started, stdout });
      },
    );
  });
}

const SEEDKEEPER_CHILD = `
const t0 = performance.now();
const { discover } = await import(${JSON.stringify(path.join(ROOT, 'dist/discovery/index.js'))});
const t1 = performance.now();
const { report, nodes } = await discover([process.argv[1]]);
const t2 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstNodeMs: report.firstNodeMs, discoverMs: t2 - t1, nodes: nodes.length }));
process.exit(0);`;

const OFFICIAL_CHILD = `
const t0 = performance.now();
const Aerospike = require('aerospike');
const t1 = performance.now();
Aerospike.setDefaultLogging({ level: Aerospike.log.OFF });
const client = Aerospike.client({ hosts: process.argv[1], log: { level: Aerospike.log.OFF } });
client.connect().then(() => {
  const t2 = performance.now();
  console.log(JSON.stringify({ importMs: t1 - t0, connectMs: t2 - t1, nodes: client.getNodes().length }));
  client.close();
  process.exit(0);
});`;

const LIBRARY_CHILD = `
const t0 = performance.now();
await import(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
console.log(JSON.stringify({ importMs: performance.now() - t0 }));`;

async function times(args: readonly string[], runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push((await runNode(args)).ms);
  return out;
}

export async function benchStartup(log: (line: string) => void): Promise<StartupResult> {
  const bareNode = summarize(await times(['-e', ''], RUNS));
  const help = summarize(await times([path.join(ROOT, 'bin/seedkeeper.js'), '--help'], RUNS));
  log(
    `start-up: bare node ${bareNode.median.toFixed(0)} ms, seedkeeper --help ${help.median.toFixed(0)} ms (${(help.median / bareNode.median).toFixed(2)}×)`,
  );
  const sim = await startSimCluster({ nodes: 3 });
  const seed = formatHostPort(sim.nodes[0]!.address);
  const ours = { importMs: [] as number[], firstNodeMs: [] as number[], discoverMs: [] as number[] };
  const theirs = { importMs: [] as number[], connectMs: [] as number[] };
  const library: number[] = [];
  try {
    // Interleaved, so load on the machine hits both alike.
    for (let i = 0; i < RUNS; i++) {
      const a = JSON.parse((await runNode(['--input-type=module', '-e', SEEDKEEPER_CHILD, seed])).stdout) as {
        importMs: number;
        firstNodeMs: number;
        discoverMs: number;
        nodes: number;
      };
      if (a.nodes !== 3) throw new Error(`seedkeeper found ${a.nodes} nodes, expected 3`);
      ours.importMs.push(a.importMs);
      ours.firstNodeMs.push(a.firstNodeMs);
      ours.discoverMs.push(a.discoverMs);
      const b = JSON.parse((await runNode(['-e', OFFICIAL_CHILD, seed])).stdout) as {
        importMs: number;
        connectMs: number;
      };
      theirs.importMs.push(b.importMs);
      theirs.connectMs.push(b.connectMs);
      const c = JSON.parse((await runNode(['--input-type=module', '-e', LIBRARY_CHILD])).stdout) as {
        importMs: number;
      };
      library.push(c.importMs);
    }
  } finally {
    await sim.stop();
  }
  const result: StartupResult = {
    runs: RUNS,
    bareNode,
    help,
    seedkeeperImport: summarize(ours.importMs),
    libraryImport: summarize(library),
    seedkeeperFirstNode: summarize(ours.firstNodeMs),
    seedkeeperDiscover: summarize(ours.discoverMs),
    officialImport: summarize(theirs.importMs),
    officialConnect: summarize(theirs.connectMs),
  };
  log(
    `cold: seedkeeper/discovery import ${result.seedkeeperImport.median.toFixed(1)} ms (whole library ${result.libraryImport.median.toFixed(1)} ms), first node ${result.seedkeeperFirstNode.median.toFixed(1)} ms, discover ${result.seedkeeperDiscover.median.toFixed(1)} ms; official require ${result.officialImport.median.toFixed(1)} ms, connect ${result.officialConnect.median.toFixed(1)} ms`,
  );
  return result;
}
