/**
 * Runs the membership spec fixtures (test/discovery/spec/*.json), the way the MongoDB drivers run the SDAM
 * spec: each case gives a membership state and what the network answered, applies one pure step (or a
 * sequence of them), and checks the next description, removals, validations and events.
 * Fixture format: test/discovery/spec/README.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EMPTY_CLUSTER, withNode, type NodeDescription } from '../../src/discovery/description.js';
import type { ClusterEvent, NodeRemovalReason } from '../../src/discovery/events.js';
import {
  applyPeerLists,
  applyTendResults,
  forgetRemoved,
  notDue,
  relocateNode,
  type MembershipSettings,
  type MembershipState,
  type TendResult,
  type TendState,
} from '../../src/discovery/membership.js';
import { applyExpansion, selectPeers, type PeerSource } from '../../src/discovery/membership-expansion.js';
import { peerSignature, type PeerRetry } from '../../src/discovery/peer-retry.js';
import { createTranslator } from '../../src/discovery/translate.js';
import { formatHostPort, type HostPort } from '../../src/net/endpoint.js';
import { parsePeers, type PeerEntry, type PeersReply } from '../../src/protocol/values/peers.js';

const SPEC_DIR = new URL('./spec/', import.meta.url);

interface NodeSpec {
  nodeId: string;
  address: string;
  aliases?: string[];
  build?: string;
  tlsName?: string;
  /** Tend state; a node without `peers` has no list read yet. */
  failures?: number;
  peers?: string;
}
interface RetrySpec {
  entry: string;
  failures: number;
  dueAt: number;
}
interface StateSpec {
  nodes: NodeSpec[];
  retries?: RetrySpec[];
  reported?: string[];
}
type StepSpec =
  | { step: 'tend'; now?: number; results: Record<string, TendResult>; expect: Expectation }
  | {
      step: 'peers';
      now?: number;
      read: Record<string, string>;
      cached?: string[];
      removals?: Record<string, NodeRemovalReason>;
      expect: Expectation;
    }
  | { step: 'relocate'; now?: number; nodeId: string; address: string; peers: string; expect: Expectation }
  | { step: 'select'; now?: number; sources: string[]; known?: string[]; failed?: string[]; expect: Expectation }
  | {
      step: 'expansion';
      now?: number;
      joined?: { node: NodeSpec }[];
      failed?: string[];
      sources: string[];
      aliasLists?: string[];
      expect: Expectation;
    };
interface Expectation {
  nodes?: (string | Partial<Record<keyof NodeSpec, unknown>>)[];
  removals?: Record<string, NodeRemovalReason>;
  /** Step tend: undefined when the lists need no look. */
  peers?: { read: string[]; cached: string[] } | null;
  relocate?: { nodeId: string; listed: string[] }[];
  known?: string[];
  validate?: string[];
  events?: { type: string; payload?: Record<string, unknown> }[];
  retries?: { nodeId: string; failures: number; dueAt: number }[];
  failures?: Record<string, number>;
  reported?: string[];
}
interface CaseSpec {
  name: string;
  settings?: Partial<{
    maxFailures: number;
    maxPeersPerNode: number;
    retryInitialDelayMs: number;
    retryMaxDelayMs: number;
    translate: { from: string; to: string }[];
  }>;
  state: StateSpec;
  steps: StepSpec[];
}
interface FileSpec {
  rule: string;
  description: string;
  cases: CaseSpec[];
}

/** `10.0.0.1:3000` (the fixtures use IPv4 only, so the last colon splits host and port). */
function hostPort(text: string): HostPort {
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
}

function peersOf(text: string): PeersReply {
  return parsePeers(text, 'peers-clear-std');
}

/** A fixture peer entry: `B1,tlsname,[10.0.0.2:3000]` read through the real parser. */
function entryOf(text: string): PeerEntry {
  const entry = peersOf(`0,3000,[[${text}]]`).peers[0];
  if (!entry) throw new Error(`fixture entry ${text} does not parse to a peer`);
  return entry;
}

function describeNode(spec: NodeSpec): NodeDescription {
  return {
    nodeId: spec.nodeId,
    address: hostPort(spec.address),
    aliases: (spec.aliases ?? []).map(hostPort),
    reachable: true,
    clusterName: undefined,
    build: spec.build ?? '7.1.0.0',
    tlsName: spec.tlsName,
  };
}

