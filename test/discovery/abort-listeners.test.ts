import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { childSignal } from '../../src/discovery/abort-scope.js';
import { simSession } from './sim-session.js';

const session = simSession();

describe('abort listeners', () => {
  it('child signals add one listener to their parent however many are open, and none once released', () => {
    const parent = new AbortController();
    const children = Array.from({ length: 100 }, () => childSignal(parent.signal));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    for (const child of children.slice(0, 50)) child.release();
    parent.abort(new Error('closing'));
    expect(children.slice(50).every((c) => c.signal.aborted)).toBe(true);
    expect(children.slice(0, 50).some((c) => c.signal.aborted)).toBe(false);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    for (const child of children) child.release();
  });

  it('a released child is not aborted with its parent, and a child of an aborted parent starts aborted', () => {
    const parent = new AbortController();
    const released = childSignal(parent.signal);
    released.release();
    parent.abort();
    expect(released.signal.aborted).toBe(false);
    expect(childSignal(parent.signal).signal.aborted).toBe(true);
  });

  it('tending a simulated 64-node cluster for several cycles emits no MaxListenersExceededWarning and grows no listeners', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const sim = await session.start({ nodes: 64 });
      const cluster = session.keep(new Cluster([session.seed(0)], { connectTimeoutMs: 5000, requestTimeoutMs: 5000 }));
      await cluster.connect();
      expect(cluster.nodes).toHaveLength(64);
      const closing = (cluster as unknown as { closing: AbortController }).closing.signal;
      const counts: number[] = [];
      for (let cycle = 0; cycle < 4; cycle++) {
        // A new peers-generation everywhere makes every node's list be read again, all at once.
        for (const node of sim.nodes) node.setInfo('peers-generation', String(1000 + cycle));
        await cluster.tend();
        counts.push(getEventListeners(closing, 'abort').length);
      }
      expect(cluster.nodes).toHaveLength(64);
      expect(Math.max(...counts)).toBeLessThanOrEqual(1);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  }, 60_000);
});
