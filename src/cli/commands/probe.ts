import type { Command } from 'commander';
import { probe } from '../../discovery/probe/probe.js';
import { addDiscoveryFlags, discoveryOptionsFromFlags, type DiscoveryFlags } from '../discovery-flags.js';
import { renderProbe } from '../render-probe.js';
import { setExitCode } from '../exit.js';

export function registerProbe(program: Command): void {
  addDiscoveryFlags(
    program
      .command('probe')
      .description(
        'explain how a client finds the cluster from these seeds: resolved addresses, load balancers, advertised addresses, reachability',
      )
      .argument('<seed...>', 'host[:tlsname][:port], [ipv6]:port, or a DNS name'),
  )
    .option('--json', 'print one JSON object')
    .action(async (seeds: string[], flags: DiscoveryFlags & { json?: boolean }) => {
      const report = await probe(seeds, discoveryOptionsFromFlags(flags));
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderProbe(report)}\n`);
      setExitCode(report.ok ? 0 : 1);
    });
}
