/**
 * Discovery against real servers: seed names served by BIND 9 with silent (SYN-dropped by nftables)
 * addresses in the record, HAProxy as the load balancer, and a re-seed after the record changes.
 */
import { afterEach, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { discover } from '../../src/discovery/discover.js';
import { probe } from '../../src/discovery/probe/probe.js';
import { TimeoutError } from '../../src/protocol/errors.js';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { startBind, type BindServer } from '../harness/bind.js';
import { startHaproxy, type HaproxyServer } from '../harness/haproxy.js';
import { freePort } from '../harness/ports.js';
import { describeIfTool } from '../harness/require-tool.js';
import { silenceAddresses, type Silence } from '../harness/silent.js';
import { recordEvents, waitFor } from '../helpers/wait.js';

let bind: BindServer | undefined;
let silence: Silence | undefined;
let haproxy: HaproxyServer | undefined;
let sim: SimCluster | undefined;
let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.close();
  await silence?.release();
  await haproxy?.stop();
  await bind?.stop();
  await sim?.stop();
  cluster = silence = haproxy = bind = sim = undefined;
});

/** Three nodes listening on the given loopback IPs, all on one port (as in a real seed record). */
async function clusterOn(ips: readonly string[], port: number, ids?: readonly string[]): Promise<SimCluster> {
  return startSimCluster({
    nodes: ips.length,
    ...(ids ? { nodeIds: ids } : {}),
    nodeOptions: ips.map((host) => ({ listen: [{ host, port }] })),
  });
}

describeIfTool(['named', 'nsupdate', 'nft'], { needsRoot: 'nftables silences addresses' })(
  'seeding through BIND 9 with silent addresses',
  () => {
    for (const k of [1, 4, 16]) {
      it(`finds the cluster past ${k} silent address(es) without waiting for any of them`, async () => {
        const port = await freePort();
        sim = await clusterOn(['127.0.0.1', '127.0.0.2', '127.0.0.3'], port);
        const silent = Array.from({ length: k }, (_, i) => `127.0.0.${50 + i}`);
        silence = await silenceAddresses(silent.map((host) => ({ host, port })));
        bind = await startBind({
          records: [...silent, '127.0.0.1'].map((value) => ({ name: 'db', type: 'A' as const, value })),
        });
        // A connect timeout far beyond anything the test waits proves no silent address was waited on.
        const { nodes, report } = await discover([`db.${bind.zone}:${port}`], {
          dnsServers: [`127.0.0.1:${bind.port}`],
          connectTimeoutMs: 60_000,
        });
        expect(nodes.map((n) => n.address.host).sort()).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
        const resolved = report.seeding.resolutions[0]!.addresses;
        expect([...resolved].sort()).toEqual([...silent, '127.0.0.1'].sort());
        const silentAttempts = report.seeding.attempts.filter((a) => silent.includes(a.candidate.address.host));
        expect(silentAttempts).toHaveLength(k);
        for (const attempt of silentAttempts) {
          expect(attempt.status).toBe('cancelled');
          expect(attempt.error).not.toBeInstanceOf(TimeoutError);
        }
        expect(report.seeding.attempts.find((a) => a.candidate.address.host === '127.0.0.1')?.status).toBe('won');
      });
    }

    it('probe reports the silent addresses as warnings and still exits ok', async () => {
      const port = await freePort();
      sim = await clusterOn(['127.0.0.1', '127.0.0.2', '127.0.0.3'], port);
      silence = await silenceAddresses([{ host: '127.0.0.50', port }]);
      bind = await startBind({
        records: ['127.0.0.50', '127.0.0.1'].map((value) => ({ name: 'db', type: 'A' as const, value })),
      });
      const report = await probe([`db.${bind.zone}:${port}`], {
        dnsServers: [`127.0.0.1:${bind.port}`],
        connectTimeoutMs: 60_000,
      });
      expect(report.ok).toBe(true);
      expect(report.nodes).toHaveLength(3);
      expect([...report.seeds[0]!.addresses].sort()).toEqual(['127.0.0.1', '127.0.0.50']);
      const silentWarning = report.warnings.find((w) => w.code === 'seed-address-silent');
      expect(silentWarning?.address).toBe(`127.0.0.50:${port}`);
      expect(silentWarning?.severity).toBe('warning');
    });

    it('re-seeds by re-resolving the name after every node moved to new addresses', async () => {
      const port = await freePort();
      const ids = ['C1', 'C2', 'C3'];
      sim = await clusterOn(['127.0.0.11', '127.0.0.12', '127.0.0.13'], port, ids);
      bind = await startBind({
        records: ['127.0.0.11', '127.0.0.12', '127.0.0.13'].map((value) => ({ name: 'db', type: 'A' as const, value })),
      });
      cluster = new Cluster([`db.${bind.zone}:${port}`], {
        dnsServers: [`127.0.0.1:${bind.port}`],
        tendIntervalMs: 50,
        maxFailures: 2,
        reseedInitialDelayMs: 20,
        reseedMaxDelayMs: 200,
      });
      const events = recordEvents(cluster, ['clusterLost', 'reseeded']);
      await cluster.connect();
      cluster.startTending();
      await sim.stop();
      await waitFor(() => events.some((e) => e.name === 'clusterLost'), { what: 'clusterLost' });
      sim = await clusterOn(['127.0.0.21', '127.0.0.22', '127.0.0.23'], port, ids);
      await bind.setRecords(`db.${bind.zone}`, 'A', ['127.0.0.21', '127.0.0.22', '127.0.0.23']);
      await waitFor(() => cluster!.nodes.length === 3, { what: 'the moved cluster' });
      expect(cluster.nodes.map((n) => n.address.host).sort()).toEqual(['127.0.0.21', '127.0.0.22', '127.0.0.23']);
      expect(cluster.nodes.map((n) => n.nodeId).sort()).toEqual(ids);
      expect(events.some((e) => e.name === 'reseeded')).toBe(true);
    });
  },
);

describeIfTool(['haproxy'])('seeding through HAProxy', () => {
  it('detects HAProxy as a load balancer on loopback and keeps only direct node addresses', async () => {
    sim = await startSimCluster({ nodes: 3 });
    haproxy = await startHaproxy({ backends: sim.nodes.map((n) => n.listenAddresses[0]!) });
    const lbText = `127.0.0.1:${haproxy.port}`;
    const report = await probe([lbText]);
    expect(report.seeds[0]!.loadBalancer).toBe(true);
    expect(report.seeds[0]!.kind).toBe('load-balancer');
    expect(report.nodes).toHaveLength(3);
    const direct = sim.nodes.map((n) => formatHostPort(n.accessAddresses[0]!)).sort();
    expect(report.nodes.map((n) => `${n.address}:${n.port}`).sort()).toEqual(direct);
    for (const node of report.nodes) expect(node.aliases).not.toContain(lbText);
    expect(report.warnings.map((w) => w.code)).toContain('loopback-load-balancer');
    expect(report.ok).toBe(true);

    cluster = new Cluster([lbText]);
    await cluster.connect();
    expect(cluster.nodes.map((n) => formatHostPort(n.address)).sort()).toEqual(direct);
  });
});
