import { describe, expect, it } from 'vitest';
import {
  diffClusters,
  EMPTY_CLUSTER,
  withAlias,
  withNode,
  withoutNode,
  type NodeDescription,
} from '../../src/discovery/description.js';

const node = (id: string, port: number): NodeDescription => ({
  nodeId: id,
  address: { host: '127.0.0.1', port },
  aliases: [],
  reachable: true,
  clusterName: 'c',
  build: '8.0.0.0',
  tlsName: undefined,
});

describe('cluster descriptions', () => {
  it('returns the same instance when nothing changed', () => {
    const one = withNode(EMPTY_CLUSTER, node('A1', 3101));
    expect(withNode(one, node('A1', 3101))).toBe(one);
    expect(withoutNode(one, 'ZZ')).toBe(one);
    expect(diffClusters(one, one)).toEqual([]);
  });

  it('diffs additions, removals and address changes', () => {
    const before = withNode(withNode(EMPTY_CLUSTER, node('A1', 3101)), node('A2', 3102));
    const after = withNode(withoutNode(before, 'A1'), node('A2', 3202));
    const withThird = withNode(after, node('A3', 3103));
    const changes = diffClusters(before, withThird);
    expect(changes.map((c) => c.type)).toEqual(['nodeRemoved', 'nodeAddressChanged', 'nodeAdded']);
    const moved = changes[1];
    expect(moved?.type === 'nodeAddressChanged' && moved.current.port).toBe(3202);
  });

  it('keys nodes by id: the same id at another address is one node', () => {
    const cluster = withNode(withNode(EMPTY_CLUSTER, node('A1', 3101)), node('A1', 3301));
    expect(cluster.nodes.size).toBe(1);
  });

  it('records aliases once and never the address itself', () => {
    const n = node('A1', 3101);
    expect(withAlias(n, { host: '127.0.0.1', port: 3101 })).toBe(n);
    expect(withAlias(n, { host: '::ffff:127.0.0.1', port: 3101 })).toBe(n);
    const aliased = withAlias(n, { host: '127.0.0.1', port: 3301 });
    expect(aliased.aliases).toEqual([{ host: '127.0.0.1', port: 3301 }]);
    expect(withAlias(aliased, { host: '127.0.0.1', port: 3301 })).toBe(aliased);
  });

  it('freezes what it stores', () => {
    const cluster = withNode(EMPTY_CLUSTER, node('A1', 3101));
    expect(Object.isFrozen(cluster)).toBe(true);
    expect(Object.isFrozen(cluster.nodes.get('A1'))).toBe(true);
  });
});
