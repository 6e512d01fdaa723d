/**
 * `seedkeeper demo` (also `npm start`): a simulated cluster behind the built-in load balancer, found
 * through the load balancer, then tended while a node is stopped and started again, narrated as it happens.
 * Runs until interrupted, or for `--duration` seconds.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { Cluster } from '../../discovery/cluster.js';
import { probe } from '../../discovery/probe/probe.js';
import { formatHostPort } from '../../protocol/host.js';
import { startLoadBalancer } from '../../testkit/load-balancer.js';
import { startSimCluster } from '../../testkit/sim-cluster.js';
import { renderProbe } from '../render-probe.js';
import { setExitCode } from '../exit.js';

interface DemoFlags {
  readonly nodes: string;
  readonly duration?: string;
}

function say(text: string): void {
  const time = new Date().toISOString().slice(11, 23);
  process.stdout.write(`${time}  ${text}\n`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run a simulated cluster behind a load balancer and show seedkeeper finding and tracking it')
    .option('--nodes <n>', 'simulated nodes', '3')
    .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)')
    .action(async (flags: DemoFlags) => {
      const nodeCount = Number(flags.nodes);
      if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 64) throw new ConfigError('--nodes', `expected 1..64, got ${JSON.stringify(flags.nodes)}`);
      const duration = flags.duration === undefined ? undefined : Number(flags.duration);
      if (duration !== undefined && !(duration > 0)) throw new ConfigError('--duration', `expected seconds > 0, got ${JSON.stringify(flags.duration)}`);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const timer = duration === undefined ? undefined : setTimeout(onSignal, duration * 1000);

      const sim = await startSimCluster({ nodes: nodeCount, clusterName: 'demo' });
      const lb = await startLoadBalancer({ targets: () => sim.nodes.filter((n) => n.running).map((n) => n.listenAddresses[0]!) });
      const cluster = new Cluster([formatHostPort(lb.address)], { tendIntervalMs: 500, clusterName: 'demo' });
      try {
        say(`simulated cluster "demo": ${sim.nodes.map((n) => `${n.id}@${formatHostPort(n.listenAddresses[0]!)}`).join(', ')}`);
        say(`load balancer on ${formatHostPort(lb.address)} (round robin over the nodes)`);
        say(`probing the load balancer as a client would see it:\n`);
        process.stdout.write(`${renderProbe(await probe([formatHostPort(lb.address)], { clusterName: 'demo' }))}\n\n`);

        cluster.on('seedRedirected', (e) => say(`seed ${e.seed} is not node ${e.nodeId}'s own address: using ${formatHostPort(e.to)} instead`));
        cluster.on('nodeAdded', (e) => say(`+ node ${e.node.nodeId} at ${formatHostPort(e.node.address)}`));
        cluster.on('nodeRemoved', (e) => say(`- node ${e.node.nodeId} (${e.reason})`));
        cluster.on('nodeAddressChanged', (e) => say(`~ node ${e.nodeId} moved ${formatHostPort(e.previous)} -> ${formatHostPort(e.current)}`));
        cluster.on('clusterLost', () => say('every node lost: re-seeding through the load balancer'));
        cluster.on('reseeded', (e) => say(`re-seeded after ${e.attempt} attempt(s)`));
        say('discovering through the load balancer and tending every 500 ms:');
        await cluster.connect();
        cluster.startTending();

        const victim = sim.nodes[sim.nodes.length - 1]!;
        for (let round = 0; !stop.signal.aborted && round < 1000; round++) {
          await sleep(3000, stop.signal);
          if (stop.signal.aborted) break;
          say(`stopping node ${victim.id} (its peers drop it, partitions move)`);
          await victim.stop();
          await sleep(3000, stop.signal);
          if (stop.signal.aborted) break;
          say(`starting node ${victim.id} again`);
          await victim.start();
          say(`the cluster map now: ${cluster.nodes.map((n) => `${n.nodeId}@${formatHostPort(n.address)}`).join(', ')}`);
        }
        setExitCode(0);
      } finally {
        clearTimeout(timer);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await cluster.close();
        await lb.stop();
        await sim.stop();
        say('stopped');
      }
    });
}
