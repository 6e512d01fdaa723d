import { afterEach, describe, expect, it } from 'vitest';
import { createAerospikeProbe } from '../../src/health/aerospike-probe.js';
import type { Endpoint } from '../../src/health/types.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import type { SimNode } from '../../src/testkit/sim-node.js';
import { waitFor } from '../helpers/wait.js';

let cluster: SimCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function endpointOf(node: SimNode, expectedNodeId?: string): Endpoint {
  const { host, port } = node.listenAddresses[0]!;
  return { key: `${host}:${port}`, host, port, ...(expectedNodeId ? { expectedNodeId } : {}) };
}

async function firstNode(options: Parameters<typeof startSimCluster>[0] = {}): Promise<SimNode> {
  cluster = await startSimCluster({ nodes: 1, clusterName: 'east', ...options });
  return cluster.nodes[0]!;
}

describe('createAerospikeProbe', () => {
  it('passes a healthy node of the configured cluster and reports its node id and cluster name', async () => {
    const node = await firstNode();
    const probe = createAerospikeProbe({ clusterName: 'east' });
    expect(probe.kind).toBe('aerospike');
    const result = await probe.check(endpointOf(node, node.id), 1000);
    expect(result).toMatchObject({ ok: true, nodeId: node.id, clusterName: 'east' });
    // The connection is closed every time.
    await waitFor(() => node.description.connections === 0, { what: 'the probe connection to close' });
  });

  it('passes without a configured cluster name or expected id', async () => {
    const node = await firstNode();
    await expect(createAerospikeProbe().check(endpointOf(node), 1000)).resolves.toMatchObject({
      ok: true,
      nodeId: node.id,
    });
  });

  it('fails a node of another cluster (an IP recycled to another cluster), naming both names', async () => {
    const node = await firstNode();
    node.setClusterName('west');
    const result = await createAerospikeProbe({ clusterName: 'east' }).check(endpointOf(node), 1000);
    expect(result).toMatchObject({
      ok: false,
      reason: 'cluster-name "west", expected "east"',
      nodeId: node.id,
      clusterName: 'west',
    });
  });

  it('fails a node whose id is not the expected one', async () => {
    const node = await firstNode();
    const result = await createAerospikeProbe({ clusterName: 'east' }).check(endpointOf(node, 'A1'), 1000);
    expect(result).toMatchObject({ ok: false, reason: `node id ${node.id}, expected A1`, nodeId: node.id });
  });

  it('fails when status is not ok, or is answered with an error', async () => {
    const node = await firstNode();
    const probe = createAerospikeProbe({ clusterName: 'east' });
    node.setInfo('status', 'starting');
    await expect(probe.check(endpointOf(node), 1000)).resolves.toMatchObject({
      ok: false,
      reason: 'status "starting"',
    });
    node.setInfo('status', 'ERROR:4:not ready');
    const result = await probe.check(endpointOf(node), 1000);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^status: .*ERROR 4/);
    node.setInfo('status', null);
    await expect(probe.check(endpointOf(node), 1000)).resolves.toMatchObject({ ok: false });
  });

  it('fails a hung node within the timeout', async () => {
    const node = await firstNode();
    node.hang();
    const started = performance.now();
    const result = await createAerospikeProbe().check(endpointOf(node), 300);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, reason: 'request timeout' });
    expect(elapsed).toBeLessThan(2000);
    await waitFor(() => node.description.connections === 0, { what: 'the hung connection to close' });
  });

  it('fails a slow node whose answer comes after the deadline', async () => {
    const node = await firstNode();
    node.slow(600);
    await expect(createAerospikeProbe().check(endpointOf(node), 200)).resolves.toMatchObject({
      ok: false,
      reason: 'request timeout',
    });
  });

  it('fails a stopped node at once with a connect reason', async () => {
    const node = await firstNode();
    const endpoint = endpointOf(node);
    await node.stop();
    const result = await createAerospikeProbe().check(endpoint, 1000);
    expect(result).toMatchObject({ ok: false, reason: 'connection refused' });
    expect(result.latencyMs).toBeLessThan(1000);
  });

  it('settles with "aborted" when the signal fires', async () => {
    const node = await firstNode();
    node.hang();
    const controller = new AbortController();
    const pending = createAerospikeProbe().check(endpointOf(node), 5000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).resolves.toMatchObject({ ok: false, reason: 'aborted' });
  });

  it('logs in to a secured cluster, and fails with the server reason on a wrong password', async () => {
    const node = await firstNode({ auth: { user: 'admin', password: 'secret' } });
    const good = createAerospikeProbe({ clusterName: 'east', credentials: { user: 'admin', password: 'secret' } });
    await expect(good.check(endpointOf(node), 2000)).resolves.toMatchObject({ ok: true, nodeId: node.id });
    await expect(good.check(endpointOf(node), 2000)).resolves.toMatchObject({ ok: true });
    const bad = createAerospikeProbe({ credentials: { user: 'admin', password: 'wrong' } });
    const result = await bad.check(endpointOf(node), 2000);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/login as 'admin' refused/);
  });

  it('never throws on bad input', async () => {
    const probe = createAerospikeProbe();
    await expect(probe.check({ key: 'x', host: '', port: 3000 }, 100)).resolves.toMatchObject({ ok: false });
    await expect(probe.check({ key: 'y', host: '127.0.0.1', port: 0 }, 100)).resolves.toMatchObject({ ok: false });
  });
});
