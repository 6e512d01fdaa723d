/**
 * `seedkeeper agent register | deregister | watch --config F [--id I] [--address A] [--port P] [--no-imds]`
 * on each node. Flags override the config. Exit 0 ok; 1 the run failed (port timeout, target refused or
 * unreachable, deregistration on stop failed); 2 bad usage or configuration.
 * `watch` deregisters on SIGTERM/SIGINT before it exits (0 when the address is gone, or kept as the last one).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { buildAgent, type AgentOverrides, type AgentRuntime } from '../../agent/build.js';
import { loadAgentConfig } from '../../agent/config.js';
import { logAgentEvents } from '../../agent/log.js';
import { createProgressPrinter } from '../../agent/progress.js';
import { ConfigError, describeError, SeedkeeperError } from '../../errors.js';
import { EXIT_OK, EXIT_PROBLEM, setExitCode } from '../exit.js';

type Operation = 'register' | 'deregister' | 'watch';

interface AgentFlags {
  readonly config: string;
  readonly id?: string;
  readonly address?: string;
  readonly port?: number;
  readonly imds?: boolean;
}

const DESCRIPTIONS: Readonly<Record<Operation, string>> = {
  register: 'wait until the service port accepts connections, then add this node to the seed record',
  deregister: 'remove this node from the seed record',
  watch:
    'register, then follow the node: leave the record while it is unavailable or on a spot interruption notice; deregister on SIGTERM',
};

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidArgumentError('expected a port number (1-65535)');
  return port;
}

/** An AbortSignal that aborts on SIGTERM or SIGINT; `release` removes the handlers. */
function stopSignal(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('stopped by signal'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    },
  };
}

async function execute(operation: Operation, runtime: AgentRuntime, signal: AbortSignal): Promise<number> {
  const { agent, logger, config } = runtime;
  const progress = createProgressPrinter(process.stderr, { everyMs: config.wait.progressEveryMs });
  agent.on('waiting', (p) => progress.update(p));
  agent.on('ready', () => progress.done());
  if (operation === 'register') {
    await agent.register({ signal });
    return EXIT_OK;
  }
  if (operation === 'deregister') {
    await agent.deregister({ signal });
    return EXIT_OK;
  }
  const outcome = await agent.watch(signal);
  progress.done();
  if (outcome.shutdown === 'kept-last')
    logger.warn(
      { error: describeError(outcome.error) },
      'agent: stopped; the address stays in the record (it is the last one)',
    );
  if (outcome.shutdown === 'failed') {
    logger.error({ error: describeError(outcome.error) }, 'agent: stopped, but deregistration failed');
    process.stderr.write(`seedkeeper: deregistration on stop failed: ${describeError(outcome.error)}\n`);
    return EXIT_PROBLEM;
  }
  logger.info({ shutdown: outcome.shutdown }, 'agent: stopped');
  return EXIT_OK;
}

async function run(operation: Operation, flags: AgentFlags): Promise<void> {
  const config = await loadAgentConfig(flags.config);
  const overrides: AgentOverrides = {
    ...(flags.id !== undefined ? { id: flags.id } : {}),
    ...(flags.address !== undefined ? { address: flags.address } : {}),
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.imds === false ? { imds: false } : {}),
  };
  const runtime = await buildAgent(config, overrides);
  logAgentEvents(runtime.agent, runtime.logger);
  const stop = stopSignal();
  try {
    setExitCode(await execute(operation, runtime, stop.signal));
  } catch (error) {
    // Configuration, including what only the target can judge (token, id, address refused): exit 2, so that
    // systemd's RestartPreventExitStatus=2 stops a restart loop that cannot succeed.
    if (error instanceof ConfigError || (error instanceof SeedkeeperError && error.hasLabel('usage'))) throw error;
    const what = stop.signal.aborted ? `${operation} interrupted` : `${operation} failed`;
    runtime.logger.error({ error: describeError(error) }, `agent: ${what}`);
    process.stderr.write(`seedkeeper: agent ${what}: ${describeError(error)}\n`);
    setExitCode(EXIT_PROBLEM);
  } finally {
    stop.release();
    await runtime.close();
  }
}

export function registerAgent(program: Command): void {
  const agent = program
    .command('agent')
    .description('on each node: keep it in the seed record while its service port is up');
  for (const operation of ['register', 'deregister', 'watch'] as const) {
    agent
      .command(operation)
      .description(DESCRIPTIONS[operation])
      .requiredOption('--config <file>', 'agent config (YAML or JSON)')
      .option('--id <id>', 'node id (default: node.id, else the EC2 instance id)')
      .option('--address <address>', 'private | public | ipv6 | an IP address (default: node.address)')
      .option('--port <port>', 'service port (default: node.port)', parsePort)
      .option('--no-imds', 'never ask EC2 instance metadata (give --id and --address)')
      .action((flags: AgentFlags) => run(operation, flags));
  }
}
