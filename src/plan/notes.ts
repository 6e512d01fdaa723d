/** The notes a plan carries: one readable sentence per guard that shaped it (logged, shown by `plan`). */
import type { FamilyCap } from './limits.js';
import type { Family } from './ownership.js';
import type { Member } from './select.js';
import type { PlanNote } from './types.js';

/** One address the plan would remove: gone from the desired set, or shed by the size cap. */
export interface Due {
  readonly family: Family;
  readonly address: string;
  readonly reason: 'gone' | 'over-cap';
}

/** One family's target before the removal cap. */
export interface FamilyPlan {
  readonly family: Family;
  /** Canonical values read from the provider. */
  readonly current: readonly string[];
  /** Desired members of this family (canonical, deduplicated). */
  readonly desired: readonly Member[];
  /** Nothing desired while values exist: the family is kept as it is. */
  readonly failOpen: boolean;
  /** Addresses this family should publish (after the size cap). */
  readonly target: readonly string[];
  /** Current addresses that stay in the target. */
  readonly kept: readonly string[];
  readonly additions: readonly string[];
  readonly due: readonly Due[];
}

const LIST_LIMIT = 8;

/** `a, b, c` — long lists end in `… (+N more)`. */
export function listText(values: readonly string[]): string {
  if (values.length === 0) return '(none)';
  const shown = values.slice(0, LIST_LIMIT).join(', ');
  return values.length > LIST_LIMIT ? `${shown}, … (+${values.length - LIST_LIMIT} more)` : shown;
}

export function count(n: number, noun: string): string {
  if (n === 1) return `1 ${noun}`;
  return `${n} ${noun}${noun.endsWith('s') ? 'es' : 's'}`;
}

function familyLabel(family: Family): string {
  return family === 'A' ? 'IPv4' : 'IPv6';
}

export function failOpenNote(failing: readonly FamilyPlan[], healthy: number, candidates: number): PlanNote {
  const what =
    healthy === 0 ? 'no healthy member' : `no healthy ${failing.map((f) => familyLabel(f.family)).join(' or ')} member`;
  const kept = failing
    .map((f) => `${f.family} set (${count(f.current.length, 'address')}: ${listText(f.current)})`)
    .join(' and the ');
  return {
    code: 'fail-open',
    message: `${what} (${healthy} of ${candidates} candidates healthy): kept the last known good ${kept} as it is instead of publishing an empty set`,
  };
}

export function sizeCappedNote(plan: FamilyPlan, cap: number): PlanNote {
  const racks = [...new Set(plan.desired.filter((m) => plan.target.includes(m.address)).map((m) => m.rack))]
    .filter((r) => r !== '')
    .sort();
  const spread = racks.length > 0 ? `, spread across racks ${racks.join(', ')}` : '';
  return {
    code: 'size-capped',
    message:
      `${plan.family}: publishing ${plan.target.length} of ${plan.desired.length} healthy ${familyLabel(plan.family)} addresses (maxRecordSize ${cap}); ` +
      `kept ${plan.kept.length} already published, then preferred the longest-lived${spread}`,
  };
}

export function providerLimitNote(plan: FamilyPlan, cap: FamilyCap): PlanNote {
  const waiting = plan.target.length - plan.kept.length - plan.additions.length;
  const later = waiting > 0 ? `; ${waiting} more wait for room as removals proceed` : '';
  return {
    code: 'provider-limit',
    message:
      `${plan.family}: ${plan.desired.length} healthy ${familyLabel(plan.family)} addresses are more than ${cap.why} allows: publishing a stable subset of ${cap.cap} ` +
      `(kept ${plan.kept.length} already published, then the longest-lived, spread across racks)${later}; set plan.maxRecordSize to choose a smaller seed list`,
  };
}

export function removalsCappedNote(now: readonly Due[], deferred: readonly Due[], cap: number): PlanNote {
  const total = now.length + deferred.length;
  const removing =
    now.length > 0
      ? `removing ${now.length} of ${total} addresses due (${listText(now.map((d) => d.address))})`
      : `removing none of ${total} addresses due`;
  return {
    code: 'removals-capped',
    message: `${removing}, at most ${cap} per cycle (maxRemovalsPerCycle); ${deferred.length} ${deferred.length === 1 ? 'remains' : 'remain'} for later cycles: ${listText(deferred.map((d) => d.address))}`,
  };
}

export function upsertOnlyNote(due: readonly Due[]): PlanNote {
  return {
    code: 'upsert-only',
    message: `upsert-only: kept ${count(due.length, 'address')} that sync would remove: ${listText(due.map((d) => d.address))}`,
  };
}

export function inSyncNote(
  name: string,
  after: { readonly A: readonly string[]; readonly AAAA: readonly string[] },
  ttl: number,
  healthy: number,
  candidates: number,
): PlanNote {
  if (after.A.length === 0 && after.AAAA.length === 0) {
    return {
      code: 'in-sync',
      message: `nothing to publish (${healthy} of ${candidates} candidates healthy) and no record exists at ${name}: none is created, an empty record is never published`,
    };
  }
  const held = (['A', 'AAAA'] as const)
    .filter((f) => after[f].length > 0)
    .map((f) => `${f} ${listText(after[f])}`)
    .join('; ');
  return { code: 'in-sync', message: `${name} already holds what it should (${held}; ttl ${ttl}): nothing to change` };
}
