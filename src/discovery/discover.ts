import { Cluster, type ConnectReport } from './cluster.js';
import type { NodeDescription } from './description.js';
import type { DiscoveryOptions } from './options.js';

export interface DiscoveryResult {
  readonly nodes: readonly NodeDescription[];
  readonly report: ConnectReport;
}

/** One-shot discovery: seed, build the complete map, close every connection. */
export async function discover(seeds: readonly string[], options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const cluster = new Cluster(seeds, options);
  try {
    const report = await cluster.connect();
    return { nodes: cluster.nodes, report };
  } finally {
    await cluster.close();
  }
}
