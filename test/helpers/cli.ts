import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../scripts/build-if-stale.js';

const BIN = fileURLToPath(new URL('../../bin/seedkeeper.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// dist/ is built on first use, and only when src/ changed (scripts/build-if-stale.ts): the test files that
// never spawn the CLI never wait for a build.
let built: Promise<unknown> | undefined;

/** Resolves once dist/ matches src/; for tests that spawn bin/seedkeeper.js themselves. */
export async function cliBuilt(): Promise<void> {
  await (built ??= ensureBuilt());
}

/** Run the real `seedkeeper` binary (dist/, rebuilt first if stale) with a hard timeout (60 s: a cold start
 * of Node on a loaded 2-core machine has taken 19 s). */
export async function runCli(
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  await cliBuilt();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: options.timeoutMs ?? 60_000, env: { ...process.env, ...options.env }, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
