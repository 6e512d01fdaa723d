/**
 * `seedkeeper demo` (also `npm start`): the whole system on one machine. A simulated cluster behind the
 * built-in load balancer, the embedded DNS server, and the registrar keeping the seed record true, narrated
 * while a node is stopped and started. `--scenario` runs a scripted failure story and exits 0 only if every
 * expectation held.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { probe } from '../../discovery/probe/probe.js';
import { formatHostPort } from '../../net/endpoint.js';
import { consoleSay, narrate } from '../../demo/narrator.js';
import { runScenario } from '../../demo/scenario.js';
import { tellStory } from '../../demo/story.js';
import { DEMO_CLUSTER, DEMO_RECORD, startDemoWorld, type DemoWorld } from '../../demo/world.js';
import { renderProbe } from '../render-probe.js';
import { EXIT_PROBLEM, setExitCode } from '../exit.js';

interface DemoFlags {
  readonly nodes: string;
  readonly duration?: string;
  readonly scenario?: boolean;
}

/**
 * Wait `ms` or until `signal` aborts. The abort listener is removed when the timer fires: one listener left
 * behind per round grew the demo's signal until Node warned (MaxListenersExceededWarning after ~45 s).
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

function introduce(world: DemoWorld, say: (line: string) => void): void {
  const dns = world.runtime.dns!;
  const http = world.runtime.http;
  say(
    `cluster  "${DEMO_CLUSTER}": ${world.sim.nodes.map((n) => `${n.id} at ${formatHostPort(n.listenAddresses[0]!)}`).join(', ')}`,
  );
  say(`lb       built-in load balancer on ${formatHostPort(world.lb.address)} (round robin)`);
  say(
    `dns      seedkeeper's DNS server for demo.test on ${formatHostPort(dns)} (UDP and TCP): try  dig @${dns.host} -p ${dns.port} ${DEMO_RECORD}`,
  );
  if (http)
    say(`status   http://${formatHostPort(http)}/  (live status page; JSON at /v1/status, metrics at /metrics)`);
  const t = world.timing;
  say(
    `health   Aerospike probe every ${t.intervalMs} ms; healthy after ${t.healthyAfter} passes; unhealthy after failing for ${t.unhealthyAfterMs} ms`,
  );
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the whole system on this machine: simulated cluster, load balancer, DNS server and registrar')
    .option('--nodes <n>', 'simulated nodes (1-8)', '3')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .option('--scenario', 'run the scripted failure story and exit 0 only if every expectation held')
    .action(async (flags: DemoFlags) => {
      const nodes = Number(flags.nodes);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > 8)
        throw new ConfigError('--nodes', `expected 1..8, got ${JSON.stringify(flags.nodes)}`);
      const duration = flags.duration === undefined ? undefined : Number(flags.duration);
      if (duration !== undefined && !(duration > 0))
        throw new ConfigError('--duration', `expected seconds > 0, got ${JSON.stringify(flags.duration)}`);
      if (flags.scenario && nodes < 2) throw new ConfigError('--nodes', 'the scenario needs at least 2 nodes');
      const say = consoleSay();
      const world = await startDemoWorld({ nodes });
      const stopNarrating = narrate(world, say);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const timer = duration === undefined ? undefined : setTimeout(onSignal, duration * 1000);
      try {
        introduce(world, say);
        if (flags.scenario) {
          const results = await runScenario(world, say);
          const failed = results.filter((r) => !r.ok);
          say(
            failed.length === 0
              ? `scenario passed: ${results.length} expectations held`
              : `scenario FAILED: ${failed.map((f) => f.step).join('; ')}`,
          );
          setExitCode(failed.length === 0 ? 0 : EXIT_PROBLEM);
          return;
        }
        say(`probe    what a client sees through the load balancer:`);
        process.stdout.write(
          `\n${renderProbe(await probe([formatHostPort(world.lb.address)], { clusterName: DEMO_CLUSTER }))}\n\n`,
        );
        say(
          'note     the loopback load-balancer warning above is expected in this demo: its load balancer listens on 127.0.0.1',
        );
        await tellStory(
          world,
          say,
          (ms) => sleep(ms, stop.signal),
          () => stop.signal.aborted,
        );
        setExitCode(0);
      } finally {
        clearTimeout(timer);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        stopNarrating();
        await world.close();
        say('demo     stopped');
      }
    });
}
