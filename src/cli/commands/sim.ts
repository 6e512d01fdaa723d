/**
 * `seedkeeper sim`: run a simulated Aerospike cluster (and optionally the built-in TCP load balancer in front
 * of it) until SIGINT/SIGTERM, then stop everything. Prints one line per node and the LB address.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { DEFAULT_SERVICE_PORT, formatHostPort } from '../../net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../../testkit/sim-cluster.js';

export interface SimRunOptions {
  readonly nodes: number;
  readonly basePort: number;
  /** Start the load balancer on this port (0 = a free port); undefined = no LB. */
  readonly lbPort?: number;
  readonly clusterName: string;
  readonly host: string;
  readonly user?: string;
  readonly password?: string;
}

export interface SimRunIo {
  /** Receives whole lines (with LF). */
  write(text: string): void;
  /** Aborting stops the simulation. */
  readonly signal: AbortSignal;
  /** Called once everything listens, with what is running (for tests). */
  onReady?(running: { readonly cluster: SimCluster; readonly lb: LoadBalancer | undefined }): void;
}

export const DEFAULT_SIM_BASE_PORT = DEFAULT_SERVICE_PORT;

/** Start, print, wait for the abort signal, stop. Resolves once everything is closed. */
/** A port already taken is a usage problem: say which option picks another one. */
function portInUse(error: unknown, flag: '--base-port' | '--lb-port'): unknown {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return error;
  const where = (error as { address?: string; port?: number }).port;
  return new ConfigError(
    flag,
    `port ${where ?? ''} is already in use; pick another with ${flag} (0 = free ports, printed at start)`,
    { cause: error },
  );
}

export async function runSim(options: SimRunOptions, io: SimRunIo): Promise<void> {
  const cluster = await startSimCluster({
    nodes: options.nodes,
    basePort: options.basePort,
    clusterName: options.clusterName,
    host: options.host,
    ...(options.user !== undefined ? { auth: { user: options.user, password: options.password ?? '' } } : {}),
  }).catch((error: unknown) => {
    throw portInUse(error, '--base-port');
  });
  let lb: LoadBalancer | undefined;
  try {
    if (options.lbPort !== undefined) {
      lb = await startLoadBalancer({
        host: options.host,
        port: options.lbPort,
        targets: () => cluster.nodes.filter((n) => n.running).map((n) => n.address),
      }).catch((error: unknown) => {
        throw portInUse(error, '--lb-port');
      });
    }
    for (const node of cluster.nodes)
      io.write(`node ${node.id} ${node.listenAddresses.map(formatHostPort).join(' ')}\n`);
    io.write(`seeds ${cluster.seedList()}\n`);
    if (lb) {
      io.write(`lb ${formatHostPort(lb.address)}\n`);
      if (options.host === '127.0.0.1')
        io.write(
          `lb-seed [::ffff:127.0.0.1]:${lb.port} (a non-loopback spelling, so clients run load-balancer detection)\n`,
        );
    }
    io.write(`cluster ${options.clusterName}: ${cluster.nodes.length} node(s) running; stop with Ctrl-C\n`);
    io.onReady?.({ cluster, lb });
    if (!io.signal.aborted) {
      await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    }
  } finally {
    await lb?.stop();
    await cluster.stop();
  }
  io.write('stopped\n');
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(flag, `expected an integer in ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

interface SimFlags {
  nodes: string;
  basePort: string;
  lbPort?: string;
  clusterName: string;
  host: string;
  user?: string;
  passwordEnv?: string;
}

export function simOptionsFromFlags(flags: SimFlags, env: NodeJS.ProcessEnv = process.env): SimRunOptions {
  const nodes = integer('--nodes', flags.nodes, 1, 256);
  const basePort = integer('--base-port', flags.basePort, 0, 65535);
  if (basePort > 0 && basePort + nodes - 1 > 65535)
    throw new ConfigError('--base-port', `${basePort} + ${nodes} nodes runs past port 65535`);
  if (flags.clusterName.length === 0 || /[\s;:]/.test(flags.clusterName))
    throw new ConfigError('--cluster-name', 'expected a name without spaces, ";" or ":"');
  if (flags.passwordEnv !== undefined && flags.user === undefined)
    throw new ConfigError('--password-env', 'needs --user');
  const password = flags.passwordEnv !== undefined ? env[flags.passwordEnv] : undefined;
  if (flags.passwordEnv !== undefined && password === undefined)
    throw new ConfigError('--password-env', `environment variable ${flags.passwordEnv} is not set`);
  return {
    nodes,
    basePort,
    ...(flags.lbPort !== undefined ? { lbPort: integer('--lb-port', flags.lbPort, 0, 65535) } : {}),
    clusterName: flags.clusterName,
    host: flags.host,
    ...(flags.user !== undefined ? { user: flags.user, password: password ?? '' } : {}),
  };
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run a simulated Aerospike cluster (and a TCP load balancer) until stopped')
    .option('--nodes <n>', 'number of nodes', '3')
    .option('--base-port <port>', 'node i listens on base-port + i (0 = free ports)', String(DEFAULT_SIM_BASE_PORT))
    .option('--lb-port <port>', 'also start a round-robin load balancer on this port (0 = a free port)')
    .option('--cluster-name <name>', 'cluster name the nodes report', 'sim')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--user <user>', 'turn security on with this user')
    .option('--password-env <var>', 'environment variable holding the password of --user')
    .action(async (flags: SimFlags) => {
      const options = simOptionsFromFlags(flags);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runSim(options, { write: (text) => process.stdout.write(text), signal: controller.signal });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
