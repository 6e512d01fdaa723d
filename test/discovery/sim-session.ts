/**
 * One simulated cluster and one Cluster per test, both closed after it: the lifecycle several discovery
 * tests share. Registers its own afterEach.
 */
import { afterEach } from 'vitest';
import type { Cluster } from '../../src/discovery/cluster.js';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../../src/testkit/sim-cluster.js';

export interface SimSession {
  /** Start the simulated cluster (stopped after the test). */
  start(options?: SimClusterOptions): Promise<SimCluster>;
  /** Close `cluster` after the test; returns it. */
  keep<C extends Cluster>(cluster: C): C;
  /** `host:port` of node `index`'s first listener. */
  seed(index?: number): string;
}

export function simSession(): SimSession {
  let sim: SimCluster | undefined;
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    await sim?.stop();
    cluster = undefined;
    sim = undefined;
  });
  return {
    async start(options) {
      sim = await startSimCluster(options);
      return sim;
    },
    keep(c) {
      cluster = c;
      return c;
    },
    seed(index = 0) {
      if (!sim) throw new Error('start the simulated cluster first');
      return formatHostPort(sim.nodes[index]!.listenAddresses[0]!);
    },
  };
}
