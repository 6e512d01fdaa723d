import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostPort } from '../../src/net/endpoint.js';
import { parsePeers, parseServiceList } from '../../src/protocol/values/index.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { askOnce, MessageType, RawClient } from './helpers/raw-client.js';

let cluster: SimCluster | undefined;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster?.stop();
  cluster = undefined;
});

async function open(address: HostPort): Promise<RawClient> {
  const c = await RawClient.open(address);
  clients.push(c);
  return c;
}

function refused(address: HostPort): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address.host, port: address.port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

async function peersOf(address: HostPort): Promise<{ generation: number; ids: string[]; hosts: HostPort[][] }> {
  const value = (await askOnce(address, 'peers-clear-std'))['peers-clear-std']!;
  const parsed = parsePeers(value);
  return {
    generation: parsed.generation,
    ids: parsed.peers.map((p) => p.nodeId),
    hosts: parsed.peers.map((p) => [...p.hosts]),
  };
}

async function generations(address: HostPort): Promise<{ peers: number; partition: number }> {
  const v = await askOnce(address, 'peers-generation', 'partition-generation');
  return { peers: Number(v['peers-generation']), partition: Number(v['partition-generation']) };
}

describe('simulated cluster: fault switches', () => {
  it('describes its nodes and seed list', async () => {
    cluster = await startSimCluster({ nodes: 3, clusterName: 'east' });
    const d = cluster.describe();
    expect(d.map((n) => n.id)).toEqual(['BB9010011AC4202', 'BB9020011AC4202', 'BB9030011AC4202']);
    expect(d.every((n) => n.running && n.member && n.clusterName === 'east')).toBe(true);
    expect(d[0]!.access).toEqual(d[0]!.listen);
    expect(cluster.seedList()).toBe(d.map((n) => `127.0.0.1:${n.listen[0]!.port}`).join(','));
    expect(Object.isFrozen(d[0])).toBe(true);
  });

  it('stop(): connections closed, port refused, others drop it and bump generations; start() rejoins', async () => {
    cluster = await startSimCluster({ nodes: 3 });
    const [a, b, c] = cluster.nodes as [
      (typeof cluster.nodes)[0],
      (typeof cluster.nodes)[0],
      (typeof cluster.nodes)[0],
    ];
    const before = await generations(a.address);
    const held = await open(c.address);
    await c.stop();
    await expect(held.info('node')).rejects.toThrow();
    expect(await refused(c.address)).toBe(true);
    expect(c.description).toMatchObject({ running: false, member: false, state: 'stopped' });
    const peers = await peersOf(a.address);
    expect(peers.ids).toEqual([b.id]);
    const after = await generations(a.address);
    expect(after.peers).toBe(before.peers + 1);
    expect(after.partition).toBeGreaterThan(before.partition);

    await c.start();
    expect((await peersOf(a.address)).ids).toEqual([b.id, c.id]);
    expect((await generations(a.address)).peers).toBe(before.peers + 2);
    expect((await askOnce(c.address, 'node')).node).toBe(c.id);
  });

  it('start({ ports }) moves a node; peers list the new address', async () => {
    cluster = await startSimCluster({ nodes: 2 });
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const old = b.address;
    await b.stop();
    // Port 0: the kernel picks a new free port.
    await b.start({ ports: [0] });
    expect(b.address.port).not.toBe(old.port);
    expect((await peersOf(a.address)).hosts).toEqual([[b.address]]);
  });

  it('hang(): accepts and reads but never answers; heal() answers again', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const node = cluster.nodes[0]!;
    node.hang();
    const c = await open(node.address);
    await expect(c.request(MessageType.Info, Buffer.from('node\n'), 300)).rejects.toThrow(/no reply/);
    expect(node.requestLog().some((e) => e.kind === 'info' && e.note === 'dropped (hang)')).toBe(true);
    node.heal();
    expect(await c.info('status')).toBe('status\tok\n');
  }, 10_000);

  it('slow(ms): delays every reply, keeping order', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const node = cluster.nodes[0]!;
    node.slow(150);
    const c = await open(node.address);
    const t0 = performance.now();
    expect(await c.info('status')).toBe('status\tok\n');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    node.slow(0);
    const t1 = performance.now();
    await c.info('status');
    expect(performance.now() - t1).toBeLessThan(140);
  });

  it('advertise(): service-clear-std and the peers of others change, peers-generation bumps', async () => {
    cluster = await startSimCluster({ nodes: 2 });
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const gen = (await peersOf(a.address)).generation;
    b.advertise([{ host: '10.0.0.9', port: 3000 }], [{ host: '203.0.113.9', port: 3000 }]);
    const v = await askOnce(b.address, 'service-clear-std', 'service-clear-alt');
    expect(v['service-clear-std']).toBe('10.0.0.9:3000');
    expect(v['service-clear-alt']).toBe('203.0.113.9:3000');
    const peers = await askOnce(a.address, 'peers-clear-std', 'peers-clear-alt');
    expect(peers['peers-clear-std']).toBe(`${gen + 1},3000,[[${b.id},,[10.0.0.9]]]`);
    expect(peers['peers-clear-alt']).toBe(`${gen + 1},3000,[[${b.id},,[203.0.113.9]]]`);
    b.advertise(undefined);
    expect(parseServiceList((await askOnce(b.address, 'service-clear-std'))['service-clear-std']!)).toEqual([
      b.address,
    ]);
  });

  it('setClusterName(): the node leaves the peer lists and forms its own cluster', async () => {
    cluster = await startSimCluster({ nodes: 3 });
    const [a, b, c] = cluster.nodes as [
      (typeof cluster.nodes)[0],
      (typeof cluster.nodes)[0],
      (typeof cluster.nodes)[0],
    ];
    c.setClusterName('other');
    expect((await peersOf(a.address)).ids).toEqual([b.id]);
    const v = await askOnce(c.address, 'cluster-name', 'peers-clear-std', 'replicas');
    expect(v['cluster-name']).toBe('other');
    expect(parsePeers(v['peers-clear-std']!).peers).toEqual([]);
    expect(v.replicas!.startsWith('test:0,1,')).toBe(true);
  });

  it('silentDeath(): refuses connections but the others still list it', async () => {
    cluster = await startSimCluster({ nodes: 3 });
    const [a, , c] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const before = await peersOf(a.address);
    await c.silentDeath();
    expect(await refused(c.address)).toBe(true);
    expect(c.description).toMatchObject({ state: 'dead', running: false, member: true });
    expect(await peersOf(a.address)).toEqual(before);
    await c.start();
    expect((await askOnce(c.address, 'node')).node).toBe(c.id);
  });

  it('one node under several addresses answers with one identity; access defaults to all listeners', async () => {
    cluster = await startSimCluster({ nodes: 2, nodeOptions: [{ extraListeners: 1 }] });
    const a = cluster.nodes[0]!;
    expect(a.listenAddresses).toHaveLength(2);
    const [first, second] = a.listenAddresses as [HostPort, HostPort];
    expect((await askOnce(first, 'node')).node).toBe(a.id);
    expect((await askOnce(second, 'node')).node).toBe(a.id);
    expect((await askOnce(first, 'service-clear-std'))['service-clear-std']).toBe(
      `127.0.0.1:${first.port},127.0.0.1:${second.port}`,
    );
    const log = a.requestLog();
    expect(new Set(log.map((e) => e.local.port))).toEqual(new Set([first.port, second.port]));
  });

  it('keeps a bounded request log per node, per connection', async () => {
    cluster = await startSimCluster({ nodes: 1, requestLogSize: 4 });
    const node = cluster.nodes[0]!;
    const c = await open(node.address);
    for (let i = 0; i < 5; i++) await c.info('node', `status`);
    const d = await open(node.address);
    await d.info('build');
    const log = node.requestLog();
    expect(log).toHaveLength(4);
    expect(log.at(-1)).toMatchObject({ kind: 'info', connection: 2, commands: ['build'] });
    expect(log.at(-2)).toMatchObject({ kind: 'accept', connection: 2 });
    expect(log.at(-3)).toMatchObject({ kind: 'info', connection: 1, commands: ['node', 'status'] });
    expect(log.map((e) => e.seq)).toEqual([...log.map((e) => e.seq)].sort((x, y) => x - y));
  });

  it('addNode(): a node joins, everyone lists it', async () => {
    cluster = await startSimCluster({ nodes: 2 });
    const added = await cluster.addNode();
    expect(added.id).toBe('BB9030011AC4202');
    expect((await peersOf(cluster.nodes[0]!.address)).ids).toEqual([cluster.nodes[1]!.id, added.id]);
  });

  it('setInfo(): replaces or leaves out chosen answers; clearInfo() restores them', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const node = cluster.nodes[0]!;
    node.setInfo('build', 'ERROR:4:unrecognized command');
    node.setInfo('service-clear-std', null);
    node.setInfo('peers-clear-std:generation=3', '9,3000,[]');
    const c = await open(node.address);
    expect(await c.info('node', 'build', 'service-clear-std', 'peers-clear-std:generation=3', 'peers-clear-std')).toBe(
      `node\t${node.id}\nbuild\tERROR:4:unrecognized command\npeers-clear-std:generation=3\t9,3000,[]\npeers-clear-std\t1,3000,[]\n`,
    );
    expect(() => node.setInfo('x', 'a\tb')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    node.clearInfo('build');
    expect(await c.info('build')).toBe('build\t8.0.0.0\n');
    node.clearInfo();
    expect(await c.info('service-clear-std')).toBe(`service-clear-std\t127.0.0.1:${node.address.port}\n`);
  });

  it('a custom partitioner decides ownership, and is checked', async () => {
    cluster = await startSimCluster({
      nodes: 2,
      partitioner: (ids, ns) => ({
        namespace: ns.name,
        regime: 0,
        replicationFactor: 1,
        owners: Array.from({ length: 4096 }, () => [ids[0]!]),
      }),
    });
    const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const first = [a, b].sort((x, y) => x.id.localeCompare(y.id))[0]!;
    const other = first === a ? b : a;
    expect((await askOnce(first.address, 'replicas')).replicas).toBe(`test:0,1,${'/'.repeat(682)}8=`);
    expect((await askOnce(other.address, 'replicas')).replicas).toBe(`test:0,1,${'A'.repeat(682)}A=`);
    const bad = await startSimCluster({
      nodes: 1,
      partitioner: (_ids, ns) => ({ namespace: ns.name, regime: 0, replicationFactor: 1, owners: [] }),
    });
    try {
      expect(() => bad.state()).toThrow(/4096 partitions/);
    } finally {
      await bad.stop();
    }
  });

  it('fails cleanly when a base port is taken', async () => {
    const first = await startSimCluster({ nodes: 1 });
    try {
      await expect(startSimCluster({ nodes: 2, basePort: first.nodes[0]!.address.port - 1 })).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      await first.stop();
    }
  });
});
