/**
 * Time to first node and to the complete map through a DNS name whose record holds k silent (SYN-dropped)
 * addresses ahead of one live node: seedkeeper next to the official `aerospike` client, same cluster,
 * same addresses, one run.
 *
 * The official client resolves names with getaddrinfo, which cannot be pointed at a test DNS server on
 * another port; it gets the record's addresses, in the record's order, as its hosts list, which its seeding
 * loop treats exactly like the addresses of one resolved name (tried in order, 1 s connect timeout each).
 */
import { discover } from '../src/discovery/discover.js';
import { startSimCluster, type SimCluster } from '../src/testkit/sim-cluster.js';
import { startBind, type BindServer } from '../test/harness/bind.js';
import { freePort } from '../test/harness/ports.js';
import { silenceAddresses } from '../test/harness/silent.js';
import { OfficialClient } from '../test/testkit/helpers/official-client.js';
import { summarize, type Summary } from './stats.js';

export interface SeedingRow {
  readonly k: number;
  readonly seedkeeperFirst: Summary;
  readonly seedkeeperMap: Summary;
  readonly officialFirst: Summary;
  readonly officialConnect: Summary;
}

const LIVE = '127.0.0.1';
const silentAddress = (i: number): string => `127.0.0.${50 + i}`;

async function seedkeeperRuns(
  name: string,
  port: number,
  bind: BindServer,
  runs: number,
): Promise<{ first: number[]; map: number[] }> {
  const first: number[] = [];
  const map: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const { report, nodes } = await discover([`${name}:${port}`], { dnsServers: [`127.0.0.1:${bind.port}`] });
    if (nodes.length !== 3) throw new Error(`seedkeeper found ${nodes.length} nodes, expected 3`);
    if (i < 2) continue; // warm-up
    first.push(report.firstNodeMs);
    map.push(report.clusterMs);
  }
  return { first, map };
}

/** First validation request reaching the live node after `since` (epoch ms), from the simulator's log. */
function firstValidationAt(sim: SimCluster, since: number): number | undefined {
  const entry = sim.nodes[0]!.requestLog().find(
    (e) =>
      e.at >= since && e.kind === 'info' && e.commands?.[0] === 'node' && e.commands.includes('partition-generation'),
  );
  return entry?.at;
}

async function officialRuns(
  hosts: string,
  sim: SimCluster,
  runs: number,
): Promise<{ first: number[]; connect: number[] }> {
  const first: number[] = [];
  const connect: number[] = [];
  for (let i = 0; i < runs; i++) {
    sim.nodes[0]!.clearRequestLog();
    const started = Date.now();
    const client = await OfficialClient.start({ hosts, connTimeoutMs: 1000 }, 60_000);
    try {
      const outcome = await client.connectOutcome();
      if (outcome.type !== 'connected') throw new Error(`official client failed: ${outcome.message ?? ''}`);
      const connectStart = outcome.startedAt ?? started;
      const validated = firstValidationAt(sim, connectStart);
      if (validated === undefined) throw new Error('no validation request reached the live node');
      connect.push(outcome.ms);
      first.push(Math.max(0, validated - connectStart));
    } finally {
      await client.close();
    }
  }
  return { first, connect };
}

export async function benchSeeding(ks: readonly number[], log: (line: string) => void): Promise<SeedingRow[]> {
  const port = await freePort();
  const sim = await startSimCluster({
    nodes: 3,
    nodeOptions: ['127.0.0.1', '127.0.0.2', '127.0.0.3'].map((host) => ({ listen: [{ host, port }] })),
  });
  const maxK = Math.max(...ks);
  const silence = await silenceAddresses(Array.from({ length: maxK }, (_, i) => ({ host: silentAddress(i), port })));
  const bind = await startBind({ records: [{ name: 'warm', type: 'A', value: LIVE }] });
  const rows: SeedingRow[] = [];
  try {
    for (const k of ks) {
      const addresses = [...Array.from({ length: k }, (_, i) => silentAddress(i)), LIVE];
      const name = `k${k}.${bind.zone}`;
      await bind.setRecords(name, 'A', addresses);
      const ours = await seedkeeperRuns(name, port, bind, 30);
      const officialCount = k === 0 ? 10 : k <= 1 ? 3 : k <= 4 ? 2 : 1;
      const theirs = await officialRuns(addresses.map((a) => `${a}:${port}`).join(','), sim, officialCount);
      const row = {
        k,
        seedkeeperFirst: summarize(ours.first),
        seedkeeperMap: summarize(ours.map),
        officialFirst: summarize(theirs.first),
        officialConnect: summarize(theirs.connect),
      };
      rows.push(row);
      log(
        `k=${k}: seedkeeper first node ${row.seedkeeperFirst.median.toFixed(2)} ms, map ${row.seedkeeperMap.median.toFixed(2)} ms; official first node ${row.officialFirst.median.toFixed(0)} ms, connect ${row.officialConnect.median.toFixed(0)} ms`,
      );
    }
  } finally {
    await bind.stop();
    await silence.release();
    await sim.stop();
  }
  return rows;
}
