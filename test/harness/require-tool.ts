// Gate for tests that need external executables (named, haproxy, nft, …). In CI (CI=true) a missing
// tool is an error, so a green run can never hide skipped integration tests; locally the tests are
// skipped with a loud warning telling you how to install what is missing.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, TestRunner } from 'vitest';

const SETUP_HINT = 'run scripts/test-env/setup.sh (as root) to install the test tools';
const warned = new Set<string>();

function isCi(): boolean {
  return process.env.CI === 'true';
}

/** True if `name` is an executable file in one of the PATH directories. */
export function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const dir of dirs.slice(0, 200)) {
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(`\n!!!!!!!! ${message} !!!!!!!!\n`);
}

/**
 * True if the executable `name` is on PATH. Missing: throws when CI=true, otherwise warns loudly (once
 * per tool) and returns false.
 */
export function requireTool(name: string): boolean {
  if (findOnPath(name) !== undefined) return true;
  const elsewhere = ['/usr/local/sbin', '/usr/sbin', '/sbin'].map((d) => path.join(d, name)).find((p) => existsSync(p));
  const message =
    elsewhere !== undefined
      ? `required tool "${name}" is installed at ${elsewhere} but its directory is not on PATH: add it to PATH`
      : `required tool "${name}" not found on PATH: ${SETUP_HINT}`;
  if (isCi()) throw new Error(message);
  warnOnce(name, `SKIPPING tests: ${message}`);
  return false;
}

/** True if running as root (needed for nftables). Not root: throws when CI=true, else warns once. */
export function requireRoot(why: string): boolean {
  if (process.getuid?.() === 0) return true;
  const message = `tests need root (${why}): run them as root, after ${SETUP_HINT}`;
  if (isCi()) throw new Error(message);
  warnOnce('<root>', `SKIPPING tests: ${message}`);
  return false;
}

/** The tag `describeIfTool` puts on its suites (defined in vitest.config.ts). */
export const INTEGRATION_TAG = 'integration';

/** A `describe` that takes a name and a body, as every call site uses it. */
export type SuiteFn = (name: string, body: () => void) => void;

/**
 * A `describe` tagged `integration` when every tool is present (and, with `needsRoot`, we are root);
 * otherwise `describe.skip` with a loud warning — or, when CI=true, an Error naming what is missing.
 * When the run's tag filter leaves integration tests out (`npm run test:unit`), nothing is looked up:
 * the block is skipped quietly, so test:unit runs on a machine without any of the tools, even in CI.
 */
export function describeIfTool(tools: readonly string[], options: { needsRoot?: string } = {}): SuiteFn {
  if (!TestRunner.matchesTags([INTEGRATION_TAG]))
    return (name, body) => describe.skip(name, { tags: [INTEGRATION_TAG] }, body);
  let ok = true;
  for (const tool of tools) ok = requireTool(tool) && ok;
  if (options.needsRoot !== undefined) ok = requireRoot(options.needsRoot) && ok;
  const base = ok ? describe : describe.skip;
  return (name, body) => base(name, { tags: [INTEGRATION_TAG] }, body);
}
