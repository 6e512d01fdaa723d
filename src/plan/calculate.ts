/**
 * The reconcile plan: a pure, deterministic function from (current records, desired members, policy) to the
 * changes one reconcile makes. No clock, no I/O. Guards, in order: ownership (refuse records we did not
 * create), fail open (never empty a family that has values), size cap (stable subset), removal cap and
 * upsert-only (bound what one cycle removes).
 */
import { isIPv4 } from 'node:net';
import { ConfigError, InvalidArgumentError } from '../errors.js';
import { canonicalIp } from '../net/ip.js';
import type { RecordChange, RecordSet } from '../records/types.js';
import { formatMarker, validateOwnerId } from '../records/marker.js';
import { familyCap, type FamilyCap } from './limits.js';
import {
  failOpenNote,
  inSyncNote,
  providerLimitNote,
  removalsCappedNote,
  sizeCappedNote,
  upsertOnlyNote,
  type Due,
  type FamilyPlan,
} from './notes.js';
import { FAMILIES, checkOwnership, readCurrent, type CurrentView, type Family } from './ownership.js';
import { compare, selectCapped, type Member } from './select.js';
import type { CappedFamily, DesiredMember, Plan, PlanInput, PlanNote, PlanPolicy } from './types.js';

type PerFamily<T> = { readonly A: T; readonly AAAA: T };

export function calculatePlan(input: PlanInput): Plan {
  const policy = checkPolicy(input.policy);
  const view = readCurrent(input.name, input.current);
  const ownership = checkOwnership(view, policy.ownerId);
  if (!ownership.owned) {
    return freezePlan({
      changes: [],
      published: view.values,
      added: [],
      removed: [],
      deferred: [],
      notes: [ownership.note],
      refused: true,
    });
  }

  const members = normaliseDesired(input.desired);
  const caps: PerFamily<FamilyCap> = {
    A: familyCap('A', policy.maxRecordSize, input.limits),
    AAAA: familyCap('AAAA', policy.maxRecordSize, input.limits),
  };
  const planned: PerFamily<FamilyPlan> = {
    A: planFamily('A', view, members.A, caps.A.cap),
    AAAA: planFamily('AAAA', view, members.AAAA, caps.AAAA.cap),
  };
  const due = FAMILIES.flatMap((f) => planned[f].due).sort(removalOrder);
  const removeNow = policy.mode === 'upsert-only' ? [] : due.slice(0, policy.maxRemovalsPerCycle);
  const removing = new Set(removeNow.map((d) => d.address));
  // The removal cap may leave old addresses in place: additions then wait so that no write exceeds the provider.
  const plans: PerFamily<FamilyPlan> = {
    A: withinHardCap(planned.A, removing, caps.A.hard),
    AAAA: withinHardCap(planned.AAAA, removing, caps.AAAA.hard),
  };
  const families = FAMILIES.map((family) => plans[family]);
  const after = { A: publishedAfter(plans.A, removing), AAAA: publishedAfter(plans.AAAA, removing) };
  const changes = buildChanges(view, families, after, policy, idsByAddress(members));

  const healthy = members.A.length + members.AAAA.length;
  const notes: PlanNote[] = [];
  const failing = families.filter((f) => f.failOpen);
  if (failing.length > 0) notes.push(failOpenNote(failing, healthy, input.candidates));
  const capped: CappedFamily[] = [];
  for (const f of families) {
    const cap = caps[f.family];
    if (f.desired.length <= cap.cap) continue;
    capped.push({
      family: f.family,
      healthy: f.desired.length,
      published: after[f.family].length,
      limit: cap.cap,
      reason: cap.reason,
    });
    notes.push(cap.reason === 'provider-limit' ? providerLimitNote(f, cap) : sizeCappedNote(f, cap.cap));
  }
  const deferred = policy.mode === 'upsert-only' ? [] : due.slice(removeNow.length);
  if (deferred.length > 0) notes.push(removalsCappedNote(removeNow, deferred, policy.maxRemovalsPerCycle));
  if (policy.mode === 'upsert-only' && due.length > 0) notes.push(upsertOnlyNote(due));
  if (changes.length === 0 && failing.length === 0 && deferred.length === 0) {
    notes.push(inSyncNote(view.name, after, policy.ttl, healthy, input.candidates));
  }

  return freezePlan({
    changes,
    published: after,
    added: families.flatMap((f) => f.additions),
    removed: removeNow.map((d) => d.address),
    deferred: deferred.map((d) => d.address),
    notes,
    refused: false,
    capped,
  });
}

