/**
 * A/B micro-benchmark of the embedded server's per-packet path (Responder.respond: parse the query, pick the
 * pre-encoded answer, write the response) for the working tree against a git ref, in one process, with the
 * rounds interleaved (and their order alternated) so that load on a shared machine hits both sides alike.
 * Each side runs in a child process of its own (no shared heap, JIT feedback or GC), from a copy of its src/
 * under node_modules/.cache (the ref's by `git archive`) so both resolve the same dependencies; the parent
 * asks them in turn, so only one runs at any time. (In one process, an A/A run of HEAD against itself came
 * out 20-30% apart, either way.)
 *
 * Each case runs `iterations` packets per side, in short alternating chunks (`rounds` per process pair), so
 * that load on a shared machine hits both sides alike; and over several fresh process pairs (`pairs`, the
 * side started first alternating), since one process can be a few percent faster than another running the
 * very same code (JIT decisions, code layout).
 *
 * Usage: `node --import tsx scripts/bench-respond.ts [--base <ref>] [--iterations N] [--rounds R] [--pairs P]`
 * Defaults: base main, 1e6 iterations, 100 rounds, 4 pairs. Prints the median ns per packet per case and side.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ZONE = 'seed.test';

interface Responder {
  respond(msg: Buffer, tcp: boolean): Buffer | null;
}
type ResponderClass = new (
  store: unknown,
  options: { maxUdpPayload: number; maxQueryBytes: number; rotate?: boolean },
) => Responder;
type StoreClass = new (options: { zone: string; records: readonly unknown[]; soa: object }) => unknown;

async function loadSide(srcRoot: string): Promise<Responder> {
  const url = (file: string): string => pathToFileURL(path.join(srcRoot, 'providers', 'embedded', file)).href;
  const { Responder } = (await import(url('query.ts'))) as { Responder: ResponderClass };
  const { ZoneStore } = (await import(url('zone-store.ts'))) as { ZoneStore: StoreClass };
  const records = [
    { name: `db.${ZONE}`, type: 'A', ttl: 30, values: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] },
    { name: `db.${ZONE}`, type: 'AAAA', ttl: 30, values: ['2001:db8::1'] },
    { name: `_meta.db.${ZONE}`, type: 'TXT', ttl: 30, values: ['v=1'] },
  ];
  const store = new ZoneStore({ zone: ZONE, records, soa: { serial: 1 } });
  return new Responder(store, { maxUdpPayload: 1232, maxQueryBytes: 4096, rotate: true });
}

/** A copy of src/ at `ref` (undefined: the working tree); returns the copy's src directory. */
function copySrc(label: string, ref?: string): string {
  const dir = path.join(ROOT, 'node_modules', '.cache', 'bench-respond', label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (ref === undefined) cpSync(path.join(ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
  else
    execFileSync('sh', ['-c', `git archive ${JSON.stringify(ref)} src | tar -x -C ${JSON.stringify(dir)}`], {
      cwd: ROOT,
    });
  return path.join(dir, 'src');
}

function query(name: string, additionals: dnsPacket.Answer[] = []): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: 4242,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: 'A', class: 'IN' }],
    additionals,
  });
}

const CASES: Readonly<Record<string, Buffer>> = {
  'A query': query(`db.${ZONE}`),
  'unknown name (NXDOMAIN)': query(`nope.${ZONE}`),
  'A query with EDNS': query(`db.${ZONE}`, [
    { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [] } as unknown as dnsPacket.Answer,
  ]),
};

/** ns per packet over `iterations` calls; the response length is summed so the call cannot be dropped. */
function time(r: Responder, msg: Buffer, iterations: number): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += r.respond(msg, false)!.length;
  const ns = Number(process.hrtime.bigint() - start);
  if (sink === 0) throw new Error('no responses');
  return ns / iterations;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Request {
  readonly label: string;
  readonly iterations: number;
}

/** Child: serves one side; answers each request with the ns/packet of one chunk. */
async function child(srcRoot: string): Promise<void> {
  const r = await loadSide(srcRoot);
  for (const msg of Object.values(CASES)) time(r, msg, 200_000); // warm-up
  const answers = Object.fromEntries(
    Object.entries(CASES).map(([label, msg]) => [label, r.respond(msg, false)!.toString('hex')]),
  );
  process.send!({ answers });
  process.on('message', (req: Request) => process.send!({ ns: time(r, CASES[req.label]!, req.iterations) }));
}

function ask(p: ChildProcess, req?: Request): Promise<{ ns?: number; answers?: Record<string, string> }> {
  return new Promise((resolve) => {
    p.once('message', resolve);
    if (req !== undefined) p.send(req);
  });
}

/** Samples (ns/packet per chunk) of each case for both sides from one pair of fresh child processes. */
async function pairRun(roots: readonly string[], rounds: number, chunk: number): Promise<Map<string, number[][]>> {
  const procs = roots.map((root) => fork(fileURLToPath(import.meta.url), ['--child', root]));
  try {
    // One side at a time from here on; both must give the same answers, or the comparison means nothing.
    const ready = [await ask(procs[0]!), await ask(procs[1]!)];
    if (JSON.stringify(ready[0]!.answers) !== JSON.stringify(ready[1]!.answers))
      throw new Error('the two sides answer differently');
    const samples = new Map<string, number[][]>();
    for (const label of Object.keys(CASES)) {
      const bySide: number[][] = [[], []];
      for (let round = 0; round < rounds; round++) {
        for (const i of round % 2 === 0 ? [0, 1] : [1, 0])
          bySide[i]!.push((await ask(procs[i]!, { label, iterations: chunk })).ns!);
      }
      samples.set(label, bySide);
    }
    return samples;
  } finally {
    for (const p of procs) p.kill();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string', default: 'main' },
      iterations: { type: 'string', default: '1000000' },
      rounds: { type: 'string', default: '100' },
      pairs: { type: 'string', default: '4' },
      child: { type: 'string' },
    },
  });
  if (values.child !== undefined) return child(values.child);
  const rounds = Number(values.rounds);
  const pairs = Number(values.pairs);
  const chunk = Math.max(1, Math.round(Number(values.iterations) / rounds / pairs));
  const roots = [copySrc('base', values.base), copySrc('work')];
  const runs: Map<string, number[][]>[] = [];
  for (let p = 0; p < pairs; p++)
    runs.push(
      await pairRun(p % 2 === 0 ? roots : [...roots].reverse(), rounds, chunk).then((m) =>
        p % 2 === 0 ? m : new Map([...m].map(([k, v]) => [k, [v[1]!, v[0]!]])),
      ),
    );
  console.log(
    `ns/packet: median of ${pairs} process pairs, each the median of ${rounds} alternating rounds of ${chunk} packets per side (Node ${process.version})`,
  );
  for (const label of Object.keys(CASES)) {
    const perPair = runs.map((m) => m.get(label)!.map(median));
    const [base, work] = [0, 1].map((i) => median(perPair.map((p) => p[i]!)));
    const changes = perPair.map((p) => `${(((p[1]! - p[0]!) / p[0]!) * 100).toFixed(1)}%`).join(' ');
    console.log(
      `${label.padEnd(24)} base (${values.base}) ${base!.toFixed(1)}   work tree ${work!.toFixed(1)}   change ${(((work! - base!) / base!) * 100).toFixed(1)}%   per pair: ${changes}`,
    );
  }
}

await main();
