/**
 * The single-file release for database nodes: dist/release/seedkeeper.mjs (the whole CLI, its dependencies
 * and the AWS SDK clients in one ES module for Node.js 20, no node_modules needed) and
 * dist/release/seedkeeper.mjs.sha256 (`sha256sum -c` format). Operators upload both to a location they
 * control (an S3 bucket, an internal artifact store); nodes fetch the file from there and check it against
 * the checksum before installing it (docs/agent.md).
 *
 * Usage: `npm run build:release` (or `node --import tsx scripts/build-release.ts [--outdir DIR]`); `buildRelease()` for tests.
 */
import { build, type LogLevel } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_BUNDLE, REQUIRE_SHIM } from './esbuild-node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const RELEASE_OUTDIR = path.join(root, 'dist/release');
export const RELEASE_FILE = 'seedkeeper.mjs';

export interface ReleaseBuild {
  readonly file: string;
  readonly sha256: string;
  /** Bytes. */
  readonly size: number;
}

const ENTRY = "import { main } from './src/cli/main.ts';\nprocess.exitCode = await main(process.argv);\n";

export async function buildRelease(
  options: { readonly outdir?: string; readonly logLevel?: LogLevel } = {},
): Promise<ReleaseBuild> {
  const { outdir = RELEASE_OUTDIR, logLevel = 'warning' } = options;
  const file = path.join(outdir, RELEASE_FILE);
  await build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: 'release-entry.ts', loader: 'ts' },
    ...NODE_BUNDLE,
    outfile: file,
    legalComments: 'eof',
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_SHIM}` },
    logLevel,
  });
  await chmod(file, 0o755);
  const bytes = await readFile(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeFile(`${file}.sha256`, `${sha256}  ${RELEASE_FILE}\n`);
  return { file, sha256, size: bytes.length };
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]!) : RELEASE_OUTDIR;
  try {
    const { file, sha256, size } = await buildRelease({ outdir, logLevel: 'info' });
    console.log(`release: ${path.relative(process.cwd(), file)} (${(size / 1024).toFixed(0)} KiB), sha256 ${sha256}`);
  } catch (error) {
    console.error(`release build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
