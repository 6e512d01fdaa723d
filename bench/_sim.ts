import { startSimCluster } from '../src/testkit/sim-cluster.js';
import { formatHostPort } from '../src/protocol/host.js';
const sim = await startSimCluster({ nodes: 3 });
console.log(formatHostPort(sim.nodes[0]!.address));
setTimeout(() => void sim.stop().then(() => process.exit(0)), 240_000);
