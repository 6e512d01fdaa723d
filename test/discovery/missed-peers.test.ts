import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { recordEvents, waitFor } from '../helpers/wait.js';
import { simSession } from './sim-session.js';

const session = simSession();

const ids = (c: Cluster): string[] => c.nodes.map((n) => n.nodeId).sort();

describe('a peer that was unreachable while the cluster was (re)seeded', () => {
  it('is retried with backoff and joins once it answers, although no peer list changed (injected clock)', async () => {
    const sim = await session.start({ nodes: 3 });
    const late = sim.nodes[2]!;
    // Refused, but the other nodes still list it: exactly what a blackholed node looks like to a client.
    await late.silentDeath();
    let now = 0;
    const cluster = session.keep(
      new Cluster([session.seed(0)], {
        connectTimeoutMs: 2000,
        requestTimeoutMs: 2000,
        peerRetryInitialDelayMs: 1000,
        peerRetryMaxDelayMs: 8000,
        clock: () => now,
      }),
    );
    await cluster.connect();
    expect(ids(cluster)).toEqual([sim.nodes[0]!.id, sim.nodes[1]!.id].sort());
    now = 1500;
    await cluster.tend(); // retried (due after 1000 ms), still refused: next retry 2000 ms later
    expect(cluster.nodes).toHaveLength(2);
    await late.start();
    now = 3000;
    await cluster.tend(); // not due yet (3500): the backoff holds
    expect(cluster.nodes).toHaveLength(2);
    now = 3600;
    const events = recordEvents(cluster, ['nodeAdded']);
    await cluster.tend();
    expect(ids(cluster)).toEqual(sim.nodes.map((n) => n.id).sort());
    expect(events.map((e) => e.payload.node.nodeId)).toEqual([late.id]);
  });

  it('end to end: a node refused for the first 3 s of a tending Cluster joins afterwards', async () => {
    const sim = await session.start({ nodes: 3 });
    const late = sim.nodes[1]!;
    await late.silentDeath();
    const cluster = session.keep(
      new Cluster([session.seed(0)], {
        connectTimeoutMs: 2000,
        requestTimeoutMs: 2000,
        tendIntervalMs: 100,
        peerRetryInitialDelayMs: 200,
        peerRetryMaxDelayMs: 1000,
      }),
    );
    await cluster.connect();
    cluster.startTending();
    expect(cluster.nodes.map((n) => n.nodeId)).not.toContain(late.id);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(cluster.nodes.map((n) => n.nodeId)).not.toContain(late.id);
    await late.start();
    const c = cluster;
    await waitFor(() => c.nodes.some((n) => n.nodeId === late.id), {
      timeoutMs: 20_000,
      what: `${late.id} in the map`,
    });
    expect(ids(c)).toEqual(sim.nodes.map((n) => n.id).sort());
  });

  it('many tends with a peer that keeps failing add no listeners (no MaxListenersExceededWarning)', async () => {
    const sim = await session.start({ nodes: 3 });
    await sim.nodes[2]!.silentDeath();
    let now = 0;
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const cluster = session.keep(
      new Cluster([session.seed(0)], {
        connectTimeoutMs: 2000,
        requestTimeoutMs: 2000,
        peerRetryInitialDelayMs: 1,
        peerRetryMaxDelayMs: 1,
        clock: () => now,
      }),
    );
    try {
      await cluster.connect();
      for (let i = 0; i < 40; i++) {
        now += 10;
        await cluster.tend();
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    expect(cluster.nodes).toHaveLength(2);
  });
});