function buildState(spec: StateSpec): MembershipState {
  let description = EMPTY_CLUSTER;
  const tend = new Map<string, TendState>();
  for (const node of spec.nodes) {
    description = withNode(description, describeNode(node));
    const peers = node.peers === undefined ? undefined : peersOf(node.peers);
    tend.set(node.nodeId, {
      failures: node.failures ?? 0,
      peersGeneration: peers?.generation,
      partitionGeneration: 1,
      peers,
    });
  }
  const retries = new Map<string, PeerRetry>();
  for (const r of spec.retries ?? []) {
    const entry = entryOf(r.entry);
    retries.set(entry.nodeId, { signature: peerSignature(entry), failures: r.failures, dueAt: r.dueAt });
  }
  return { description, tend, retries, reported: new Set(spec.reported ?? []) };
}

function settingsOf(spec: CaseSpec['settings'] = {}): MembershipSettings {
  return {
    maxFailures: spec.maxFailures ?? 5,
    maxPeersPerNode: spec.maxPeersPerNode ?? 256,
    retryPolicy: { initialDelayMs: spec.retryInitialDelayMs ?? 500, maxDelayMs: spec.retryMaxDelayMs ?? 30_000 },
    translate: createTranslator(spec.translate),
  };
}

/** A source named by node id: the list that node's tend state holds. */
function sourceOf(state: MembershipState, nodeId: string): PeerSource {
  const peers = state.tend.get(nodeId)?.peers;
  if (!peers) throw new Error(`fixture source ${nodeId} has no peer list in the state`);
  return { nodeId, peers };
}

function nodeView(node: NodeDescription): Record<string, unknown> {
  return {
    nodeId: node.nodeId,
    address: formatHostPort(node.address),
    aliases: node.aliases.map(formatHostPort),
    build: node.build,
    tlsName: node.tlsName,
  };
}

function eventView(event: ClusterEvent): { type: string; payload: Record<string, unknown> } {
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event.payload))
    payload[key] = isHostPort(value) ? formatHostPort(value) : value;
  return { type: event.type, payload };
}

function isHostPort(value: unknown): value is HostPort {
  return typeof value === 'object' && value !== null && 'host' in value && 'port' in value;
}

interface StepResult {
  state: MembershipState;
  removals?: ReadonlyMap<string, NodeRemovalReason>;
  peers?: { read: readonly string[]; cached: readonly PeerSource[] } | undefined;
  relocate?: readonly { node: NodeDescription; listed: readonly HostPort[] }[];
  known?: ReadonlySet<string>;
  validate?: readonly string[];
  events?: readonly ClusterEvent[];
}

function runStep(
  state: MembershipState,
  step: StepSpec,
  settings: MembershipSettings,
  removals: ReadonlyMap<string, NodeRemovalReason>,
): StepResult {
  const now = step.now ?? 0;
  switch (step.step) {
    case 'tend': {
      const result = applyTendResults(state, new Map(Object.entries(step.results)), settings, now);
      return { ...result };
    }
    case 'peers': {
      const read = Object.entries(step.read).map(([nodeId, text]) => ({ nodeId, peers: peersOf(text) }));
      const cached = (step.cached ?? []).map((id) => sourceOf(state, id));
      const given = step.removals ? new Map(Object.entries(step.removals)) : removals;
      return { ...applyPeerLists(state, given, { read, cached }, settings) };
    }
    case 'relocate': {
      const node = state.description.nodes.get(step.nodeId);
      if (!node) throw new Error(`fixture relocates unknown node ${step.nodeId}`);
      return { state: relocateNode(state, node, hostPort(step.address), peersOf(step.peers), 1) };
    }
    case 'select': {
      const known = new Set(step.known ?? state.description.nodes.keys());
      const selection = selectPeers(
        step.sources.map((id) => sourceOf(state, id)),
        known,
        new Set(step.failed ?? []),
        { cap: settings.maxPeersPerNode, limit: 4096, skip: notDue(state.retries, now) },
      );
      const events: ClusterEvent[] = [
        ...selection.oversized.map((o): ClusterEvent => ({
          type: 'peerListTruncated',
          payload: { nodeId: o.reporter, listed: o.listed, accepted: o.accepted },
        })),
        ...selection.rejected.map((r): ClusterEvent => ({
          type: 'peerEntriesRejected',
          payload: { nodeId: r.reporter, count: r.count, examples: r.examples },
        })),
      ];
      return { state, validate: [...selection.wanted.keys()], events };
    }
    case 'expansion': {
      const joined = (step.joined ?? []).map(({ node }) => ({
        node: describeNode(node),
        peers: peersOf(node.peers ?? '1,3000,[]'),
        partitionGeneration: 1,
      }));
      const afterJoin = joined.reduce(
        (s, j) => ({
          ...s,
          tend: new Map(s.tend).set(j.node.nodeId, {
            failures: 0,
            peersGeneration: j.peers.generation,
            partitionGeneration: 1,
            peers: j.peers,
          }),
        }),
        state,
      );
      const sources = step.sources.map((id) => sourceOf(afterJoin, id));
      const selection = selectPeers(sources, new Set(), new Set(), { cap: settings.maxPeersPerNode, limit: 4096 });
      const result = applyExpansion(
        state,
        {
          joined,
          failed: (step.failed ?? []).map(entryOf),
          sources,
          aliasLists: (step.aliasLists ?? step.sources).map((id) => sourceOf(afterJoin, id).peers),
          oversized: selection.oversized,
          rejected: selection.rejected,
        },
        settings,
        now,
      );
      return { ...result };
    }
  }
}