/** What one family should hold, before the removal cap decides how much of the way this cycle goes. */
function planFamily(family: Family, view: CurrentView, desired: readonly Member[], cap: number): FamilyPlan {
  const current = view.values[family];
  if (desired.length === 0) {
    // Nothing healthy in this family: keep what is there (fail open) rather than empty it.
    return {
      family,
      current,
      desired,
      failOpen: current.length > 0,
      target: current,
      kept: current,
      additions: [],
      due: [],
    };
  }
  const published = new Set(current);
  // Kept members first, then the rest in order of preference: the order additions are trimmed in.
  const target = selectCapped(desired, published, cap).map((m) => m.address);
  const targetSet = new Set(target);
  const wanted = new Set(desired.map((m) => m.address));
  return {
    family,
    current,
    desired,
    failOpen: false,
    target: [...target].sort(),
    kept: current.filter((a) => targetSet.has(a)),
    additions: target.filter((a) => !published.has(a)),
    due: current
      .filter((a) => !targetSet.has(a))
      .map((address) => ({ family, address, reason: wanted.has(address) ? 'over-cap' : 'gone' })),
  };
}

/** Additions beyond what the hard cap leaves room for (after this cycle's removals) wait for a later cycle. */
function withinHardCap(plan: FamilyPlan, removing: ReadonlySet<string>, hard: number): FamilyPlan {
  const staying = plan.current.filter((a) => !removing.has(a)).length;
  const room = Math.max(0, hard - staying);
  const additions = plan.additions.slice(0, room).sort();
  return { ...plan, additions };
}

/** Dead addresses go before healthy ones the size cap sheds; then A before AAAA; then by address. */
function removalOrder(a: Due, b: Due): number {
  const rank = (d: Due): number => (d.reason === 'gone' ? 0 : 1);
  return compare(rank(a), rank(b)) || compare(a.family, b.family) || compare(a.address, b.address);
}

function publishedAfter(plan: FamilyPlan, removing: ReadonlySet<string>): readonly string[] {
  if (plan.failOpen) return plan.current;
  const values = [...new Set([...plan.current.filter((a) => !removing.has(a)), ...plan.additions])].sort();
  // Last line of defence: a family that has values is never emptied.
  return values.length === 0 ? plan.current : values;
}

function buildChanges(
  view: CurrentView,
  families: readonly FamilyPlan[],
  after: PerFamily<readonly string[]>,
  policy: PlanPolicy,
  ids: ReadonlyMap<string, string>,
): RecordChange[] {
  const records: RecordChange[] = [];
  for (const { family, failOpen } of families) {
    const before = view.sets[family];
    const values = after[family];
    if (failOpen || values.length === 0) continue;
    if (!before) {
      records.push({ kind: 'create', set: recordSet(view.name, family, policy.ttl, values, ids) });
    } else if (before.ttl !== policy.ttl || !sameValues(view.values[family], values)) {
      records.push({ kind: 'update', before, after: recordSet(before.name, family, policy.ttl, values, ids) });
    }
  }
  const marker: RecordChange[] = [];
  if (!view.marker && records.some((c) => c.kind === 'create')) {
    marker.push({ kind: 'create', set: recordSet(view.markerName, 'TXT', policy.ttl, [formatMarker(policy.ownerId)]) });
  } else if (view.marker && view.marker.ttl !== policy.ttl) {
    marker.push({
      kind: 'update',
      before: view.marker,
      after: recordSet(view.marker.name, 'TXT', policy.ttl, view.marker.values),
    });
  }
  // The marker first: a provider that cannot apply a batch atomically still claims before it writes.
  return [...marker, ...records];
}

