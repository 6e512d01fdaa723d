import { afterEach, describe, expect, it } from 'vitest';
import { probe } from '../../src/discovery/probe/probe.js';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../src/testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../harness/ports.js';

let sim: SimCluster | undefined;
let lb: LoadBalancer | undefined;

afterEach(async () => {
  await lb?.stop();
  await sim?.stop();
  lb = sim = undefined;
});

const seedOf = (s: SimCluster, i: number, listener = 0): string =>
  formatHostPort(s.nodes[i]!.listenAddresses[listener]!);

describe('probe', () => {
  it('reports a load balancer seed with three direct node addresses', async () => {
    sim = await startSimCluster({ nodes: 3 });
    const s = sim;
    lb = await startLoadBalancer({ targets: () => s.nodes.map((n) => n.listenAddresses[0]!) });
    const report = await probe([formatHostPort(lb.address)]);
    expect(report.seeds[0]).toMatchObject({ reached: true, loadBalancer: true, kind: 'load-balancer' });
    expect(report.seeds[0]!.redirectedTo).toBeDefined();
    expect(report.nodes.map((n) => `${n.address}:${n.port}`).sort()).toEqual(
      sim.nodes.map((n) => formatHostPort(n.accessAddresses[0]!)).sort(),
    );
    expect(report.nodes.every((n) => n.reachable)).toBe(true);
    expect(report.clusterName).toBe('sim');
    expect(report.ok).toBe(true);
    expect(report.timings.firstNodeMs).toBeLessThanOrEqual(report.timings.clusterMs);
  });

  it('names the node, the unreachable advertised address and the fix', async () => {
    sim = await startSimCluster({ nodes: 3 });
    const dead = await freePort();
    const victim = sim.nodes[0]!;
    victim.advertise([{ host: '127.0.0.1', port: dead }]);
    const report = await probe([seedOf(sim, 0)]);
    const warning = report.warnings.find((w) => w.code === 'advertised-unreachable');
    expect(warning).toMatchObject({ severity: 'error', nodeId: victim.id, address: `127.0.0.1:${dead}` });
    expect(warning?.message).toContain(
      `node ${victim.id} advertises 127.0.0.1:${dead}, which is unreachable from here`,
    );
    expect(warning?.fix).toMatch(/access-address/);
    expect(report.nodes.find((n) => n.nodeId === victim.id)).toMatchObject({ reachable: false, port: dead });
    expect(report.ok).toBe(false);
  });

  it('reports a peer listed at an unreachable address', async () => {
    sim = await startSimCluster({ nodes: 3 });
    const dead = await freePort();
    const victim = sim.nodes[2]!;
    victim.advertise([{ host: '127.0.0.1', port: dead }]);
    const report = await probe([seedOf(sim, 0)]);
    const warning = report.warnings.find((w) => w.code === 'peer-unreachable');
    expect(warning).toMatchObject({ severity: 'error', nodeId: victim.id, address: `127.0.0.1:${dead}` });
    expect(report.nodes.find((n) => n.nodeId === victim.id)).toMatchObject({ reachable: false });
    expect(report.ok).toBe(false);
  });

  it('counts one node reachable under two addresses once, with an alias', async () => {
    sim = await startSimCluster({ nodes: 2, nodeOptions: [{ extraListeners: 1 }] });
    const report = await probe([seedOf(sim, 0, 0), seedOf(sim, 0, 1)]);
    expect(report.seeds.map((s) => s.nodeId)).toEqual([sim.nodes[0]!.id, sim.nodes[0]!.id]);
    expect(report.nodes).toHaveLength(2);
    const node = report.nodes.find((n) => n.nodeId === sim!.nodes[0]!.id)!;
    expect([`${node.address}:${node.port}`, ...node.aliases].sort()).toEqual(
      [seedOf(sim, 0, 0), seedOf(sim, 0, 1)].sort(),
    );
    expect(report.ok).toBe(true);
  });

  it('rejects a seed address now held by a node of another cluster', async () => {
    sim = await startSimCluster({ nodes: 3, clusterName: 'prod' });
    const stranger = sim.nodes[2]!;
    stranger.setClusterName('other');
    const report = await probe([seedOf(sim, 0), seedOf(sim, 2)], { clusterName: 'prod' });
    expect(report.nodes.map((n) => n.nodeId).sort()).toEqual([sim.nodes[0]!.id, sim.nodes[1]!.id].sort());
    const warning = report.warnings.find((w) => w.code === 'cluster-name-mismatch');
    expect(warning).toMatchObject({ nodeId: stranger.id, address: seedOf(sim, 2) });
    expect(report.seeds[1]!.reached).toBe(false);
    expect(report.ok).toBe(true);
  });

  it('flags seeds that lead to different clusters when no cluster name is given', async () => {
    sim = await startSimCluster({ nodes: 3, clusterName: 'prod' });
    sim.nodes[2]!.setClusterName('other');
    const report = await probe([seedOf(sim, 0), seedOf(sim, 2)]);
    expect(report.warnings.find((w) => w.code === 'mixed-cluster-names')?.severity).toBe('error');
    expect(report.ok).toBe(false);
  });

  it('warns when a node advertises no address of its own', async () => {
    sim = await startSimCluster({ nodes: 1 });
    sim.nodes[0]!.advertise([]);
    const report = await probe([seedOf(sim, 0)]);
    expect(report.seeds[0]!.kind).toBe('unknown');
    expect(report.warnings.find((w) => w.code === 'no-access-address')?.nodeId).toBe(sim.nodes[0]!.id);
    expect(report.ok).toBe(true);
  });

  it('reports failure when nothing answers', async () => {
    const report = await probe([`127.0.0.1:${await freePort()}`]);
    expect(report.ok).toBe(false);
    expect(report.seeds[0]!.reached).toBe(false);
    expect(report.seeds[0]!.attempts[0]!.outcome).toBe('failed');
    expect(report.warnings.map((w) => w.code)).toEqual(['seed-address-failed', 'no-node']);
  });

  it('says a wrong port is refused in one sentence that names the address once', async () => {
    const seed = `127.0.0.1:${await freePort()}`;
    const report = await probe([seed]);
    const failed = report.warnings.find((w) => w.code === 'seed-address-failed')!;
    expect(failed.message).toBe(`seed ${seed}: connection refused`);
    expect(failed.fix).toMatch(/check the port/);
    expect(report.seeds[0]!.attempts[0]!.error).toBe('connection refused');
    for (const w of report.warnings) expect(w.message.split(seed).length - 1).toBeLessThanOrEqual(1);
  });
});
