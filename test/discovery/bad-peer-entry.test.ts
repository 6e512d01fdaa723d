import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { probe } from '../../src/discovery/probe/probe.js';
import { formatHostPort } from '../../src/net/endpoint.js';
import type { SimCluster } from '../../src/testkit/sim-cluster.js';
import { recordEvents } from '../helpers/wait.js';
import { simSession } from './sim-session.js';

const FAST = { connectTimeoutMs: 2000, requestTimeoutMs: 2000 } as const;
const session = simSession();

/** Node 0 lists node 1 correctly, plus one entry with port 0 and one with an unbracketed IPv6 address. */
async function clusterWithBadEntries(): Promise<{ s: SimCluster; seed: string }> {
  const s = await session.start({ nodes: 2 });
  const good = `[${s.nodes[1]!.id},,[${formatHostPort(s.nodes[1]!.accessAddresses[0]!)}]]`;
  s.nodes[0]!.setInfo('peers-clear-std', `9,3000,[${good},[C1,,[127.0.0.1:0]],[C2,,[2001:db8::1]]]`);
  return { s, seed: session.seed(0) };
}

describe('one bad entry in a peers list', () => {
  it('probe skips that peer, warns naming the node that sent it, and uses the rest', async () => {
    const { s, seed } = await clusterWithBadEntries();
    const report = await probe([seed], FAST);
    expect(
      report.nodes
        .filter((n) => n.reachable)
        .map((n) => n.nodeId)
        .sort(),
    ).toEqual(s.nodes.map((n) => n.id).sort());
    const warning = report.warnings.find((w) => w.code === 'peer-entry-invalid');
    expect(warning?.nodeId).toBe(s.nodes[0]!.id);
    expect(warning?.message).toMatch(/2 unusable entries/);
    expect(report.ok).toBe(true);
  });

  it('a Cluster keeps the node, adds the good peer, and says so in an event', async () => {
    const { s, seed } = await clusterWithBadEntries();
    const cluster = session.keep(new Cluster([seed], FAST));
    const events = recordEvents(cluster, ['peerEntriesRejected']);
    await cluster.connect();
    expect(cluster.nodes.map((n) => n.nodeId).sort()).toEqual(s.nodes.map((n) => n.id).sort());
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ nodeId: s.nodes[0]!.id, count: 2 });
  });
});
