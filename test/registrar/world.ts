/**
 * A registrar world for end-to-end tests: simulated nodes on distinct loopback IPs sharing one port, the
 * embedded DNS server, and a registrar built from a real config, with captured JSON logs.
 */
import { promises as dns } from 'node:dns';
import { Writable } from 'node:stream';
import { canonicalIp } from '../../src/net/ip.js';
import { buildRegistrar, type RegistrarRuntime } from '../../src/registrar/build.js';
import { validateConfig } from '../../src/registrar/config.js';
import { createLogger } from '../../src/log/logger.js';
import { partitionable, type PartitionableProbe } from '../../src/testkit/checker-partition.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../harness/ports.js';

export const RECORD = 'seed.e2e.test';

export interface RegistrarWorld {
  readonly sim: SimCluster;
  readonly runtime: RegistrarRuntime;
  readonly probe: PartitionableProbe;
  readonly ips: readonly string[];
  readonly port: number;
  readonly logs: Record<string, unknown>[];
  resolve(): Promise<string[]>;
  close(): Promise<void>;
}

export interface WorldOptions {
  readonly nodes?: number;
  /** Extra config merged over the defaults (sources default to a static list of the node IPs). */
  readonly config?: Record<string, unknown>;
  /** Seed the DNS server before the registrar starts. */
  readonly before?: (runtime: RegistrarRuntime) => Promise<void>;
  readonly start?: boolean;
  /** First octet group for the node IPs, e.g. 30 gives 127.0.0.30.. */
  readonly ipBase?: number;
  /** Record name (default seed.e2e.test). */
  readonly record?: string;
  /** DNS server the resolver asks (default: the embedded server). */
  readonly resolverServer?: string;
  /** The sources config, given the node IPs and their port (default: a static list of them). */
  readonly sources?: (ips: readonly string[], port: number) => unknown[];
}

export async function startRegistrarWorld(options: WorldOptions = {}): Promise<RegistrarWorld> {
  const count = options.nodes ?? 3;
  const base = options.ipBase ?? 40;
  const ips = Array.from({ length: count }, (_, i) => `127.0.0.${base + i}`);
  const port = await freePort();
  const sim = await startSimCluster({
    nodes: count,
    clusterName: 'e2e',
    nodeOptions: ips.map((host) => ({ listen: [{ host, port }] })),
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const config = validateConfig({
    record: { name: options.record ?? RECORD, ttl: 5 },
    ownerId: 'e2e',
    allowLoopback: true,
    sources: options.sources ? options.sources(ips, port) : [{ type: 'static', addresses: ips, port }],
    health: {
      probe: 'aerospike',
      clusterName: 'e2e',
      intervalMs: 150,
      timeoutMs: 120,
      healthyAfter: 2,
      unhealthyAfterMs: 400,
      jitter: 0.05,
    },
    provider: { type: 'embedded', zone: 'e2e.test', listen: '127.0.0.1:0' },
    registrar: { intervalMs: 1000, debounceMs: 5 },
    http: { listen: '127.0.0.1:0' },
    log: { level: 'info' },
    ...options.config,
  });
  let probe: PartitionableProbe | undefined;
  const runtime = await buildRegistrar(config, {
    logger: createLogger('info', sink),
    wrapProbe: (p) => (probe = partitionable(p)),
  });
  const resolver = new dns.Resolver({ timeout: 1000, tries: 1 });
  const server = options.resolverServer ?? (runtime.dns ? `${runtime.dns.host}:${runtime.dns.port}` : undefined);
  if (server) resolver.setServers([server]);
  await options.before?.(runtime);
  if (options.start !== false) await runtime.registrar.start();
  return {
    sim,
    runtime,
    probe: probe!,
    ips,
    port,
    logs,
    async resolve() {
      if (!server) throw new Error('this world has no DNS server to ask (give resolverServer)');
      try {
        return (await resolver.resolve4(options.record ?? RECORD)).map(canonicalIp).sort();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'ESERVFAIL') return [];
        throw error;
      }
    },
    async close() {
      resolver.cancel();
      await runtime.close();
      await sim.stop();
    },
  };
}
