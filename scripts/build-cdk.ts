/**
 * Compile the CDK construct (infra/seed-record*.ts) into the package as dist/cdk/, next to the library it
 * imports. tsc (tsconfig.cdk.json) writes infra/ and the src/ files it uses under a scratch directory; only the
 * infra files are kept, moved to dist/cdk/ with their `../src/` imports pointed at `../` (the library's own
 * compiled modules in dist/), so `seedkeeper/cdk` shares classes (ConfigError, ...) with `seedkeeper`.
 * Run after `tsc -p tsconfig.build.json`; `npm run prepack` does both.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = path.join(root, 'dist', '.cdk-build');
const out = path.join(root, 'dist', 'cdk');

/** Rewrites `'../src/x.js'` to `'../x.js'` in import/export specifiers and `import('...')` types. */
export function retarget(text: string): string {
  return text.replace(/(['"])\.\.\/src\//g, '$1../');
}

export function buildCdk(): string[] {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.cdk.json')],
    { cwd: root, stdio: 'inherit' },
  );
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const file of readdirSync(path.join(scratch, 'infra'))) {
    if (!file.startsWith('seed-record') || !/\.(js|d\.ts)$/.test(file)) continue;
    writeFileSync(path.join(out, file), retarget(readFileSync(path.join(scratch, 'infra', file), 'utf8')));
    written.push(path.join('dist/cdk', file));
  }
  rmSync(scratch, { recursive: true, force: true });
  return written;
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) console.log(`cdk construct: ${buildCdk().join(', ')}`);
