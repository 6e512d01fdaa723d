/**
 * The official `aerospike` client alone next to the same client seeded through `seedkeeper/aerospike`'s
 * `connect()`, in one run, against one simulated 3-node cluster:
 * - k silent (SYN-dropped) addresses ahead of the live node in the hosts list (k = 0, 4, 16): the official
 *   client tries them one after another and pays its connect timeout (1 s) for each; the adapter races them.
 * - a loopback HAProxy in front of the nodes as the only seed: the official client alone keeps the load
 *   balancer's address as a node; the adapter hands it the nodes' direct addresses.
 * Each client runs in a process of its own (the official client's connect() blocks its event loop while
 * seeding); the time is connect() in that process, from the call to its return.
 */
import { startSimCluster } from '../src/testkit/sim-cluster.js';
import { AdapterProcess } from '../test/aerospike/adapter-process.js';
import { startHaproxy } from '../test/harness/haproxy.js';
import { freePort } from '../test/harness/ports.js';
import { silenceAddresses } from '../test/harness/silent.js';
import { OfficialClient } from '../test/testkit/helpers/official-client.js';
import { summarize, type Summary } from './stats.js';

export interface AdapterRow {
  /** `k = 4` or `load balancer`. */
  readonly setup: string;
  readonly k?: number;
  readonly official: Summary;
  readonly adapter: Summary;
  /** What each client ended up with, e.g. "3 direct nodes" or "LB 127.0.0.1:41000 kept as a node". */
  readonly officialNodes: string;
  readonly adapterNodes: string;
}

const CONN_TIMEOUT_MS = 1000;
const silentAddress = (i: number): string => `127.0.0.${60 + i}`;
/** Official runs cost about k seconds each: fewer of them at large k. */
const officialRuns = (k: number): number => (k === 0 ? 5 : k <= 4 ? 2 : 1);
const ADAPTER_RUNS = 5;

interface Node {
  readonly name: string;
  readonly address: string;
}

/** Poll until `read()` gives 3 nodes (the client learns peers as it tends), bounded; returns the last answer. */
async function settledNodes(read: () => Promise<Node[]>): Promise<Node[]> {
  let nodes: Node[] = [];
  for (let i = 0; i < 30; i++) {
    nodes = await read();
    if (nodes.length >= 3) return nodes;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return nodes;
}

function describeNodes(nodes: readonly Node[], lb: string | undefined): string {
  const viaLb = lb === undefined ? [] : nodes.filter((n) => n.address === lb);
  const direct = nodes.length - viaLb.length;
  return viaLb.length > 0 ? `LB address kept as ${viaLb.length} node, ${direct} direct` : `${direct} direct nodes`;
}

async function timeOfficial(hosts: string, runs: number, lb?: string): Promise<{ times: number[]; nodes: string }> {
  const times: number[] = [];
  let nodes = '';
  for (let i = 0; i < runs; i++) {
    const client = await OfficialClient.start({ hosts, connTimeoutMs: CONN_TIMEOUT_MS }, 60_000);
    try {
      const outcome = await client.connectOutcome();
      if (outcome.type !== 'connected') throw new Error(`official client failed: ${outcome.message ?? ''}`);
      times.push(outcome.ms);
      if (i === 0) nodes = describeNodes(await settledNodes(() => client.nodes()), lb);
    } finally {
      await client.close();
    }
  }
  return { times, nodes };
}

async function timeAdapter(hosts: string, runs: number, lb?: string): Promise<{ times: number[]; nodes: string }> {
  const times: number[] = [];
  let nodes = '';
  for (let i = 0; i < runs; i++) {
    const driver = AdapterProcess.start({ config: { hosts, connTimeoutMs: CONN_TIMEOUT_MS } });
    try {
      const outcome = await driver.outcome;
      if (outcome.type !== 'connected') throw new Error(`adapter failed: ${String(outcome.message)}`);
      times.push(outcome.ms as number);
      if (i === 0) nodes = describeNodes(await settledNodes(() => driver.nodes()), lb);
    } finally {
      await driver.close();
    }
  }
  return { times, nodes };
}

export async function benchAdapter(ks: readonly number[], log: (line: string) => void): Promise<AdapterRow[]> {
  const port = await freePort();
  const live = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
  const sim = await startSimCluster({ nodes: 3, nodeOptions: live.map((host) => ({ listen: [{ host, port }] })) });
  const silence = await silenceAddresses(
    Array.from({ length: Math.max(...ks) }, (_, i) => ({ host: silentAddress(i), port })),
  );
  const lb = await startHaproxy({ backends: live.map((host) => ({ host, port })) });
  const rows: AdapterRow[] = [];
  try {
    for (const k of ks) {
      const hosts = [...Array.from({ length: k }, (_, i) => silentAddress(i)), live[0]!]
        .map((h) => `${h}:${port}`)
        .join(',');
      const adapter = await timeAdapter(hosts, ADAPTER_RUNS);
      const official = await timeOfficial(hosts, officialRuns(k));
      const row = {
        setup: `k = ${k}`,
        k,
        official: summarize(official.times),
        adapter: summarize(adapter.times),
        officialNodes: official.nodes,
        adapterNodes: adapter.nodes,
      };
      rows.push(row);
      log(
        `adapter k=${k}: official connect ${row.official.median.toFixed(0)} ms, adapter ${row.adapter.median.toFixed(1)} ms (p95 ${row.adapter.p95.toFixed(1)} ms)`,
      );
    }
    const lbAddress = `${lb.host}:${lb.port}`;
    const adapter = await timeAdapter(lbAddress, ADAPTER_RUNS, lbAddress);
    const official = await timeOfficial(lbAddress, ADAPTER_RUNS, lbAddress);
    const row = {
      setup: 'load balancer',
      official: summarize(official.times),
      adapter: summarize(adapter.times),
      officialNodes: official.nodes,
      adapterNodes: adapter.nodes,
    };
    rows.push(row);
    log(
      `adapter via LB: official ${row.official.median.toFixed(1)} ms (${row.officialNodes}), adapter ${row.adapter.median.toFixed(1)} ms (${row.adapterNodes})`,
    );
  } finally {
    await lb.stop();
    await silence.release();
    await sim.stop();
  }
  return rows;
}
