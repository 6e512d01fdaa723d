/**
 * Builds the native UDP engine (native/udp/engine.cc → native/udp/build/Release/seedkeeper_udp.node) with
 * node-gyp against this Node's headers. Linux only; elsewhere the embedded server uses Node's dgram.
 *
 * Usage: `node --import tsx scripts/build-native.ts [--if-needed]`, or `buildNative()`
 *   (no flag)     always rebuild; a failure exits 1 (npm run build: the package and the tests need the engine)
 *   --if-needed   only when the module is missing or older than its sources, and a failure only warns
 *                 (npm start and every vitest run: the demo then answers through dgram and says so; the
 *                 native tests fail with the loader's reason)
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, 'native', 'udp');
const OUTPUT = path.join(DIR, 'build', 'Release', 'seedkeeper_udp.node');
const SOURCES = ['engine.cc', 'binding.gyp'].map((f) => path.join(DIR, f));
const BUILD_TIMEOUT_MS = 300_000;

/** node-gyp as npm runs it for every native module: npm's own copy (npm sets npm_config_node_gyp in scripts). */
function nodeGyp(): string {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  return path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
}

/**
 * Where this Node's own headers are (`<prefix>/include/node`), so node-gyp needs no download: npm passes its
 * `nodedir` setting to scripts it runs, but a direct run (vitest, build-if-stale) has none.
 */
function nodeDirArgs(): string[] {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function upToDate(): boolean {
  const built = statSync(OUTPUT, { throwIfNoEntry: false });
  return built !== undefined && SOURCES.every((f) => statSync(f).mtimeMs <= built.mtimeMs);
}

/** Builds the engine; resolves false when the build failed (after saying why), true otherwise. */
export async function buildNative(options: { readonly ifNeeded?: boolean } = {}): Promise<boolean> {
  const ifNeeded = options.ifNeeded ?? false;
  if (process.platform !== 'linux') {
    console.log(`build-native: skipped on ${process.platform} (the embedded server uses Node's dgram)`);
    return true;
  }
  if (ifNeeded && upToDate()) return true;
  const t0 = performance.now();
  try {
    await promisify(execFile)(process.execPath, [nodeGyp(), 'rebuild', '--directory', DIR, ...nodeDirArgs()], {
      cwd: ROOT,
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 << 20,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const detail = (e.stderr ?? e.message).trim().split('\n').slice(-15).join('\n');
    if (ifNeeded)
      console.warn(
        `build-native: could not build the native UDP engine; the embedded DNS server will use Node's dgram.\n${detail}`,
      );
    else console.error(`build-native: node-gyp failed:\n${detail}`);
    return false;
  }
  console.log(`build-native: ${path.relative(ROOT, OUTPUT)} in ${Math.round(performance.now() - t0)} ms`);
  return true;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifNeeded = process.argv.includes('--if-needed');
  if (!(await buildNative({ ifNeeded })) && !ifNeeded) process.exit(1);
}
