/** Human-readable rendering of a probe report. */
import type { ProbeReport } from '../discovery/probe/report.js';
import { formatHostPort } from '../net/endpoint.js';

const KIND_TEXT = {
  direct: 'direct node address',
  'load-balancer': 'load balancer',
  alias: "not the node's own address (NAT or alias)",
  unknown: 'node advertises no address (cannot tell)',
} as const;

export function renderProbe(report: ProbeReport): string {
  const lines: string[] = [];
  lines.push('Seeds');
  for (const seed of report.seeds) {
    const resolved = seed.addresses.length > 0 ? seed.addresses.join(', ') : '(none)';
    lines.push(`  ${seed.seed}  resolves to ${resolved}${seed.resolveError ? `  (${seed.resolveError})` : ''}`);
    for (const attempt of seed.attempts) {
      const what =
        attempt.outcome === 'node'
          ? `node ${attempt.nodeId ?? '(same node)'}`
          : attempt.outcome === 'not-tried'
            ? 'not tried'
            : (attempt.error ?? attempt.outcome);
      lines.push(`    ${attempt.address.padEnd(24)} ${what} (${attempt.ms} ms)`);
    }
    if (seed.reached) {
      lines.push(`    answered by node ${seed.nodeId}: ${seed.kind ? KIND_TEXT[seed.kind] : ''}`);
      if (seed.advertised.length > 0) lines.push(`    node advertises ${seed.advertised.join(', ')}`);
      if (seed.redirectedTo) lines.push(`    reconnected to ${seed.redirectedTo}; the seed address is not kept`);
    } else {
      lines.push('    no node reached');
    }
  }
  lines.push('');
  lines.push(
    `Cluster ${report.clusterName ? JSON.stringify(report.clusterName) : '(name unknown)'}: ${report.nodes.length} node(s)`,
  );
  for (const node of report.nodes) {
    const address = formatHostPort({ host: node.address, port: node.port });
    const aliases = node.aliases.length > 0 ? `  also ${node.aliases.join(', ')}` : '';
    lines.push(
      `  ${node.nodeId.padEnd(16)} ${address.padEnd(24)} ${node.reachable ? 'reachable' : 'UNREACHABLE'}  (${node.source})${aliases}`,
    );
  }
  const first = report.timings.firstNodeMs === undefined ? 'none' : `${report.timings.firstNodeMs.toFixed(1)} ms`;
  lines.push('');
  lines.push(`Timings: first node ${first}, complete map ${report.timings.clusterMs.toFixed(1)} ms`);
  if (report.warnings.length > 0) {
    lines.push('');
    lines.push('Findings');
    for (const w of report.warnings) {
      lines.push(`  [${w.severity}] ${w.message}`);
      if (w.fix) lines.push(`    fix: ${w.fix}`);
    }
  }
  lines.push('');
  lines.push(report.ok ? 'OK: the cluster is reachable from here.' : 'PROBLEM: see the errors above.');
  return lines.join('\n');
}
