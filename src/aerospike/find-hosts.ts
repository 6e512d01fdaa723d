/** Seeds → seedkeeper discovery → the official client's hosts: only nodes' own, validated, reachable addresses. */
import type { Host } from 'aerospike';
import { discover } from '../discovery/discover.js';
import type { ConnectReport } from '../discovery/cluster.js';
import type { DiscoveryOptions } from '../discovery/options.js';
import { formatHostPort } from '../net/endpoint.js';
import { NoReachableNodeError } from './errors.js';
import { officialHosts } from './official-config.js';

export interface FoundHosts {
  readonly hosts: readonly Host[];
  readonly report: ConnectReport;
}

export async function findHosts(
  seeds: readonly string[],
  options: DiscoveryOptions,
  tls: boolean,
): Promise<FoundHosts> {
  const { nodes, report } = await discover(seeds, options);
  const hosts = officialHosts(nodes, tls);
  if (hosts.length === 0)
    throw new NoReachableNodeError(nodes.map((n) => `${n.nodeId} at ${formatHostPort(n.address)}`));
  return { hosts: Object.freeze(hosts), report };
}
