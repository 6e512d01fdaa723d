import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { probe } from '../../src/discovery/probe/probe.js';
import { formatHostPort } from '../../src/net/endpoint.js';
import { hugePeersValue, startConnectionSink, type ConnectionSink } from '../../src/testkit/hostile-peers.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { recordEvents } from '../helpers/wait.js';

const SINK_HOSTS = Array.from({ length: 9 }, (_, i) => `127.0.0.${i + 1}`);
const LIMIT = 24;
const OPTIONS = {
  connectTimeoutMs: 3000,
  requestTimeoutMs: 3000,
  maxConnectionsInFlight: LIMIT,
  tendIntervalMs: 50,
} as const;

let sim: SimCluster | undefined;
let sink: ConnectionSink | undefined;
let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.close();
  await sink?.close();
  await sim?.stop();
  cluster = undefined;
  sink = undefined;
  sim = undefined;
});

/** A 2-node simulated cluster whose first node lists 4,096 bogus peers x 9 hosts (about 460 KB). */
async function hostileCluster(): Promise<{ sim: SimCluster; sink: ConnectionSink; seed: string }> {
  sink = await startConnectionSink(SINK_HOSTS);
  sim = await startSimCluster({ nodes: 2 });
  const real = [{ nodeId: sim.nodes[1]!.id, tlsName: '', hosts: sim.nodes[1]!.accessAddresses }];
  const value = hugePeersValue({ count: 4096, hosts: sink.addresses, defaultPort: sink.port, real });
  expect(value.length).toBeGreaterThan(400_000);
  sim.nodes[0]!.setInfo('peers-clear-std', value);
  return { sim, sink, seed: formatHostPort(sim.nodes[0]!.listenAddresses[0]!) };
}

describe('a node that lists 4,096 peers', () => {
  it('probe keeps connection attempts in flight under the limit, tries at most maxPeersPerNode peers (lowest node ids first), and names the node', async () => {
    const { sim: s, sink: k, seed } = await hostileCluster();
    const report = await probe([seed], OPTIONS);
    expect(k.peakOpen).toBeLessThanOrEqual(LIMIT);
    expect(k.accepted).toBeGreaterThan(0);
    expect(k.accepted).toBeLessThanOrEqual(256 * SINK_HOSTS.length);
    const oversized = report.warnings.filter((w) => w.code === 'oversized-peer-list');
    expect(oversized).toHaveLength(1);
    expect(oversized[0]!.nodeId).toBe(s.nodes[0]!.id);
    expect(oversized[0]!.message).toContain('4096');
    // The report is bounded: at most 256 unreachable peers, and a summary instead of thousands of findings.
    expect(report.nodes.length).toBeLessThanOrEqual(256 + 2);
    expect(report.warnings.filter((w) => w.code === 'peer-unreachable').length).toBeLessThanOrEqual(17);
    expect(JSON.stringify(report).length).toBeLessThan(200_000);
    // The real second node is still found.
    expect(
      report.nodes
        .filter((n) => n.reachable)
        .map((n) => n.nodeId)
        .sort(),
    ).toEqual(s.nodes.map((n) => n.id).sort());
  });

  it('a Cluster connects, warns once, and does not re-validate unchanged failed peers on every tend', async () => {
    const { sim: s, sink: k, seed } = await hostileCluster();
    let now = 0;
    cluster = new Cluster([seed], {
      ...OPTIONS,
      peerRetryInitialDelayMs: 60_000,
      peerRetryMaxDelayMs: 60_000,
      clock: () => now,
    });
    const events = recordEvents(cluster, ['peerListTruncated']);
    await cluster.connect();
    expect(cluster.nodes.map((n) => n.nodeId).sort()).toEqual(s.nodes.map((n) => n.id).sort());
    const afterConnect = k.accepted;
    expect(afterConnect).toBeLessThanOrEqual(256 * SINK_HOSTS.length);
    expect(k.peakOpen).toBeLessThanOrEqual(LIMIT);
    // The override's list generation never matches peers-generation: the list counts as changed every tend.
    for (let i = 0; i < 3; i++) {
      now += 1000;
      await cluster.tend();
    }
    expect(k.accepted).toBe(afterConnect);
    expect(events.map((e) => e.payload)).toEqual([{ nodeId: s.nodes[0]!.id, listed: 4096, accepted: 256 }]);
    // Once the backoff is over, the missing peers are tried again (and still bounded).
    now += 60_000;
    await cluster.tend();
    expect(k.accepted).toBeGreaterThan(afterConnect);
    expect(k.peakOpen).toBeLessThanOrEqual(LIMIT);
  });
});
