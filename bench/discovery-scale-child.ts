/**
 * Child of bench/discovery-scale.ts: a simulated cluster of N nodes in a process of its own (so answering
 * info requests is not billed to the discovering process). Prints `seed=host:port` once listening; exits on
 * SIGTERM/SIGINT, or after 10 minutes. argv[2]: the node count.
 */
import { formatHostPort } from '../src/net/endpoint.js';
import { startSimCluster } from '../src/testkit/sim-cluster.js';

const MAX_LIFETIME_MS = 10 * 60_000;
const nodes = Number(process.argv[2]);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 1024)
  throw new RangeError('node count must be an integer 1..1024');
const sim = await startSimCluster({ nodes });
process.stdout.write(`seed=${formatHostPort(sim.nodes[0]!.listenAddresses[0]!)}\n`);
const stop = (): void => void sim.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
setTimeout(stop, MAX_LIFETIME_MS).unref();
