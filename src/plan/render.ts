/** The dry-run text `seedkeeper plan` prints: what would be added, removed and kept, the changes, and why. */
import { isIPv4 } from 'node:net';
import { canonicalName } from '../records/canonical.js';
import type { RecordChange, RecordSet } from '../records/types.js';
import type { Plan } from './types.js';

const FAMILIES = ['A', 'AAAA'] as const;

export function renderPlan(plan: Plan, name: string): string {
  const lines: string[] = [`Plan for ${canonicalName(name)} (dry run: nothing is applied)`];
  if (plan.refused) lines.push('REFUSED: the record is not owned by this registrar; nothing would change.');

  lines.push('', plan.refused ? 'Record as it is:' : 'Record after this reconcile:');
  const added = new Set(plan.added);
  const deferred = new Set(plan.deferred ?? []);
  const width = Math.max(15, ...[...plan.published.A, ...plan.published.AAAA, ...plan.removed].map((a) => a.length));
  for (const family of FAMILIES) {
    const removed = plan.removed.filter((a) => (family === 'A') === isIPv4(a));
    const rows = [...new Set([...plan.published[family], ...removed])].sort();
    if (rows.length === 0) {
      lines.push(`  ${family.padEnd(4)}  (none)`);
      continue;
    }
    for (const address of rows) {
      const [sign, what] = added.has(address)
        ? ['+', 'add']
        : removed.includes(address)
          ? ['-', 'remove']
          : deferred.has(address)
            ? ['=', 'keep (removal deferred)']
            : ['=', 'keep'];
      lines.push(`  ${family.padEnd(4)}  ${sign} ${address.padEnd(width)}  ${what}`);
    }
  }

  lines.push('');
  if (plan.changes.length === 0) {
    lines.push('Changes: none');
  } else {
    lines.push(`Changes (${plan.changes.length}, applied as one batch with compare-and-swap):`);
    for (const change of plan.changes) lines.push(`  ${describeChange(change)}`);
  }

  if (plan.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const note of plan.notes) lines.push(`  [${note.code}] ${note.message}`);
  }
  return `${lines.join('\n')}\n`;
}

export function describeChange(change: RecordChange): string {
  switch (change.kind) {
    case 'create':
      return `create ${head(change.set)} ttl ${change.set.ttl}: ${values(change.set)}`;
    case 'delete':
      return `delete ${head(change.set)} ttl ${change.set.ttl}: ${values(change.set)}`;
    case 'update': {
      const ttl =
        change.before.ttl === change.after.ttl
          ? `ttl ${change.after.ttl}`
          : `ttl ${change.before.ttl} -> ${change.after.ttl}`;
      const body =
        values(change.before) === values(change.after)
          ? values(change.after)
          : `${values(change.before)} -> ${values(change.after)}`;
      return `update ${head(change.after)} ${ttl}: ${body}`;
    }
  }
}

function head(set: RecordSet): string {
  return `${set.type.padEnd(4)} ${set.name}`;
}

function values(set: RecordSet): string {
  return set.type === 'TXT' ? set.values.map((v) => JSON.stringify(v)).join(' ') : set.values.join(', ');
}
