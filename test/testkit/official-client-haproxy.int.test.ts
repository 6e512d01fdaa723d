// The official client through a real HAProxy (TCP round robin) in front of the simulator: the same two
// outcomes docs/testing.md ("The official aerospike client") records against a real CE 8.1.2 cluster.
import { afterEach, expect, it } from 'vitest';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { startHaproxy, type HaproxyServer } from '../harness/haproxy.js';
import { describeIfTool } from '../harness/require-tool.js';
import { OfficialClient, type OfficialNode } from './helpers/official-client.js';

let cluster: SimCluster | undefined;
let haproxy: HaproxyServer | undefined;
let client: OfficialClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  await haproxy?.stop();
  haproxy = undefined;
  await cluster?.stop();
  cluster = undefined;
});

const sorted = (nodes: OfficialNode[]): OfficialNode[] => [...nodes].sort((a, b) => a.name.localeCompare(b.name));

async function setup(): Promise<{ cluster: SimCluster; haproxy: HaproxyServer }> {
  cluster = await startSimCluster({ nodes: 3 });
  haproxy = await startHaproxy({ backends: cluster.nodes.map((n) => n.address) });
  return { cluster, haproxy };
}

describeIfTool(['haproxy', 'timeout'])('official client through HAProxy in front of the simulator', () => {
  it('seed [::ffff:127.0.0.1]:PORT: LB detected, every node at its direct address', async () => {
    const { cluster: c, haproxy: h } = await setup();
    client = await OfficialClient.start({ hosts: `[::ffff:127.0.0.1]:${h.port}`, tenderInterval: 250 });
    const outcome = await client.connectOutcome();
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    const nodes = await client.waitForNodes((n) => n.length === 3, 5000);
    expect(sorted(nodes)).toEqual(c.nodes.map((n) => ({ name: n.id, address: formatHostPort(n.address) })));
  });

  it('loopback seed 127.0.0.1:PORT: no detection, so one node is recorded at the LB address (the known trap)', async () => {
    const { cluster: c, haproxy: h } = await setup();
    client = await OfficialClient.start({ hosts: `127.0.0.1:${h.port}`, tenderInterval: 250 });
    const outcome = await client.connectOutcome();
    expect(outcome.type, JSON.stringify(outcome)).toBe('connected');
    const nodes = await client.waitForNodes((n) => n.length === 3, 5000);
    const atLb = nodes.filter((n) => n.address === `127.0.0.1:${h.port}`);
    expect(atLb).toHaveLength(1);
    expect(c.nodes.map((n) => n.id)).toContain(atLb[0]!.name);
    expect(c.nodes.flatMap((n) => n.requestLog()).some((e) => e.commands?.includes('service-clear-std'))).toBe(false);
  });
});
