/**
 * The `seedkeeper` command. Each subcommand registers itself; errors become one clear line on stderr and an
 * exit code (2 for bad usage or configuration, 1 for everything else), never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { describeError, SeedkeeperError } from '../errors.js';
import { NoSeedNodeError } from '../discovery/errors.js';
import { registerAgent } from './commands/agent.js';
import { registerDemo } from './commands/demo.js';
import { registerProbe } from './commands/probe.js';
import { registerResolve } from './commands/resolve.js';
import { registerRun } from './commands/run.js';
import { registerSim } from './commands/sim.js';
import { EXIT_PROBLEM, EXIT_USAGE, takeExitCode } from './exit.js';

export function buildProgram(): Command {
  const program = new Command('seedkeeper')
    .description('keep clients able to find an Aerospike cluster whose nodes come and go')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerProbe(program);
  registerResolve(program);
  registerRun(program);
  registerSim(program);
  registerDemo(program);
  registerAgent(program);
  return program;
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof NoSeedNodeError) {
    process.stderr.write(`seedkeeper: ${error.message}\n`);
    for (const failure of error.failures.slice(0, 32)) process.stderr.write(`  ${failure.address}: ${describeError(failure.error)}\n`);
    return EXIT_PROBLEM;
  }
  process.stderr.write(`seedkeeper: ${describeError(error)}\n`);
  if (error instanceof SeedkeeperError && error.hasLabel('usage')) return EXIT_USAGE;
  return EXIT_PROBLEM;
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // The AWS SDK warns on every call that future releases need Node 22; the pinned release runs on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    await buildProgram().parseAsync([...argv]);
    return takeExitCode();
  } catch (error) {
    return report(error);
  }
}
