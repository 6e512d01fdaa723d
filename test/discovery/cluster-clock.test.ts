import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/discovery/cluster.js';
import { formatHostPort } from '../../src/protocol/host.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import { recordEvents, waitFor } from '../helpers/wait.js';

let sim: SimCluster | undefined;
let cluster: Cluster | undefined;

afterEach(async () => {
  await cluster?.close();
  await sim?.stop();
  cluster = undefined;
  sim = undefined;
});

describe('a Cluster on an injected Clock', () => {
  it('tends when the clock says the interval is over, not before, and announces a node that stopped answering once', async () => {
    sim = await startSimCluster({ nodes: 2 });
    const clock = new ManualClock();
    cluster = new Cluster([formatHostPort(sim.nodes[0]!.listenAddresses[0]!)], { clock, tendIntervalMs: 1000, connectTimeoutMs: 2000, requestTimeoutMs: 2000 });
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
