/** Render the adapter and start-up benchmark results as sections of docs/BENCHMARKS.md. */
import type { AdapterRow } from './adapter.js';
import type { StartupResult } from './startup.js';
import { ms } from './stats.js';

export function adapterSection(rows: readonly AdapterRow[]): string {
  const table = rows.map((r) => {
    const cut = r.official.median / r.adapter.median;
    return `| ${r.setup} | ${ms(r.official.median)} (${ms(r.official.p95)}, ${r.official.runs}) | ${ms(r.adapter.median)} (${ms(r.adapter.p95)}, ${r.adapter.runs}) | ${cut >= 10 ? Math.round(cut).toLocaleString('en-US') : cut.toFixed(1)}× | ${r.officialNodes} | ${r.adapterNodes} |`;
  });
  return `## Official client alone and through seedkeeper/aerospike

A simulated 3-node cluster on 127.0.0.1-3, one port. The official \`aerospike\` client's \`connect()\` alone, and
the same client through \`seedkeeper/aerospike\`'s \`connect()\` (discovery races the seeds, then the client is
connected to the validated direct node addresses), each in a fresh process of its own, timed in that process
from the call to its return. Seeds: k silent (SYN-dropped) addresses ahead of the live node 127.0.0.1 (both
get the same hosts list, connect timeout 1 s), or a loopback HAProxy in front of the three nodes as the only
seed. "Ended with": the client's \`getNodes()\` once it had tended (the load balancer's address counts as a
node when the client kept it).

| seeds | official alone: connect() median (p95, runs) | through the adapter: median (p95, runs) | cut | official alone ended with | through the adapter ended with |
|---|---:|---:|---:|---|---|
${table.join('\n')}

- With every seed alive (k = 0) the adapter costs its own discovery on top of the client's \`connect()\` to the
  direct addresses; each silent seed costs the official client alone its connect timeout, the adapter nothing.
- Through the load balancer, the official client alone keeps the balancer's address as one of its nodes
  (commands for that node go through the balancer to whichever node it picks); through the adapter it holds the
  nodes' own addresses only.
`;
}

export function startupSection(r: StartupResult): string {
  const helpRatio = r.help.median / r.bareNode.median;
  const coldRatio = r.seedkeeperFirstNode.median / r.officialConnect.median;
  const ours = r.seedkeeperImport.median + r.seedkeeperFirstNode.median;
  const theirs = r.officialImport.median + r.officialConnect.median;
  return `## Start-up

Whole processes, ${r.runs} runs each, median (p95): \`seedkeeper --help\` (\`node bin/seedkeeper.js --help\`) next
to a bare \`node -e ''\`, from spawn to exit. Then a fresh Node process per run that imports the built client side
(\`import { discover } from 'seedkeeper/discovery'\`, dist/) and makes its first \`discover()\` of a live 3-node cluster from
one seed (k = 0), next to a fresh process that requires the official client and makes its first \`connect()\`
(runs interleaved), and a third that imports the whole library (\`seedkeeper\`). Each child times its own import
and call.

| | median | p95 |
|---|---:|---:|
| bare \`node -e ''\` | ${ms(r.bareNode.median)} | ${ms(r.bareNode.p95)} |
| \`seedkeeper --help\` | ${ms(r.help.median)} | ${ms(r.help.p95)} |
| seedkeeper: import of \`seedkeeper/discovery\` | ${ms(r.seedkeeperImport.median)} | ${ms(r.seedkeeperImport.p95)} |
| seedkeeper: import of the whole library (\`seedkeeper\`) | ${ms(r.libraryImport.median)} | ${ms(r.libraryImport.p95)} |
| seedkeeper: cold \`discover()\` → first node | ${ms(r.seedkeeperFirstNode.median)} | ${ms(r.seedkeeperFirstNode.p95)} |
| seedkeeper: cold \`discover()\` → complete map, returned | ${ms(r.seedkeeperDiscover.median)} | ${ms(r.seedkeeperDiscover.p95)} |
| official client: \`require('aerospike')\` | ${ms(r.officialImport.median)} | ${ms(r.officialImport.p95)} |
| official client: cold \`connect()\` | ${ms(r.officialConnect.median)} | ${ms(r.officialConnect.p95)} |

- \`seedkeeper --help\` vs bare node: **${helpRatio.toFixed(2)}×** (goal: within 2×) ${helpRatio <= 2 ? '✓' : '✗'}.
- Cold first node vs the official client's cold \`connect()\`: **${coldRatio.toFixed(2)}×** (goal: no slower, ≤ 1×) ${coldRatio <= 1 ? '✓' : '✗'}.
- Import and first node together, medians added: seedkeeper/discovery ${ms(ours)}, the official client (require and
  connect) ${ms(theirs)}.
`;
}
