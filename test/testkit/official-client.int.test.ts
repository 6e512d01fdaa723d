// The real `aerospike` npm client (C client 7.4.0 inside) against the simulator. The client runs in a child
// process (helpers/official-client-driver.ts): its connect() blocks the JavaScript thread while seeding, so
// it cannot share an event loop with the simulated nodes it must talk to.
import { afterEach, describe, expect, it } from 'vitest';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../src/testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { OfficialClient, type OfficialNode } from './helpers/official-client.js';

let cluster: SimCluster | undefined;
let lb: LoadBalancer | undefined;
let client: OfficialClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  await lb?.stop();
  lb = undefined;
  await cluster?.stop();
  cluster = undefined;
});

const direct = (c: SimCluster): OfficialNode[] =>
  c.nodes.filter((n) => n.running).map((n) => ({ name: n.id, address: formatHostPort(n.address) }));
const sorted = (nodes: OfficialNode[]): OfficialNode[] => [...nodes].sort((a, b) => a.name.localeCompare(b.name));

describe('official aerospike client against the simulator', () => {
  it('seeds with all nodes, lists them at their direct addresses, and drops a stopped node', async () => {
    cluster = await startSimCluster({ nodes: 3 });
    client = await OfficialClient.start({ hosts: cluster.seedList(), tenderInterval: 250 });
    const outcome = await client.connectOutcome();
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    expect(sorted(outcome.nodes!)).toEqual(direct(cluster));

    // A get is routed and answered "not found" rather than hanging.
    const get = await client.get('some-key');
    expect(get.code).toBe(2);

    // Each node's tend connection asked the 3-item refresh; the data message reached one node.
    const refresh = cluster.nodes[0]!.requestLog().filter(
      (e) => e.commands?.join('|') === 'node|peers-generation|partition-generation',
    );
    expect(refresh.length).toBeGreaterThan(0);
    expect(cluster.nodes.flatMap((n) => n.requestLog()).filter((e) => e.kind === 'data')).toHaveLength(1);

    await cluster.nodes[2]!.stop();
    const after = await client.waitForNodes((nodes) => nodes.length === 2, 5000);
    expect(sorted(after)).toEqual(direct(cluster));

    // It comes back within a few tends once restarted on the same port.
    await cluster.nodes[2]!.start();
    const back = await client.waitForNodes((nodes) => nodes.length === 3, 5000);
    expect(sorted(back)).toEqual(direct(cluster));
  });

  it('through the built-in load balancer (seed [::ffff:127.0.0.1]:LB) finds every node at its direct address', async () => {
    cluster = await startSimCluster({ nodes: 3 });
    const nodes = cluster.nodes;
    lb = await startLoadBalancer({ targets: () => nodes.filter((n) => n.running).map((n) => n.address) });
    client = await OfficialClient.start({ hosts: `[::ffff:127.0.0.1]:${lb.port}`, tenderInterval: 250 });
    const outcome = await client.connectOutcome();
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    const listed = await client.waitForNodes((n) => n.length === 3, 5000);
    expect(sorted(listed)).toEqual(direct(cluster));
    expect(listed.some((n) => n.address.includes(String(lb!.port)))).toBe(false);
    // The seed connection went through the LB and asked for service-clear-std (LB detection ran).
    const detection = cluster.nodes
      .flatMap((n) => n.requestLog())
      .filter((e) => e.commands?.join('|') === 'node|partition-generation|build|service-clear-std');
    expect(detection).toHaveLength(1);
    expect(lb.totalConnections).toBe(1);
  });

  it('a hung seed costs one connect timeout; the node joins once healed', async () => {
    cluster = await startSimCluster({ nodes: 3 });
    cluster.nodes[0]!.hang();
    client = await OfficialClient.start({ hosts: cluster.seedList(), tenderInterval: 250, connTimeoutMs: 500 });
    const outcome = await client.connectOutcome();
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    expect(outcome.ms).toBeGreaterThanOrEqual(450);
    expect(sorted(outcome.nodes!)).toEqual(direct(cluster).slice(1));
    cluster.nodes[0]!.heal();
    expect(sorted(await client.waitForNodes((n) => n.length === 3, 8000))).toEqual(direct(cluster));
  });

  it('through the LB, a node advertising an unreachable address is kept at the seed (LB) address', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    const node = cluster.nodes[0]!;
    lb = await startLoadBalancer({ targets: [node.address] });
    node.advertise([{ host: '127.0.0.1', port: lb.port === 1 ? 2 : 1 }]);
    client = await OfficialClient.start({ hosts: `[::ffff:127.0.0.1]:${lb.port}` });
    const outcome = await client.connectOutcome();
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    expect(outcome.nodes).toEqual([{ name: node.id, address: `[::ffff:127.0.0.1]:${lb.port}` }]);
  });

  it('a node moved to another cluster gets no traffic, and is dropped at the next peer change', async () => {
    cluster = await startSimCluster({ nodes: 3, nodeOptions: [undefined, { extraListeners: 1 }] });
    client = await OfficialClient.start({ hosts: cluster.seedList(), tenderInterval: 250 });
    expect((await client.connectOutcome()).type).toBe('connected');
    const [, b, c] = cluster.nodes as [SimCluster['nodes'][0], SimCluster['nodes'][0], SimCluster['nodes'][0]];
    c.setClusterName('other');
    // Wait until the others' maps were fetched after the change (their replicas asked again).
    const since = Date.now();
    for (let i = 0; i < 100; i++) {
      const asked = b.requestLog().some((e) => e.at >= since && e.commands?.includes('replicas'));
      if (asked) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    c.clearRequestLog();
    for (let i = 0; i < 20; i++) await client.get(`key-${i}`);
    expect(c.requestLog().filter((e) => e.kind === 'data')).toHaveLength(0);
    // Observed with C client 7.4: it looks for unreferenced nodes only in tends where some peer list
    // changed, and in that tend the moved node still held partitions, so it stays listed (unused) until
    // the next peer-list change.
    b.advertise([b.listenAddresses[0]!]);
    const after = await client.waitForNodes((n) => n.length === 2, 5000);
    expect(after.map((n) => n.name).sort()).toEqual([cluster.nodes[0]!.id, b.id].sort());
  });

  it('logs in when auth is on (LOGIN on the tend socket, AUTHENTICATE on data connections)', async () => {
    cluster = await startSimCluster({ nodes: 2, auth: { user: 'admin', password: 'secret' } });
    client = await OfficialClient.start({
      hosts: cluster.seedList(),
      user: 'admin',
      password: 'secret',
      tenderInterval: 250,
    });
    const outcome = await client.connectOutcome();
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    expect(sorted(outcome.nodes!)).toEqual(direct(cluster));
    expect((await client.get('k')).code).toBe(2);
    const admin = cluster.nodes.flatMap((n) => n.requestLog()).filter((e) => e.kind === 'admin');
    expect(admin.filter((e) => e.adminCommand === 20 && e.note === 'result 0').length).toBeGreaterThanOrEqual(2);
    expect(admin.some((e) => e.adminCommand === 0 && e.note === 'result 0')).toBe(true);
    expect(cluster.nodes.flatMap((n) => n.requestLog()).some((e) => e.note === 'not authenticated')).toBe(false);
  });

  it('rejects a node whose partition-generation says it is not ready (-1)', async () => {
    cluster = await startSimCluster({ nodes: 1 });
    cluster.nodes[0]!.setInfo('partition-generation', '-1');
    client = await OfficialClient.start({ hosts: cluster.seedList() });
    const outcome = await client.connectOutcome();
    expect(outcome.type).toBe('connectError');
    cluster.nodes[0]!.clearInfo();
  });

  it('refuses the cluster with a wrong password', async () => {
    cluster = await startSimCluster({ nodes: 1, auth: { user: 'admin', password: 'secret' } });
    client = await OfficialClient.start({ hosts: cluster.seedList(), user: 'admin', password: 'wrong' });
    const outcome = await client.connectOutcome();
    expect(outcome.type).toBe('connectError');
    expect(outcome.code).toBe(65); // INVALID_CREDENTIAL, from our LOGIN answer
  });
});
