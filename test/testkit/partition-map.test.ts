import { describe, expect, it } from 'vitest';
import { ownsPartition, PARTITION_COUNT } from '../../src/protocol/values/index.js';
import { changedPartitions, computeNamespaceOwnership, replicasByNode } from '../../src/testkit/partition-map.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `A${i + 1}`);

describe('partition map', () => {
  for (let nodes = 1; nodes <= 8; nodes++) {
    for (let rf = 1; rf <= 3; rf++) {
      it(`${nodes} node(s), RF ${rf}: one master per partition, replicas on distinct nodes`, () => {
        const o = computeNamespaceOwnership(ids(nodes), { name: 'test', replicationFactor: rf });
        const effective = Math.min(rf, nodes);
        expect(o.replicationFactor).toBe(effective);
        expect(o.owners).toHaveLength(PARTITION_COUNT);
        const bad = o.owners.filter((owners) => owners.length !== effective || new Set(owners).size !== effective);
        expect(bad).toEqual([]);
        // The bitmaps say the same: exactly one node sets each (partition, column) bit.
        const byNode = [...replicasByNode(o).values()];
        const wrongBits: string[] = [];
        for (let column = 0; column < effective; column++) {
          for (let p = 0; p < PARTITION_COUNT; p++) {
            const holders = byNode.filter((r) => ownsPartition(r.columns[column]!, p)).length;
            if (holders !== 1) wrongBits.push(`p${p}c${column}:${holders}`);
          }
        }
        expect(wrongBits).toEqual([]);
        for (const r of byNode) expect(r.columns).toHaveLength(effective);
      });
    }
  }

  it('is deterministic and independent of the order of node ids', () => {
    const a = computeNamespaceOwnership(['C3', 'A1', 'B2'], { name: 'test', replicationFactor: 2 });
    const b = computeNamespaceOwnership(['A1', 'B2', 'C3'], { name: 'test', replicationFactor: 2 });
    expect(a.owners).toEqual(b.owners);
  });

  it('spreads masters roughly evenly', () => {
    const o = computeNamespaceOwnership(ids(4), { name: 'test', replicationFactor: 2 });
    const counts = new Map<string, number>();
    for (const owners of o.owners) counts.set(owners[0]!, (counts.get(owners[0]!) ?? 0) + 1);
    for (const count of counts.values()) expect(count).toBeGreaterThan(PARTITION_COUNT / 4 / 1.5);
  });

  it('removing a node changes only the partitions it held', () => {
    for (let nodes = 2; nodes <= 8; nodes++) {
      for (let rf = 1; rf <= 3; rf++) {
        const before = computeNamespaceOwnership(ids(nodes), { name: 'test', replicationFactor: rf });
        const gone = `A${nodes}`;
        const after = computeNamespaceOwnership(ids(nodes).slice(0, -1), { name: 'test', replicationFactor: rf });
        const wrong: number[] = [];
        for (let p = 0; p < PARTITION_COUNT; p++) {
          const was = before.owners[p]!;
          const is = after.owners[p]!;
          // Untouched partitions keep their exact list (cut to the new RF); where the departed node was,
          // the survivors keep their relative order and the free slot is filled from behind.
          const expected = was.includes(gone) ? was.filter((id) => id !== gone) : was;
          if (is.slice(0, expected.length).join() !== expected.slice(0, is.length).join()) wrong.push(p);
        }
        expect(wrong, `${nodes} nodes RF ${rf}`).toEqual([]);
      }
    }
  });

  it('counts the partitions whose role changed for a node', () => {
    const before = computeNamespaceOwnership(ids(3), { name: 'test', replicationFactor: 2 });
    const after = computeNamespaceOwnership(ids(2), { name: 'test', replicationFactor: 2 });
    expect(changedPartitions(before, before, 'A1')).toBe(0);
    const moved = changedPartitions(before, after, 'A1');
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(PARTITION_COUNT);
    expect(changedPartitions(undefined, before, 'A1')).toBe(before.owners.filter((o) => o.includes('A1')).length);
  });

  it('refuses a replication factor below 1', () => {
    expect(() => computeNamespaceOwnership(ids(2), { name: 'test', replicationFactor: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
