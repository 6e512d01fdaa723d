import type { Command } from 'commander';
import { discover } from '../../discovery/discover.js';
import { ConfigError } from '../../errors.js';
import { formatHostPort } from '../../net/endpoint.js';
import { formatHostList, HOST_FORMATS, isHostFormat } from '../host-formats.js';
import { addDiscoveryFlags, discoveryOptionsFromFlags, type DiscoveryFlags } from '../discovery-flags.js';
import { setExitCode } from '../exit.js';

export function registerResolve(program: Command): void {
  addDiscoveryFlags(
    program
      .command('resolve')
      .description("print the cluster's direct node addresses, ready for any official client's hosts setting")
      .argument('<seed...>', 'host[:tlsname][:port], [ipv6]:port, or a DNS name'),
  )
    .option('--format <format>', `${HOST_FORMATS.join(', ')} or json (examples: docs/adapter.md)`, 'hosts')
    .action(async (seeds: string[], flags: DiscoveryFlags & { format: string }) => {
      if (flags.format !== 'json' && !isHostFormat(flags.format)) {
        throw new ConfigError(
          '--format',
          `expected hosts or json, or another client's syntax (${HOST_FORMATS.slice(1).join(', ')}), got ${JSON.stringify(flags.format)}`,
        );
      }
      const found = await discover(seeds, discoveryOptionsFromFlags(flags));
      const report = found.report;
      // Stable output for scripts and diffs: by node id, not by which node answered first.
      const nodes = [...found.nodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
      const reachable = nodes.filter((n) => n.reachable);
      for (const node of nodes.filter((n) => !n.reachable)) {
        process.stderr.write(
          `seedkeeper: node ${node.nodeId} advertises ${formatHostPort(node.address)}, which is unreachable from here (set access-address / alternate-access-address)\n`,
        );
      }
      for (const issue of report.issues) {
        process.stderr.write(
          `seedkeeper: node ${issue.nodeId} (listed by ${issue.reporter} at ${issue.listed.map(formatHostPort).join(', ')}) is unreachable from here\n`,
        );
      }
      if (flags.format === 'json') {
        const out = {
          nodes: nodes.map((n) => ({
            nodeId: n.nodeId,
            address: n.address.host,
            port: n.address.port,
            reachable: n.reachable,
            aliases: n.aliases.map(formatHostPort),
          })),
          clusterName: nodes[0]?.clusterName,
          timings: { firstNodeMs: report.firstNodeMs, clusterMs: report.clusterMs },
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else if (isHostFormat(flags.format)) {
        process.stdout.write(
          `${formatHostList(
            flags.format,
            reachable.map((n) => ({ ...n.address, tlsName: n.tlsName })),
          )}\n`,
        );
      }
      setExitCode(reachable.length > 0 ? 0 : 1);
    });
}
