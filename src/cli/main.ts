/**
 * The `seedkeeper` command. Each subcommand registers itself; errors become one clear line on stderr and an
 * exit code (2 for bad usage or configuration, 1 for everything else), never a stack trace.
 *
 * Start-up time: only the module of the subcommand being run is imported (`await import()`), so `--help`,
 * `probe` or `resolve` never load the registrar, the testkit or the AWS SDK. The top-level help lists every
 * command from the small table below without loading any of them.
 */
import { Command, CommanderError } from 'commander';
import { describeError, SeedkeeperError } from '../errors.js';
import { NoSeedNodeError } from '../discovery/errors.js';
import { EXIT_PROBLEM, EXIT_USAGE, takeExitCode } from './exit.js';

export const VERSION = '0.1.0';

type Register = (program: Command) => void;

interface CommandEntry {
  /** Arguments as shown in the top-level help. */
  readonly usage: string;
  readonly description: string;
  readonly load: () => Promise<Register>;
}

/** Every subcommand: how the top-level help shows it, and where its code lives. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = Object.freeze({
  probe: {
    usage: '[options] <seed...>',
    description:
      'explain how a client finds the cluster from these seeds: resolved addresses, load balancers, advertised addresses, reachability',
    load: async () => (await import('./commands/probe.js')).registerProbe,
  },
  resolve: {
    usage: '[options] <seed...>',
    description: "print the cluster's direct node addresses, ready for any official client's hosts setting",
    load: async () => (await import('./commands/resolve.js')).registerResolve,
  },
  run: {
    usage: '[options]',
    description: 'run the registrar: keep the seed record equal to the live, healthy nodes',
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  plan: {
    usage: '[options]',
    description: 'print the changes one reconcile would make (after health checks settle); applies nothing',
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  sim: {
    usage: '[options]',
    description: 'run a simulated Aerospike cluster (and a TCP load balancer) until stopped',
    load: async () => (await import('./commands/sim.js')).registerSim,
  },
  demo: {
    usage: '[options]',
    description: 'run the whole system on this machine: simulated cluster, load balancer, DNS server and registrar',
    load: async () => (await import('./commands/demo.js')).registerDemo,
  },
  agent: {
    usage: 'register|deregister|watch',
    description: 'on each node: keep it in the seed record while its service port is up',
    load: async () => (await import('./commands/agent.js')).registerAgent,
  },
});

function baseProgram(): Command {
  return new Command('seedkeeper')
    .description('keep clients able to find an Aerospike cluster whose nodes come and go')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
}

/** The subcommand named on the command line (also `help <command>`), if it is one we know. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  const first = args.find((a) => !a.startsWith('-'));
  const name = first === 'help' ? args[args.indexOf('help') + 1] : first;
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}

/**
 * The program for this command line: the requested subcommand fully registered (its module imported), or,
 * when none is named, every command as a light entry for the help listing.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = baseProgram();
  const name = requestedCommand(argv);
  if (name !== undefined) {
    (await COMMANDS[name]!.load())(program);
    return program;
  }
  const shown = new Set<string>();
  for (const [command, entry] of Object.entries(COMMANDS)) {
    if (shown.has(command)) continue;
    shown.add(command);
    program.command(command).usage(entry.usage).description(entry.description);
  }
  return program;
}

/** Every command fully registered (imports every command module); for tests and docs. */
export async function buildFullProgram(): Promise<Command> {
  const program = baseProgram();
  const loaded = new Set<Register>();
  for (const entry of Object.values(COMMANDS)) {
    const register = await entry.load();
    if (loaded.has(register)) continue;
    loaded.add(register);
    register(program);
  }
  return program;
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? 0 : EXIT_USAGE;
  }
  if (error instanceof NoSeedNodeError) {
    process.stderr.write(`seedkeeper: ${error.message}\n`);
    for (const failure of error.failures.slice(0, 32))
      process.stderr.write(`  ${failure.address}: ${describeError(failure.error)}\n`);
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
    const program = await buildProgram(argv);
    await program.parseAsync([...argv]);
    return takeExitCode();
  } catch (error) {
    return report(error);
  }
}
