// The checker end to end against the simulated cluster, real sockets and real time. The logic (exact
// transitions, hysteresis) is tested with a fake probe and clock in checker.test.ts; here probe timeouts and
// X leave room for a loaded machine, and time is asserted as order (never before X) and generous bounds.
import { afterEach, describe, expect, it } from 'vitest';
import { createAerospikeProbe } from '../../src/health/aerospike-probe.js';
import { HealthChecker } from '../../src/health/checker.js';
import { createTcpProbe } from '../../src/health/tcp-probe.js';
import type { Endpoint, HealthState, HealthTransition } from '../../src/health/types.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import type { SimNode } from '../../src/testkit/sim-node.js';
import { waitFor } from '../helpers/wait.js';

let cluster: SimCluster | undefined;
let checker: HealthChecker | undefined;

afterEach(async () => {
  await checker?.stop();
  checker = undefined;
  await cluster?.stop();
  cluster = undefined;
});

function endpointOf(node: SimNode): Endpoint {
  const { host, port } = node.listenAddresses[0]!;
  return { key: `${host}:${port}`, host, port, expectedNodeId: node.id };
}

// A healthy node would need 4 probes in a row to time out (250 ms each) to be marked down by mistake.
const OPTIONS = { intervalMs: 250, timeoutMs: 250, healthyAfter: 2, unhealthyAfterMs: 1000, jitter: 0.1 };

async function setUp(
  nodes = 3,
): Promise<{ checker: HealthChecker; nodes: readonly SimNode[]; transitions: HealthTransition[] }> {
  cluster = await startSimCluster({ nodes, clusterName: 'east' });
  checker = new HealthChecker(createAerospikeProbe({ clusterName: 'east' }), OPTIONS);
  const transitions: HealthTransition[] = [];
  checker.on('transition', (t) => transitions.push(t));
  checker.setEndpoints(cluster.nodes.map(endpointOf));
  checker.start();
  return { checker, nodes: cluster.nodes, transitions };
}

function stateOf(node: SimNode): HealthState | undefined {
  return checker?.snapshot().get(endpointOf(node).key)?.state;
}

async function waitState(node: SimNode, state: HealthState, timeoutMs = 20_000): Promise<void> {
  await waitFor(() => stateOf(node) === state, { timeoutMs, what: `${node.id} ${state}` });
}

describe('HealthChecker with the Aerospike probe against a simulated cluster', () => {
  it('nodes become healthy after N passes; a stopped node goes unhealthy after X and comes back', async () => {
    const { nodes, transitions } = await setUp();
    for (const node of nodes) await waitState(node, 'healthy');
    for (const node of nodes) {
      const health = checker!.snapshot().get(endpointOf(node).key)!;
      expect(health.consecutivePasses).toBeGreaterThanOrEqual(2);
      expect(health.nodeId).toBe(node.id);
    }
    // Each node's first verdict is healthy (never a detour through unhealthy); one per node.
    const firsts = nodes.map((n) => transitions.find((t) => t.endpoint.key === endpointOf(n).key));
    expect(firsts.map((t) => `${t?.from}>${t?.to}`)).toEqual(['unknown>healthy', 'unknown>healthy', 'unknown>healthy']);

    const victim = nodes[1]!;
    const stoppedAt = performance.timeOrigin + performance.now(); // the checker's clock
    await victim.stop();
    await waitState(victim, 'unhealthy');
    const down = transitions.find((t) => t.to === 'unhealthy')!;
    expect(down.endpoint.key).toBe(endpointOf(victim).key);
    expect(down.reason).toMatch(/^failing for \d+ ms: connection refused$/);
    // Never before it failed for X (order, holds under any load); and within X + one interval + slack.
    expect(down.at - stoppedAt).toBeGreaterThanOrEqual(OPTIONS.unhealthyAfterMs);
    expect(down.at - stoppedAt).toBeLessThan(OPTIONS.unhealthyAfterMs + OPTIONS.intervalMs + 5000);
    expect(stateOf(nodes[0]!)).toBe('healthy');

    await victim.start();
    await waitState(victim, 'healthy');
    expect(transitions.at(-1)).toMatchObject({ from: 'unhealthy', to: 'healthy', reason: '2 consecutive passes' });
  });

  it('a node that moved to another cluster, or hangs, is unhealthy with the reason', async () => {
    const { nodes, transitions } = await setUp();
    for (const node of nodes) await waitState(node, 'healthy');
    nodes[0]!.setClusterName('west');
    nodes[2]!.hang();
    await waitState(nodes[0]!, 'unhealthy');
    await waitState(nodes[2]!, 'unhealthy');
    const reasonOf = (node: SimNode): string | undefined =>
      transitions.find((t) => t.endpoint.key === endpointOf(node).key && t.to === 'unhealthy')?.reason;
    expect(reasonOf(nodes[0]!)).toMatch(/cluster-name "west", expected "east"$/);
    expect(reasonOf(nodes[2]!)).toMatch(/request timeout$/);
    expect(stateOf(nodes[1]!)).toBe('healthy');
  });

  it('setEndpoints adds and removes nodes while running; stop() leaves nothing running', async () => {
    const { checker, nodes } = await setUp(3);
    checker.setEndpoints([endpointOf(nodes[0]!)]);
    await waitState(nodes[0]!, 'healthy');
    expect([...checker.snapshot().keys()]).toEqual([endpointOf(nodes[0]!).key]);
    const added = await cluster!.addNode();
    checker.setEndpoints([endpointOf(nodes[0]!), endpointOf(added)]);
    await waitState(added, 'healthy');
    expect(checker.snapshot().size).toBe(2);

    await checker.stop();
    expect(checker.stats).toMatchObject({ inFlight: 0, timerArmed: false, running: false });
    const started = checker.stats.probesStarted;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(checker.stats.probesStarted).toBe(started);
    await waitFor(() => cluster!.nodes.every((n) => n.description.connections === 0), {
      what: 'no probe connections left open',
    });
  });
});

describe('HealthChecker with the TCP probe', () => {
  it('follows a node stopping and starting', async () => {
    cluster = await startSimCluster({ nodes: 2 });
    const [a, b] = cluster.nodes as [SimNode, SimNode];
    checker = new HealthChecker(createTcpProbe(), { ...OPTIONS, healthyAfter: 1 });
    checker.setEndpoints([endpointOf(a), endpointOf(b)]);
    checker.start();
    await waitState(a, 'healthy');
    await waitState(b, 'healthy');
    await b.stop();
    await waitState(b, 'unhealthy');
    expect(checker.snapshot().get(endpointOf(b).key)?.last).toMatchObject({ ok: false, reason: 'refused' });
    await b.start();
    await waitState(b, 'healthy');
    expect(stateOf(a)).toBe('healthy');
  });
});
