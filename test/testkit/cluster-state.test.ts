import { describe, expect, it } from 'vitest';
import { nextClusterState, type MemberSpec } from '../../src/testkit/cluster-state.js';
import { ownsPartition, PARTITION_COUNT } from '../../src/protocol/values/index.js';

const NS = [{ name: 'test', replicationFactor: 2 }];
const member = (id: string, port: number, extra: Partial<MemberSpec> = {}): MemberSpec => ({
  nodeId: id,
  clusterName: 'sim',
  access: [{ host: '127.0.0.1', port }],
  alternate: [],
  member: true,
  ...extra,
});
const three = [member('A1', 3101), member('A2', 3102), member('A3', 3103)];

describe('cluster state', () => {
  it('lists every other member as a peer, sorted, and starts generations at 1', () => {
    const s = nextClusterState(undefined, three, NS);
    const a2 = s.views.get('A2')!;
    expect(a2.peers.map((p) => p.nodeId)).toEqual(['A1', 'A3']);
    expect(a2.peers[0]!.access).toEqual([{ host: '127.0.0.1', port: 3101 }]);
    expect([a2.peersGeneration, a2.partitionGeneration, a2.rebalanceGeneration]).toEqual([1, 1, 1]);
    expect(a2.members).toEqual(['A1', 'A2', 'A3']);
  });

  it('every partition has exactly one master across the members', () => {
    const s = nextClusterState(undefined, three, NS);
    const masters = [...s.views.values()].map((v) => v.replicas[0]!.columns[0]!);
    for (let p = 0; p < PARTITION_COUNT; p += 1) {
      if (masters.filter((m) => ownsPartition(m, p)).length !== 1) throw new Error(`partition ${p}`);
    }
  });

  it('returns the same state when nothing changed', () => {
    const s = nextClusterState(undefined, three, NS);
    expect(nextClusterState(s, three, NS)).toBe(s);
  });

  it('a node leaving bumps peers-generation by 1 and partition-generation by the moved partitions', () => {
    const s1 = nextClusterState(undefined, three, NS);
    const s2 = nextClusterState(s1, [three[0]!, three[1]!, { ...three[2]!, member: false }], NS);
    for (const id of ['A1', 'A2']) {
      const before = s1.views.get(id)!;
      const after = s2.views.get(id)!;
      expect(after.peersGeneration).toBe(before.peersGeneration + 1);
      expect(after.partitionGeneration).toBeGreaterThan(before.partitionGeneration + 1);
      expect(after.rebalanceGeneration).toBe(before.rebalanceGeneration + 1);
      expect(after.peers.map((p) => p.nodeId)).toEqual([id === 'A1' ? 'A2' : 'A1']);
    }
    // The departed node keeps its generations but no peers.
    expect(s2.views.get('A3')!.peersGeneration).toBe(s1.views.get('A3')!.peersGeneration);
    expect(s2.views.get('A3')!.peers).toEqual([]);
    // Rejoining bumps again, on every node.
    const s3 = nextClusterState(s2, three, NS);
    for (const id of ['A1', 'A2', 'A3']) {
      expect(s3.views.get(id)!.peersGeneration).toBe(s2.views.get(id)!.peersGeneration + 1);
    }
  });

  it('an address change bumps only the peers-generation of the nodes that list it', () => {
    const s1 = nextClusterState(undefined, three, NS);
    const s2 = nextClusterState(s1, [three[0]!, three[1]!, member('A3', 4103)], NS);
    expect(s2.views.get('A1')!.peersGeneration).toBe(2);
    expect(s2.views.get('A1')!.partitionGeneration).toBe(1);
    expect(s2.views.get('A3')!.peersGeneration).toBe(1);
    expect(s2.views.get('A3')).toBe(s1.views.get('A3'));
  });

  it('a node with another cluster name forms its own cluster', () => {
    const s1 = nextClusterState(undefined, three, NS);
    const s2 = nextClusterState(s1, [three[0]!, three[1]!, { ...three[2]!, clusterName: 'other' }], NS);
    expect(s2.views.get('A1')!.peers.map((p) => p.nodeId)).toEqual(['A2']);
    const a3 = s2.views.get('A3')!;
    expect(a3.clusterName).toBe('other');
    expect(a3.peers).toEqual([]);
    expect(a3.members).toEqual(['A3']);
    expect(a3.peersGeneration).toBe(2);
    // Alone, it masters every partition with one column.
    expect(a3.replicas[0]!.columns).toHaveLength(1);
    expect(a3.replicas[0]!.columns[0]!.every((b) => b === 0xff)).toBe(true);
  });
});
