import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { discover } from '../../src/discovery/discover.js';
import { NoSeedNodeError } from '../../src/discovery/errors.js';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../src/testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../harness/ports.js';
import { recordEvents, waitFor } from '../helpers/wait.js';

const FAST = { connectTimeoutMs: 2000, requestTimeoutMs: 2000, tendIntervalMs: 50 } as const;

let sim: SimCluster | undefined;
let lb: LoadBalancer | undefined;
let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.close();
  await lb?.stop();
  await sim?.stop();
  cluster = undefined;
  lb = undefined;
  sim = undefined;
});

const addressOf = (s: SimCluster, i: number): string => formatHostPort(s.nodes[i]!.listenAddresses[0]!);

describe('discovery against the simulated cluster', () => {
  it('finds every node from one seed, keyed by node id at its own address', async () => {
    sim = await startSimCluster({ nodes: 3 });
    const { nodes, report } = await discover([addressOf(sim, 1)], FAST);
    expect(nodes.map((n) => n.nodeId).sort()).toEqual(sim.nodes.map((n) => n.id).sort());
    for (const node of nodes) {
      expect(node.address).toEqual(sim.node(node.nodeId).accessAddresses[0]);
      expect(node.reachable).toBe(true);
      expect(node.clusterName).toBe('sim');
    }
    expect(report.seedNode.verdict.kind).toBe('direct');
    expect(report.firstNodeMs).toBeLessThanOrEqual(report.clusterMs);
  });

  it('detects the built-in load balancer, reconnects directly, and never keeps the LB address', async () => {
    sim = await startSimCluster({ nodes: 3 });
    const s = sim;
    lb = await startLoadBalancer({ targets: () => s.nodes.map((n) => n.listenAddresses[0]!) });
    cluster = new Cluster([formatHostPort(lb.address)], FAST);
    const events = recordEvents(cluster, ['seedRedirected', 'nodeAdded']);
    const report = await cluster.connect();
    expect(report.seedNode.verdict.kind).toBe('redirected');
    const nodes = cluster.nodes;
    expect(nodes).toHaveLength(3);
    const lbText = formatHostPort(lb.address);
    for (const node of nodes) {
      expect(formatHostPort(node.address)).not.toBe(lbText);
      expect(node.aliases.map(formatHostPort)).not.toContain(lbText);
      expect(node.address).toEqual(sim.node(node.nodeId).accessAddresses[0]);
    }
    const redirect = events.find((e) => e.name === 'seedRedirected');
    expect(redirect?.payload.from).toEqual(lb.address);
    expect(events.filter((e) => e.name === 'nodeAdded')).toHaveLength(3);
  });

  it('rejects a node of another cluster and never adds it', async () => {
    sim = await startSimCluster({ nodes: 3, clusterName: 'prod' });
    sim.nodes[2]!.setClusterName('other');
    cluster = new Cluster([addressOf(sim, 2), addressOf(sim, 0)], { ...FAST, clusterName: 'prod' });
    const report = await cluster.connect();
    const ids = cluster.nodes.map((n) => n.nodeId).sort();
    expect(ids).toEqual([sim.nodes[0]!.id, sim.nodes[1]!.id].sort());
    const rejected = report.seeding.attempts.find(
      (a) => a.candidate.address.port === sim!.nodes[2]!.listenAddresses[0]!.port,
    );
    expect(rejected?.status === 'failed' || rejected?.status === 'cancelled').toBe(true);
    if (rejected?.status === 'failed')
      expect((rejected.error as Error).message).toMatch(/belongs to cluster "other", expected "prod"/);
  });

  it('fails with every address named when no seed answers', async () => {
    const dead = await freePort();
    const error = await discover([`127.0.0.1:${dead}`], FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSeedNodeError);
    expect((error as NoSeedNodeError).failures.map((f) => f.address)).toEqual([`127.0.0.1:${dead}`]);
  });

  it('tends: a stopped node is removed, and added back when it returns', async () => {
    sim = await startSimCluster({ nodes: 3 });
    cluster = new Cluster([addressOf(sim, 0)], FAST);
    const events = recordEvents(cluster, ['nodeAdded', 'nodeRemoved']);
    await cluster.connect();
    cluster.startTending();
    const victim = sim.nodes[2]!;
    await victim.stop();
    await waitFor(() => cluster!.nodes.length === 2, { what: 'the stopped node to be removed' });
    expect(cluster.nodes.map((n) => n.nodeId)).not.toContain(victim.id);
    const removal = events.find((e) => e.name === 'nodeRemoved');
    expect(removal?.payload.node.nodeId).toBe(victim.id);
    await victim.start();
    await waitFor(() => cluster!.nodes.length === 3, { what: 'the node to come back' });
    expect(events.filter((e) => e.name === 'nodeAdded').map((e) => e.payload.node.nodeId)).toContain(victim.id);
  });

  it('follows a node that restarts on a new port (same id, new address)', async () => {
    sim = await startSimCluster({ nodes: 3 });
    cluster = new Cluster([addressOf(sim, 0)], FAST);
    const events = recordEvents(cluster, ['nodeAddressChanged', 'nodeRemoved', 'nodeAdded']);
    await cluster.connect();
    cluster.startTending();
    const mover = sim.nodes[1]!;
    await mover.stop();
    const newPort = await freePort();
    await mover.start({ ports: [newPort] });
    await waitFor(() => cluster!.description.nodes.get(mover.id)?.address.port === newPort, {
      what: 'the new address',
    });
    expect(cluster.nodes).toHaveLength(3);
    const ids = cluster.nodes.map((n) => n.nodeId);
    expect(new Set(ids).size).toBe(3);
    expect(
      events.some(
        (e) =>
          (e.name === 'nodeAddressChanged' && e.payload.nodeId === mover.id) ||
          (e.name === 'nodeAdded' && e.payload.node.nodeId === mover.id),
      ),
    ).toBe(true);
  });

  it('loses every node, says so, and re-seeds when the cluster comes back', async () => {
    const port = await freePort();
    sim = await startSimCluster({ nodes: 1, basePort: port });
    cluster = new Cluster([`127.0.0.1:${port}`], {
      ...FAST,
      maxFailures: 2,
      reseedInitialDelayMs: 20,
      reseedMaxDelayMs: 100,
    });
    const events = recordEvents(cluster, ['clusterLost', 'reseedFailed', 'reseeded']);
    await cluster.connect();
    cluster.startTending();
    await sim.nodes[0]!.stop();
    await waitFor(() => events.some((e) => e.name === 'clusterLost'), { what: 'clusterLost' });
    await waitFor(() => events.some((e) => e.name === 'reseedFailed'), { what: 'a failed re-seed' });
    await sim.nodes[0]!.start();
    await waitFor(() => events.some((e) => e.name === 'reseeded'), { what: 'reseeded' });
    expect(cluster.nodes.map((n) => n.nodeId)).toEqual([sim.nodes[0]!.id]);
  });

  it('drops a node whose id changes behind the same address', async () => {
    const port = await freePort();
    sim = await startSimCluster({ nodes: 1, basePort: port });
    cluster = new Cluster([`127.0.0.1:${port}`], { ...FAST, reseedInitialDelayMs: 20 });
    const events = recordEvents(cluster, ['nodeRemoved', 'nodeAdded']);
    await cluster.connect();
    cluster.startTending();
    const before = sim.nodes[0]!.id;
    await sim.stop();
    sim = await startSimCluster({ nodes: 1, basePort: port, nodeIds: ['B7'] });
    await waitFor(() => cluster!.nodes.some((n) => n.nodeId === 'B7'), { what: 'the new node id' });
    expect(events.find((e) => e.name === 'nodeRemoved')?.payload.node.nodeId).toBe(before);
    expect(cluster.nodes.map((n) => n.nodeId)).toEqual(['B7']);
  });
});

