/** The chaos run as markdown: what was done, what was checked, what went wrong and when, how fast it healed. */
import type { ChaosResult } from './run.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function chaosReport(r: ChaosResult): string {
  const applied = r.faults.filter((f) => f.appliedAt !== undefined);
  const byKind = new Map<string, number>();
  for (const f of applied) byKind.set(f.planned.kind, (byKind.get(f.planned.kind) ?? 0) + 1);
  const converged = applied
    .map((f) => f.convergedMs)
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  const t = r.options.timing;
  const lines = [
    `# Chaos run, seed ${r.seed}`,
    '',
    `${iso(r.startedAt)} to ${iso(r.endedAt)} (${Math.round((r.endedAt - r.startedAt) / 1000)} s). Replay: \`npm run chaos -- --minutes ${+(r.options.durationMs / 60_000).toFixed(2)} --seed ${r.seed} --nodes ${r.options.nodes} --replicas ${r.options.replicas}\`.`,
    '',
    `World: real BIND 9 (TSIG, RFC 2136), ${r.options.replicas} registrar process(es), ${r.options.nodes} simulated nodes on 127.0.0.x. Health every ${t.healthIntervalMs} ms, X = ${t.unhealthyAfterMs} ms, ` +
      `healthy after ${t.healthyAfter} passes, reconcile every ${t.reconcileIntervalMs} ms; convergence bound ${r.options.boundMs} ms.`,
    '',
    '## Result',
    '',
    `| | |`,
    `|---|---|`,
    `| violations | **${r.violations.length}** |`,
    `| faults applied | ${applied.length} of ${r.faults.length} planned (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}) |`,
    `| invariant checks (answers judged) | ${r.counts.checks} |`,
    `| queries without an answer (server down, timeout) | ${r.counts.noAnswer} |`,
    `| ticks skipped (8 queries in flight) | ${r.counts.skipped} |`,
    `| initial convergence | ${r.initialConvergenceMs} ms |`,
    `| convergence after undo: median / p95 / max | ${quantile(converged, 0.5) ?? '-'} / ${quantile(converged, 0.95) ?? '-'} / ${converged.at(-1) ?? '-'} ms |`,
    `| updates BIND applied, judged against the lease (record writes / lease writes) | ${r.fencing ? `${r.fencing.updates} (${r.fencing.recordWrites} / ${r.fencing.leaseWrites}); ${r.fencing.leaseRefusals ?? 0} refused by the lease prerequisite` : 'not checked (one registrar)'} |`,
    `| final convergence | ${r.finalConvergedMs ?? 'not reached'} ms |`,
    `| registrar exits without a fault | ${r.unexpectedExits.length} |`,
    '',
    '## Violations',
    '',
    ...(r.violations.length === 0
      ? ['None.']
      : [
          '| time | +ms | kind | detail |',
          '|---|---|---|---|',
          ...r.violations
            .slice(0, 200)
            .map((v) => `| ${iso(v.at)} | ${v.at - r.startedAt} | ${v.kind} | ${v.detail} |`),
        ]),
    ...(r.violations.length > 200 ? ['', `… ${r.violations.length - 200} more.`] : []),
    '',
    '## Faults',
    '',
    '| # | applied (+ms) | fault | target | held ms | converged ms |',
    '|---|---|---|---|---|---|',
    ...r.faults.map(
      (f) =>
        `| ${f.planned.index} | ${f.appliedAt === undefined ? '-' : f.appliedAt - r.startedAt} | ${f.planned.kind} | ${f.target ?? (f.error ? `error: ${f.error}` : 'skipped (no eligible target)')} | ${f.planned.holdMs} | ${f.convergedMs ?? '-'} |`,
    ),
    '',
  ];
  if (r.unexpectedExits.length > 0) {
    lines.push('## Registrar exits without a fault', '');
    for (const e of r.unexpectedExits) lines.push(`- ${iso(e.at)} ${e.id}:`, '', '```', e.log.slice(-1500), '```', '');
  }
  return lines.join('\n');
}
