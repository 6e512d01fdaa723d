import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../src/testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../harness/ports.js';
import { runCli } from '../helpers/cli.js';

let sim: SimCluster;
let lb: LoadBalancer;

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 3, clusterName: 'clitest' });
  lb = await startLoadBalancer({ targets: () => sim.nodes.map((n) => n.listenAddresses[0]!) });
});

afterAll(async () => {
  await lb.stop();
  await sim.stop();
});

const direct = (): string[] => sim.nodes.map((n) => formatHostPort(n.accessAddresses[0]!)).sort();

describe('seedkeeper probe', () => {
  it('--json prints the documented shape and exits 0 through a load balancer', async () => {
    const result = await runCli(['probe', '--json', formatHostPort(lb.address)]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.clusterName).toBe('clitest');
    expect(report.seeds).toHaveLength(1);
    expect(report.seeds[0]).toMatchObject({
      seed: formatHostPort(lb.address),
      addresses: ['127.0.0.1'],
      reached: true,
      loadBalancer: true,
    });
    expect(sim.nodes.map((n) => n.id)).toContain(report.seeds[0].nodeId);
    expect(report.nodes.map((n: { address: string; port: number }) => `${n.address}:${n.port}`).sort()).toEqual(
      direct(),
    );
    for (const node of report.nodes) expect(node).toMatchObject({ nodeId: expect.any(String), reachable: true });
    expect(Array.isArray(report.warnings)).toBe(true);
    expect(report.timings.firstNodeMs).toEqual(expect.any(Number));
    expect(report.timings.clusterMs).toBeGreaterThanOrEqual(report.timings.firstNodeMs);
  });

  it('prints a readable report naming the load balancer and the nodes', async () => {
    const result = await runCli(['probe', formatHostPort(lb.address)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('load balancer');
    for (const address of direct()) expect(result.stdout).toContain(address);
  });

  it('exits 1 when no node answers', async () => {
    const result = await runCli(['probe', '--json', `127.0.0.1:${await freePort()}`]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.seeds[0].reached).toBe(false);
    expect(report.nodes).toEqual([]);
  });

  it('exits 1 on a cluster-name mismatch of every seed', async () => {
    const result = await runCli([
      'probe',
      '--json',
      '--cluster-name',
      'other',
      formatHostPort(sim.nodes[0]!.listenAddresses[0]!),
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.warnings.map((w: { code: string }) => w.code)).toContain('cluster-name-mismatch');
  });

  it.each([
    [['probe'], /missing required argument/],
    [['probe', '--timeout', 'soon', '127.0.0.1'], /--timeout: expected milliseconds/],
    [['probe', 'bad host name:3000'], /seeds\[0\]: /],
    [['probe', '--user', 'admin', '127.0.0.1'], /--password-env/],
  ])('exits 2 with a clear message for bad usage (%j)', async (args, pattern) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
  });
});

describe('seedkeeper resolve', () => {
  it('prints the nodes in node-id order on every run', async () => {
    const expected = [...sim.nodes]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((n) => formatHostPort(n.accessAddresses[0]!))
      .join(',');
    for (let i = 0; i < 2; i++) {
      const result = await runCli(['resolve', formatHostPort(lb.address)]);
      expect(result.stdout.trim()).toBe(expected);
    }
  });

  it('probe: a port that is not a port is a usage error saying what was expected', async () => {
    const result = await runCli(['probe', '127.0.0.1:notaport']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"notaport" .* is neither a port nor a TLS name; expected host\[:tlsname\]\[:port\]/);
  });

  it('--format hosts prints direct ip:port pairs, never the load balancer', async () => {
    const result = await runCli(['resolve', '--format', 'hosts', formatHostPort(lb.address)]);
    expect(result.code).toBe(0);
    const hosts = result.stdout.trim().split(',');
    expect([...hosts].sort()).toEqual(direct());
    expect(hosts).not.toContain(formatHostPort(lb.address));
  });

  it('--format json lists the nodes', async () => {
    const result = await runCli(['resolve', '--format', 'json', formatHostPort(sim.nodes[1]!.listenAddresses[0]!)]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.nodes.map((n: { nodeId: string }) => n.nodeId).sort()).toEqual(sim.nodes.map((n) => n.id).sort());
  });

  it('exits 1 and names the address when nothing answers', async () => {
    const port = await freePort();
    const result = await runCli(['resolve', `127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stdout).toBe('');
  });

  it('rejects an unknown format with exit 2', async () => {
    const result = await runCli(['resolve', '--format', 'xml', '127.0.0.1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--format: expected hosts or json/);
  });
});
