// seedkeeper/aerospike with the real official client (in a child process) against the simulated cluster:
// seeded through a DNS name whose record holds silent addresses and the built-in load balancer, the client
// gets only the nodes' direct addresses; when every node is replaced, the adapter re-seeds it.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../src/providers/embedded/index.js';
import { formatHostPort, type HostPort } from '../../src/net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../src/testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { silenceAddresses, type Silence } from '../harness/silent.js';
import { AdapterProcess, type DriverNode } from './adapter-process.js';

const ZONE = 'adapter.test';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(
  silent: number,
): Promise<{ sim: SimCluster; lb: LoadBalancer; dns: EmbeddedDnsServer; targets: { current: readonly HostPort[] } }> {
  const sim = await startSimCluster({ nodes: 3, clusterName: 'prod' });
  cleanups.push(() => sim.stop());
  const targets = { current: sim.nodes.map((n) => n.address) };
  const lb = await startLoadBalancer({ targets: () => targets.current });
  cleanups.push(() => lb.stop());
  const silentHosts = Array.from({ length: silent }, (_, i) => `127.0.0.${70 + i}`);
  if (silent > 0) {
    const silence: Silence = await silenceAddresses(silentHosts.map((host) => ({ host, port: lb.port })));
    cleanups.push(() => silence.release());
  }
  const dns = await startEmbeddedDnsServer({
    zone: ZONE,
    port: 0,
    records: [{ name: `seed.${ZONE}`, type: 'A', ttl: 1, values: [...silentHosts, '127.0.0.1'].sort() }],
  });
  cleanups.push(() => dns.stop());
  return { sim, lb, dns, targets };
}

function start(dns: EmbeddedDnsServer, lb: LoadBalancer, extra: object = {}): AdapterProcess {
  const driver = AdapterProcess.start({
    config: { hosts: `seed.${ZONE}:${lb.port}`, clusterName: 'prod', tenderInterval: 250, ...extra },
    options: { checkIntervalMs: 200, discovery: { dnsServers: [`127.0.0.1:${dns.port}`] } },
  });
  cleanups.push(() => driver.close());
  return driver;
}

const direct = (sim: SimCluster): DriverNode[] =>
  sim.nodes
    .filter((n) => n.running)
    .map((n) => ({ name: n.id, address: formatHostPort(n.address) }))
    .sort((a, b) => a.name.localeCompare(b.name));
const sorted = (nodes: DriverNode[]): DriverNode[] => [...nodes].sort((a, b) => a.name.localeCompare(b.name));

describe('seedkeeper/aerospike connect()', () => {
  it('seeds through a name with 4 silent addresses and a load balancer: direct node addresses only, no timeout paid', async () => {
    const { sim, lb, dns } = await world(4);
    const driver = start(dns, lb);
    const outcome = await driver.outcome;
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    // Four silent addresses cost the official client alone four 1 s connect timeouts (>= 4 s); the race
    // pays none of them (the bound leaves room for a loaded machine).
    expect(outcome.ms as number, JSON.stringify(outcome)).toBeLessThan(2500);
    expect(outcome.firstNodeMs as number, JSON.stringify(outcome)).toBeLessThan(900);
    expect((outcome.hosts as { addr: string; port: number }[]).map((h) => `${h.addr}:${h.port}`).sort()).toEqual(
      direct(sim)
        .map((n) => n.address)
        .sort(),
    );
    const nodes = await driver.waitForNodes((n) => n.length === 3, 5000);
    expect(sorted(nodes)).toEqual(direct(sim));
    expect(nodes.some((n) => n.address.endsWith(`:${lb.port}`))).toBe(false);
  });

  it('re-seeds from the name when every node is replaced by nodes at new addresses', async () => {
    const { sim, lb, dns, targets } = await world(0);
    const driver = start(dns, lb);
    expect((await driver.outcome).type).toBe('connected');
    await driver.waitForNodes((n) => n.length === 3, 5000);

    const next = await startSimCluster({ nodes: 3, clusterName: 'prod', nodeIds: ['CC1', 'CC2', 'CC3'] });
    cleanups.push(() => next.stop());
    targets.current = next.nodes.map((n) => n.address);
    await sim.stop();

    const nodes = await driver.waitForNodes((n) => n.length === 3 && n.every((x) => x.name.startsWith('CC')), 15_000);
    expect(sorted(nodes)).toEqual(direct(next));
    const names = driver.events.map((e) => e.name);
    expect(names).toContain('clusterLost');
    expect(names).toContain('reseeded');
    const reseeded = driver.events.find((e) => e.name === 'reseeded')!;
    expect((reseeded.hosts as { addr: string; port: number }[]).map((h) => `${h.addr}:${h.port}`).sort()).toEqual(
      direct(next)
        .map((n) => n.address)
        .sort(),
    );
  });

  it('fails with the discovery error when no seed answers', async () => {
    const { dns } = await world(0);
    const driver = AdapterProcess.start({
      config: { hosts: '127.0.0.1:1' },
      options: { discovery: { dnsServers: [`127.0.0.1:${dns.port}`] } },
    });
    cleanups.push(() => driver.close());
    const outcome = await driver.outcome;
    expect(outcome.type).toBe('connectError');
    expect(String(outcome.message)).toMatch(/no node answered/);
  });
});