/** A set the plan writes; A/AAAA sets carry the member id of every value that belongs to a desired member. */
function recordSet(
  name: string,
  type: RecordSet['type'],
  ttl: number,
  values: readonly string[],
  ids?: ReadonlyMap<string, string>,
): RecordSet {
  const set = { name, type, ttl, values: Object.freeze([...values]) };
  if (ids === undefined || type === 'TXT') return Object.freeze(set);
  const known = values.flatMap((v) => {
    const id = ids.get(v);
    return id === undefined ? [] : [[v, id] as const];
  });
  return Object.freeze({ ...set, ids: Object.freeze(Object.fromEntries(known)) });
}

/** Address -> member id of the (deduplicated) desired members. */
function idsByAddress(members: PerFamily<readonly Member[]>): ReadonlyMap<string, string> {
  return new Map([...members.A, ...members.AAAA].map((m) => [m.address, m.id]));
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Canonical addresses, one member per address (the longest-lived wins), split by family, sorted. */
function normaliseDesired(desired: readonly DesiredMember[]): PerFamily<readonly Member[]> {
  const byAddress = new Map<string, Member>();
  desired.forEach((m, i) => {
    let address: string;
    try {
      address = canonicalIp(m.address);
    } catch (error) {
      throw new InvalidArgumentError(`desired[${i}].address`, `${JSON.stringify(m.address)} is not an IP address`, {
        cause: error,
      });
    }
    const member: Member = {
      address,
      id: String(m.id),
      healthySince: Number.isFinite(m.healthySince) ? m.healthySince : Infinity,
      rack: m.rack ?? '',
    };
    const prior = byAddress.get(address);
    if (!prior || preferred(member, prior)) byAddress.set(address, member);
  });
  const all = [...byAddress.values()].sort((a, b) => compare(a.address, b.address));
  return { A: all.filter((m) => isIPv4(m.address)), AAAA: all.filter((m) => !isIPv4(m.address)) };
}

function preferred(a: Member, b: Member): boolean {
  return (compare(a.healthySince, b.healthySince) || compare(a.id, b.id) || compare(a.rack, b.rack)) < 0;
}

function checkPolicy(policy: PlanPolicy): PlanPolicy {
  validateOwnerId(policy.ownerId, 'policy.ownerId');
  if (policy.mode !== 'sync' && policy.mode !== 'upsert-only') {
    throw new ConfigError('policy.mode', `expected "sync" or "upsert-only", got ${JSON.stringify(policy.mode)}`);
  }
  if (!Number.isInteger(policy.ttl) || policy.ttl < 0 || policy.ttl > 2_147_483_647) {
    throw new ConfigError('policy.ttl', `expected a whole number of seconds 0..2147483647, got ${String(policy.ttl)}`);
  }
  const removals = policy.maxRemovalsPerCycle;
  if (!(removals >= 0) || !(Number.isInteger(removals) || removals === Infinity)) {
    throw new ConfigError(
      'policy.maxRemovalsPerCycle',
      `expected a whole number >= 0 (or Infinity), got ${String(removals)}`,
    );
  }
  if (!Number.isInteger(policy.maxRecordSize) || policy.maxRecordSize < 0) {
    throw new ConfigError(
      'policy.maxRecordSize',
      `expected a whole number >= 0 (0 = no cap), got ${String(policy.maxRecordSize)}`,
    );
  }
  return policy;
}

function freezePlan(plan: Plan): Plan {
  return Object.freeze({
    ...plan,
    changes: Object.freeze([...plan.changes]),
    published: Object.freeze({
      A: Object.freeze([...plan.published.A]),
      AAAA: Object.freeze([...plan.published.AAAA]),
    }),
    added: Object.freeze([...plan.added]),
    removed: Object.freeze([...plan.removed]),
    deferred: Object.freeze([...(plan.deferred ?? [])]),
    capped: Object.freeze((plan.capped ?? []).map((c) => Object.freeze({ ...c }))),
    notes: Object.freeze(plan.notes.map((n) => Object.freeze({ ...n }))),
  });
}
