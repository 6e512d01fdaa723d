/**
 * Rebuild dist/ only when src/ changed. The CLI tests (which run bin/seedkeeper.js as a user would) and
 * `npm start` need a dist/ that matches src/; a full `tsc` costs 15-60 s on a loaded 2-core machine.
 *
 * - Fresh: the fingerprint recorded after the last build equals today's and dist/ has its entry points.
 *   The fingerprint hashes the path, size and mtime of every file and directory under src/ plus the
 *   tsconfig files, so an edit, a new, deleted or renamed file, or a file copied in with an older mtime
 *   all count as a change (a "newest mtime" check would miss the last two).
 * - Stale: transpile src/ file by file with esbuild (~0.3 s). `isolatedModules` and `verbatimModuleSyntax`
 *   guarantee that per-file transpiling gives the same JavaScript as tsc; types are checked by
 *   `npm run typecheck`, and `npm run build` (tsc, with declarations) stays the release build.
 * - Parallel test workers may ask at once: one builds under a lock directory, the others wait for it.
 *
 * Usage: `node --import tsx scripts/build-if-stale.ts [--force]` (prestart; also rebuilds a stale native UDP engine,
 * scripts/build-native.ts), or `ensureBuilt()` (tests).
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNative } from './build-native.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');
const INPUTS = ['tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(ROOT, f));
/** dist/ files every consumer of a dev build needs (bin/seedkeeper.js imports the first). */
const ENTRY_POINTS = ['cli/main.js', 'index.js'].map((f) => path.join(DIST, f));
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'seedkeeper');
const STAMP = path.join(CACHE, 'dist-stamp.json');
const LOCK = path.join(CACHE, 'build.lock');
const MAX_FILES = 10_000; // bound the walk: src/ holds ~200 files
const LOCK_WAIT_MS = 120_000;
const LOCK_STALE_MS = 120_000;

export interface BuildOutcome {
  readonly built: boolean;
  readonly ms: number;
  readonly files: number;
}

/** Every file and directory under `dir`, sorted, as [absolute path, isDirectory]. */
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (out.length >= MAX_FILES) throw new Error(`build-if-stale: more than ${MAX_FILES} entries under ${SRC}`);
    const full = path.join(dir, entry.name);
    out.push(full);
    if (entry.isDirectory()) walk(full, out);
  }
  return out;
}

/** Hash of what the build reads: path, size and mtime of each entry (directories too: deletions change them). */
export function fingerprint(): { readonly hash: string; readonly sources: string[] } {
  const hash = createHash('sha256');
  const entries = [SRC, ...walk(SRC), ...INPUTS.filter((f) => existsSync(f))];
  for (const entry of entries) {
    const s = statSync(entry);
    hash.update(`${path.relative(ROOT, entry)}\0${s.isDirectory() ? 'd' : s.size}\0${s.mtimeMs}\n`);
  }
  return {
    hash: hash.digest('hex'),
    sources: entries.filter((e) => e.endsWith('.ts') && !e.endsWith('.d.ts') && e.startsWith(SRC + path.sep)),
  };
}

function recorded(): string | undefined {
  try {
    return (JSON.parse(readFileSync(STAMP, 'utf8')) as { fingerprint?: string }).fingerprint;
  } catch {
    return undefined;
  }
}

/** True when dist/ matches src/ as it is now. */
export function isFresh(): boolean {
  return ENTRY_POINTS.every((f) => existsSync(f)) && recorded() === fingerprint().hash;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the build lock (mkdir is atomic); steal it from a dead or hung holder. Bounded in time. */
async function lock(): Promise<() => void> {
  mkdirSync(CACHE, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let i = 0; Date.now() < deadline && i < LOCK_WAIT_MS / 50; i++) {
    try {
      mkdirSync(LOCK);
      writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(path.join(LOCK, 'pid'), 'utf8'));
    } catch {
      /* being created or removed right now */
    }
    const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) || age > LOCK_STALE_MS)
      rmSync(LOCK, { recursive: true, force: true });
    else await sleep(50);
  }
  throw new Error(`build-if-stale: ${LOCK} still held after ${LOCK_WAIT_MS} ms; remove it if no build is running`);
}

/** Build dist/ from src/ unless it is already fresh (or `force`). */
export async function ensureBuilt(options: { readonly force?: boolean } = {}): Promise<BuildOutcome> {
  const t0 = performance.now();
  if (!options.force && isFresh()) return { built: false, ms: performance.now() - t0, files: 0 };
  const release = await lock();
  try {
    // Another process may have built while we waited for the lock.
    if (!options.force && isFresh()) return { built: false, ms: performance.now() - t0, files: 0 };
    const { hash, sources } = fingerprint();
    await build({
      entryPoints: sources,
      outdir: DIST,
      outbase: SRC,
      bundle: false,
      platform: 'node',
      format: 'esm',
      target: 'es2022',
      sourcemap: true,
      tsconfig: path.join(ROOT, 'tsconfig.build.json'),
      logLevel: 'warning',
    });
    writeFileSync(
      STAMP,
      `${JSON.stringify({ fingerprint: hash, builder: 'esbuild', at: new Date().toISOString() })}\n`,
    );
    return { built: true, ms: performance.now() - t0, files: sources.length };
  } finally {
    release();
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outcome = await ensureBuilt({ force: process.argv.includes('--force') });
  console.log(
    outcome.built
      ? `dist/: rebuilt ${outcome.files} files in ${Math.round(outcome.ms)} ms`
      : `dist/: up to date (checked in ${Math.round(outcome.ms)} ms)`,
  );
  // npm start: the native UDP engine too, when its sources changed (a failure only warns: dgram serves).
  await buildNative({ ifNeeded: true });
}
