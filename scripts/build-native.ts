/**
 * Builds the native UDP engine (native/udp/engine.cc → native/udp/build/Release/seedkeeper_udp.node) with
 * node-gyp against this Node's headers. Linux only; elsewhere the embedded server uses Node's dgram.
 *
 * Usage: `node --import tsx scripts/build-native.ts [--if-needed]`
 *   (no flag)     always rebuild; a failure exits 1 (npm run build, the test setup: tests need the engine)
 *   --if-needed   only when the module is missing or older than its sources, and a failure only warns
 *                 (npm start: the demo then answers through dgram and says so)
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

function upToDate(): boolean {
  const built = statSync(OUTPUT, { throwIfNoEntry: false });
  return built !== undefined && SOURCES.every((f) => statSync(f).mtimeMs <= built.mtimeMs);
}

async function main(): Promise<void> {
  const ifNeeded = process.argv.includes('--if-needed');
  if (process.platform !== 'linux') {
    console.log(`build-native: skipped on ${process.platform} (the embedded server uses Node's dgram)`);
    return;
  }
  if (ifNeeded && upToDate()) return;
  const t0 = performance.now();
  try {
    await promisify(execFile)(process.execPath, [nodeGyp(), 'rebuild', '--directory', DIR], {
      cwd: ROOT,
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 << 20,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const detail = (e.stderr ?? e.message).trim().split('\n').slice(-15).join('\n');
    if (!ifNeeded) {
      console.error(`build-native: node-gyp failed:\n${detail}`);
      process.exit(1);
    }
    console.warn(
      `build-native: could not build the native UDP engine; the embedded DNS server will use Node's dgram.\n${detail}`,
    );
    return;
  }
  console.log(`build-native: ${path.relative(ROOT, OUTPUT)} in ${Math.round(performance.now() - t0)} ms`);
}

await main();
