/**
 * Bundle the seed-record Lambda into one file ready to upload: dist/lambda/index.mjs (+ .map).
 *
 * - Format: ESM in a `.mjs` file, which the nodejs20.x (and later) runtime loads as a module; handler
 *   setting `index.handler`. CommonJS dependencies that call `require()` of Node built-ins get a real
 *   `require` from the banner (esbuild's ESM output cannot require on its own).
 * - Everything is bundled, the AWS SDK v3 clients included: the runtime's own SDK is whatever version AWS
 *   ships that week, while the bundle carries the exact versions pinned in package-lock.json and tested here.
 * - Minified, with a linked source map that is loaded only when asked: NODE_OPTIONS=--enable-source-maps (the
 *   construct's `sourceMaps: true`) gives src/ file names in stack traces at the cost of a slower cold start
 *   (parsing the multi-megabyte map; docs/aws.md, "Cold start"). Names are kept either way.
 *
 * Usage: `npm run build:lambda` (or `node --import tsx scripts/build-lambda.ts [--outdir DIR]`); `buildLambda()` for tests.
 */
import { build, type LogLevel } from 'esbuild';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_BUNDLE, REQUIRE_SHIM } from './esbuild-node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const LAMBDA_ENTRY = path.join(root, 'src/aws/lambda/index.ts');
export const LAMBDA_OUTDIR = path.join(root, 'dist/lambda');

export interface LambdaBundle {
  readonly outfile: string;
  /** Bytes. */
  readonly size: number;
}

/** Build the bundle into `outdir`; resolves to the output file and its size. */
export async function buildLambda(
  options: { readonly outdir?: string; readonly logLevel?: LogLevel } = {},
): Promise<LambdaBundle> {
  const { outdir = LAMBDA_OUTDIR, logLevel = 'warning' } = options;
  const outfile = path.join(outdir, 'index.mjs');
  await build({
    entryPoints: [LAMBDA_ENTRY],
    ...NODE_BUNDLE,
    outfile,
    sourcemap: 'linked',
    legalComments: 'linked',
    banner: { js: REQUIRE_SHIM },
    logLevel,
  });
  const { size } = await stat(outfile);
  return { outfile, size };
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const at = process.argv.indexOf('--outdir');
  const given = at > 0 ? process.argv[at + 1] : undefined;
  const outdir = given ? path.resolve(given) : LAMBDA_OUTDIR;
  try {
    const { outfile, size } = await buildLambda({ outdir, logLevel: 'info' });
    console.log(
      `lambda bundle: ${path.relative(process.cwd(), outfile)} (${(size / 1024).toFixed(0)} KiB); handler: index.handler, runtime nodejs20.x or later`,
    );
  } catch (error) {
    console.error(`lambda bundle failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