function check(result: StepResult, expected: Expectation): void {
  const state = result.state;
  if (expected.nodes) {
    const actual = [...state.description.nodes.values()].map(nodeView);
    expect(
      actual.map((n) => n['nodeId']),
      'node ids',
    ).toEqual(expected.nodes.map((n) => (typeof n === 'string' ? n : n.nodeId)));
    expected.nodes.forEach((n, i) => {
      if (typeof n !== 'string') expect(actual[i], `node ${String(n.nodeId)}`).toMatchObject(n);
    });
  }
  if (expected.removals) expect(Object.fromEntries(result.removals ?? []), 'removals').toEqual(expected.removals);
  if (expected.peers !== undefined) {
    const peers = result.peers && { read: [...result.peers.read], cached: result.peers.cached.map((s) => s.nodeId) };
    expect(peers ?? null, 'peer lists to look at').toEqual(expected.peers);
  }
  if (expected.relocate) {
    const relocate = (result.relocate ?? []).map((r) => ({
      nodeId: r.node.nodeId,
      listed: r.listed.map(formatHostPort),
    }));
    expect(relocate, 'nodes to re-validate elsewhere').toEqual(expected.relocate);
  }
  if (expected.known) expect([...(result.known ?? [])].sort(), 'known').toEqual([...expected.known].sort());
  if (expected.validate) expect(result.validate, 'peers to validate').toEqual(expected.validate);
  if (expected.events) {
    const events = (result.events ?? []).map(eventView);
    expect(
      events.map((e) => e.type),
      'event types',
    ).toEqual(expected.events.map((e) => e.type));
    expected.events.forEach((e, i) => expect(events[i]!.payload, `event ${e.type}`).toMatchObject(e.payload ?? {}));
  }
  if (expected.retries) {
    const retries = [...state.retries].map(([nodeId, r]) => ({ nodeId, failures: r.failures, dueAt: r.dueAt }));
    expect(retries, 'peer retries').toEqual(expected.retries);
  }
  if (expected.failures) {
    for (const [nodeId, failures] of Object.entries(expected.failures))
      expect(state.tend.get(nodeId)?.failures, `failures of ${nodeId}`).toBe(failures);
  }
  if (expected.reported) expect([...state.reported].sort(), 'reported').toEqual([...expected.reported].sort());
}

const files = readdirSync(SPEC_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('membership spec fixtures', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const spec = JSON.parse(readFileSync(new URL(file, SPEC_DIR), 'utf8')) as FileSpec;
    describe(`${file}: ${spec.rule}`, () => {
      for (const testCase of spec.cases) {
        it(testCase.name, () => {
          const settings = settingsOf(testCase.settings);
          let state = buildState(testCase.state);
          let removals: ReadonlyMap<string, NodeRemovalReason> = new Map();
          testCase.steps.forEach((step, index) => {
            const result = runStep(state, step, settings, removals);
            try {
              check(result, step.expect);
            } catch (error) {
              throw new Error(`step ${index + 1} (${step.step}): ${(error as Error).message}`, { cause: error });
            }
            removals = result.removals ?? removals;
            // As the Cluster does on commit: nodes that left take their tend state and reports with them.
            state = forgetRemoved(result.state);
          });
        });
      }
    });
  }
});