describe('membership without a configured cluster name', () => {
  it('drops a healthy node that left for another cluster (nobody lists it, it lists none of ours)', async () => {
    sim = await startSimCluster({ nodes: 3 });
    cluster = new Cluster([addressOf(sim, 0)], FAST);
    const events = recordEvents(cluster, ['nodeRemoved']);
    await cluster.connect();
    cluster.startTending();
    const leaver = sim.nodes[2]!;
    leaver.setClusterName('elsewhere');
    await waitFor(() => cluster!.nodes.length === 2, { what: 'the departed node to be dropped' });
    expect(events.find((e) => e.name === 'nodeRemoved')?.payload).toMatchObject({
      node: { nodeId: leaver.id },
      reason: 'not-listed',
    });
  });
});

describe('discovery on a cluster with security enabled', () => {
  it('logs in on the seed, re-authenticates with the session token after a load-balancer redirect, and logs in on peers', async () => {
    sim = await startSimCluster({ nodes: 3, auth: { user: 'admin', password: 'secret-pw' } });
    const s = sim;
    lb = await startLoadBalancer({ targets: () => s.nodes.map((n) => n.listenAddresses[0]!) });
    const { nodes, report } = await discover([formatHostPort(lb.address)], {
      ...FAST,
      credentials: { user: 'admin', password: 'secret-pw' },
    });
    expect(report.seedNode.verdict.kind).toBe('redirected');
    expect(nodes).toHaveLength(3);
    const adminKinds = sim.nodes.flatMap((n) =>
      n
        .requestLog()
        .filter((e) => e.kind === 'admin')
        .map((e) => e.adminCommand),
    );
    expect(adminKinds).toContain(20); // LOGIN
    expect(adminKinds).toContain(0); // AUTHENTICATE on the redirected connection
  });

  it('fails with an authentication error on a wrong password', async () => {
    sim = await startSimCluster({ nodes: 1, auth: { user: 'admin', password: 'secret-pw' } });
    const error = await discover([addressOf(sim, 0)], {
      ...FAST,
      credentials: { user: 'admin', password: 'wrong' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSeedNodeError);
    expect(String((error as NoSeedNodeError).failures[0]?.error)).toMatch(/password|credential|65/i);
  });
});
