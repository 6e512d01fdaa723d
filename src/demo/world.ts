/**
 * The demo's world on one machine: a simulated cluster on three loopback addresses sharing one port (as real
 * nodes share 3000), the built-in load balancer in front, seedkeeper's embedded DNS server, and the
 * registrar keeping `seed.demo.test` equal to the healthy nodes. A resolver queries the record like a client.
 */
import { promises as dns } from 'node:dns';
import { canonicalIp } from '../net/ip.js';
import { formatHostPort } from '../net/endpoint.js';
import { buildRegistrar, type RegistrarRuntime } from '../registrar/build.js';
import { validateConfig } from '../registrar/config.js';
import { createLogger, type Logger } from '../log/logger.js';
import { partitionable, type PartitionableProbe } from '../testkit/checker-partition.js';
import { startLoadBalancer, type LoadBalancer } from '../testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../testkit/sim-cluster.js';
import { SeedkeeperError } from '../errors.js';

export const DEMO_RECORD = 'seed.demo.test';
export const DEMO_CLUSTER = 'demo';

export interface DemoTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly healthyAfter: number;
  readonly unhealthyAfterMs: number;
}

export const DEMO_TIMING: DemoTiming = Object.freeze({
  intervalMs: 250,
  timeoutMs: 200,
  healthyAfter: 2,
  unhealthyAfterMs: 1000,
});

export interface DemoWorld {
  readonly sim: SimCluster;
  readonly lb: LoadBalancer;
  readonly runtime: RegistrarRuntime;
  readonly probe: PartitionableProbe;
  readonly port: number;
  readonly ips: readonly string[];
  readonly timing: DemoTiming;
  /** The record as a client's resolver sees it now (sorted; empty when the name has no A records). */
  resolve(): Promise<string[]>;
  /** Start a node of another cluster on `ip` (an address recycled to someone else). */
  startStranger(ip: string): Promise<SimCluster>;
  close(): Promise<void>;
}

async function startClusterOnSharedPort(ips: readonly string[]): Promise<{ sim: SimCluster; port: number }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      const sim = await startSimCluster({
        nodes: ips.length,
        clusterName: DEMO_CLUSTER,
        nodeOptions: ips.map((host) => ({ listen: [{ host, port }] })),
      });
      return { sim, port };
    } catch (error) {
      lastError = error;
    }
  }
  throw new SeedkeeperError(
    'ERR_DEMO_NO_FREE_PORT',
    `no free port for the simulated cluster after 20 tries: ${String(lastError)}`,
    { cause: lastError },
  );
}

export async function startDemoWorld(
  options: { nodes?: number; timing?: DemoTiming; logger?: Logger } = {},
): Promise<DemoWorld> {
  const timing = options.timing ?? DEMO_TIMING;
  const ips = Array.from({ length: options.nodes ?? 3 }, (_, i) => `127.0.0.${11 + i}`);
  const { sim, port } = await startClusterOnSharedPort(ips);
  const strangers: SimCluster[] = [];
  let lb: LoadBalancer | undefined;
  let runtime: RegistrarRuntime | undefined;
  try {
    lb = await startLoadBalancer({
      targets: () => sim.nodes.filter((n) => n.running).map((n) => n.listenAddresses[0]!),
    });
    const config = validateConfig(
      {
        record: { name: DEMO_RECORD, ttl: 5 },
        ownerId: 'seedkeeper-demo',
        // The demo's simulated nodes live on loopback addresses.
        allowLoopback: true,
        sources: [
          { type: 'cluster', seeds: [formatHostPort(lb.address)], clusterName: DEMO_CLUSTER, tendIntervalMs: 250 },
          { type: 'static', addresses: ips, port },
        ],
        health: { probe: 'aerospike', clusterName: DEMO_CLUSTER, ...timing, jitter: 0.1 },
        plan: { maxRemovalsPerCycle: 2 },
        provider: { type: 'embedded', zone: 'demo.test', listen: '127.0.0.1:0' },
        registrar: { intervalMs: 2000, debounceMs: 10 },
        http: { listen: '127.0.0.1:0' },
      },
      'demo',
    );
    let probe: PartitionableProbe | undefined;
    runtime = await buildRegistrar(config, {
      logger: options.logger ?? createLogger('silent'),
      wrapProbe: (inner) => (probe = partitionable(inner)),
    });
    const dnsServer = runtime.dns!;
    const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([formatHostPort(dnsServer)]);
    const world: DemoWorld = {
      sim,
      lb,
      runtime,
      probe: probe!,
      port,
      ips,
      timing,
      async resolve() {
        try {
          return (await resolver.resolve4(DEMO_RECORD)).map(canonicalIp).sort();
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'ESERVFAIL') return [];
          throw error;
        }
      },
      async startStranger(ip) {
        const stranger = await startSimCluster({
          nodes: 1,
          clusterName: 'someone-else',
          nodeIds: ['5E0000000000001'],
          nodeOptions: [{ listen: [{ host: ip, port }] }],
        });
        strangers.push(stranger);
        return stranger;
      },
      async close() {
        resolver.cancel();
        await runtime?.close();
        await lb?.stop();
        for (const s of strangers) await s.stop();
        await sim.stop();
      },
    };
    await runtime.registrar.start();
    return world;
  } catch (error) {
    await runtime?.close();
    await lb?.stop();
    await sim.stop();
    throw error;
  }
}
