import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import { recordEvents, waitFor } from '../helpers/wait.js';
import { simSession } from './sim-session.js';

const session = simSession();

describe('a Cluster on an injected Clock', () => {
  it('tends when the clock says the interval is over, not before, and announces a node that stopped answering once', async () => {
    const sim = await session.start({ nodes: 2 });
    const clock = new ManualClock();
    const cluster = session.keep(
      new Cluster([session.seed(0)], { clock, tendIntervalMs: 1000, connectTimeoutMs: 2000, requestTimeoutMs: 2000 }),
    );
    await cluster.connect();
    const events = recordEvents(cluster, ['nodeUnreachable', 'nodeReachable']);
    cluster.startTending();
    await sim.nodes[1]!.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual([]); // no tend yet: the clock has not moved
    await clock.advance(1000);
    await waitFor(() => events.length > 0, { what: 'nodeUnreachable' });
    expect(events[0]).toMatchObject({ name: 'nodeUnreachable', payload: { nodeId: sim.nodes[1]!.id } });
  });
});
