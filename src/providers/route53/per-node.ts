/**
 * Mode per-node: one multivalue-answer record per member at the seed name, SetIdentifier = the member's
 * node or instance id (from RecordSet.ids; the address itself when unknown). No read-modify-write of a
 * shared set: adding a member CREATEs its record, removing one DELETEs exactly that record (as read), and
 * other members' records are left alone. A member whose id already names another record gets
 * `<id>/<address>`; a record whose id is freed in the same apply is deleted and re-created in one unit.
 * Route 53 allows at most 100 such records per name and type (ROUTE53_MAX_MEMBER_RECORDS).
 */
import type { Change, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { canonicalIp } from '../../net/ip.js';
import { canonicalSet } from '../../records/canonical.js';
import type { RecordChange, RecordSet } from '../../records/types.js';
import type { Unit } from './batch.js';
import { fromResourceRecords, fromRoute53Name, toRoute53Name } from './codec.js';

const MAX_SET_IDENTIFIER = 128;
/** Route 53's quota of multivalue-answer records with the same name and type ("Quotas on records"). */
export const ROUTE53_MAX_MEMBER_RECORDS = 100;

/** A record this apply creates for a member; `record.HealthCheckId` is filled in when health checks are on. */
export interface MemberAddition {
  readonly name: string;
  readonly address: string;
  readonly id: string;
  readonly record: ResourceRecordSet;
  readonly unit: Unit;
}

export function isMemberRecord(record: ResourceRecordSet): boolean {
  return record.SetIdentifier !== undefined && record.MultiValueAnswer === true;
}

/** The member id a record stands for: its SetIdentifier, without the `/<address>` suffix we add on clashes. */
export function memberIdOf(record: ResourceRecordSet, address: string): string {
  const setId = record.SetIdentifier ?? address;
  return setId.endsWith(`/${address}`) ? setId.slice(0, -address.length - 1) : setId;
}

/** The member records of one name/type as one RecordSet (TTL: the smallest), with `ids`. */
export function aggregateMembers(
  name: string,
  type: 'A' | 'AAAA',
  records: readonly ResourceRecordSet[],
): RecordSet | undefined {
  if (records.length === 0) return undefined;
  const ids: Record<string, string> = {};
  const values: string[] = [];
  for (const record of records) {
    for (const address of fromResourceRecords(type, record.ResourceRecords)) {
      values.push(address);
      ids[address] ??= memberIdOf(record, address);
    }
  }
  const ttl = Math.min(...records.map((r) => r.TTL ?? 0));
  return Object.freeze({ ...canonicalSet({ name, type, ttl, values }), ids: Object.freeze(ids) });
}

function setIdentifier(base: string, address: string, taken: ReadonlySet<string>): string {
  const plain = base.slice(0, MAX_SET_IDENTIFIER);
  if (!taken.has(plain)) return plain;
  return `${base.slice(0, MAX_SET_IDENTIFIER - address.length - 1)}/${address}`;
}

interface Draft {
  changes: Change[];
  what: string;
  released: string[];
}

const toUnit = (d: Draft): Unit => ({
  changes: d.changes,
  what: d.what,
  createdHealthChecks: [],
  releasedHealthChecks: d.released,
});

/**
 * Units for one A/AAAA change, given the member records at that name/type as read (`current`).
 * Returns the units in order (removals, TTL changes, additions) and the records it creates.
 */
export function memberUnits(
  change: RecordChange,
  current: readonly ResourceRecordSet[],
): { units: Unit[]; additions: MemberAddition[]; recordsAfter: number } {
  const target = change.kind === 'update' ? change.after : change.kind === 'create' ? change.set : undefined;
  const source = change.kind === 'update' ? change.before : change.kind === 'delete' ? change.set : undefined;
  const type = (target ?? source)!.type as 'A' | 'AAAA';
  const name = canonicalSet(target ?? source!).name;
  const wanted = new Set((target?.values ?? []).map(canonicalIp));
  const before = new Set((source?.values ?? []).map(canonicalIp));
  const removed = new Set([...before].filter((v) => !wanted.has(v)));
  const ids = new Map(Object.entries(target?.ids ?? {}).map(([address, id]) => [canonicalIp(address), id]));
  const valuesOf = (r: ResourceRecordSet): string[] => fromResourceRecords(type, r.ResourceRecords);

  const drafts: Draft[] = [];
  const freed = new Map<string, Draft>();
  const taken = new Set(current.map((r) => r.SetIdentifier ?? ''));
  const present = new Set<string>();
  /** Kept records whose TTL differs from the target's. */
  const stale: ResourceRecordSet[] = [];
  for (const record of current) {
    const values = valuesOf(record);
    const gone = values.filter((v) => removed.has(v));
    const rest = values.filter((v) => !removed.has(v));
    rest.forEach((v) => present.add(v));
    const setId = record.SetIdentifier ?? '';
    if (gone.length > 0 && rest.length === 0) {
      const draft: Draft = {
        changes: [{ Action: 'DELETE', ResourceRecordSet: record }],
        what: `${name} ${type} remove ${gone.join(', ')} (${setId})`,
        released: [],
      };
      if (record.HealthCheckId !== undefined) draft.released.push(record.HealthCheckId);
      drafts.push(draft);
      freed.set(setId, draft);
      taken.delete(setId);
    } else if (gone.length > 0) {
      const kept: ResourceRecordSet = {
        ...record,
        ...(target ? { TTL: target.ttl } : {}),
        ResourceRecords: rest.map((Value) => ({ Value })),
      };
      drafts.push({
        changes: [
          { Action: 'DELETE', ResourceRecordSet: record },
          { Action: 'CREATE', ResourceRecordSet: kept },
        ],
        what: `${name} ${type} remove ${gone.join(', ')} (${setId})`,
        released: [],
      });
    } else if (target !== undefined && record.TTL !== target.ttl) {
      stale.push(record);
    }
  }

  const additions: { address: string; id: string; record: ResourceRecordSet; draft: Draft }[] = [];
  for (const address of [...wanted].sort()) {
    if (present.has(address)) continue; // its record is there already
    const id = ids.get(address) ?? address;
    const setId = setIdentifier(id, address, taken);
    taken.add(setId);
    const record: ResourceRecordSet = {
      Name: toRoute53Name(name),
      Type: type,
      TTL: target!.ttl,
      SetIdentifier: setId,
      MultiValueAnswer: true,
      ResourceRecords: [{ Value: address }],
    };
    const create: Change = { Action: 'CREATE', ResourceRecordSet: record };
    let draft = freed.get(setId);
    if (draft) {
      draft.changes.push(create);
      draft.what += ` and add ${address}`;
      freed.delete(setId);
    } else {
      draft = { changes: [create], what: `${name} ${type} add ${address} (${setId})`, released: [] };
      drafts.push(draft);
    }
    additions.push({ address, id, record, draft });
  }

  // Route 53 keeps one TTL per multivalue name/type, set by the last record written there: any CREATE at the
  // target TTL moves every sibling to it. Only when nothing is created does one record get rewritten, once;
  // rewriting each would fail every DELETE after the first (its TTL is no longer the one read).
  const creates = drafts.some((d) => d.changes.some((c) => c.Action === 'CREATE'));
  const first = stale[0];
  if (!creates && first !== undefined && target !== undefined) {
    const setId = first.SetIdentifier ?? '';
    const what = `${name} ${type} TTL ${first.TTL ?? '?'} -> ${target.ttl} (${setId}, and every record at this name by Route 53's rule)`;
    drafts.push({
      changes: [
        { Action: 'DELETE', ResourceRecordSet: first },
        { Action: 'CREATE', ResourceRecordSet: { ...first, TTL: target.ttl } },
      ],
      what,
      released: [],
    });
  }

  const units = new Map(drafts.map((d) => [d, toUnit(d)]));
  const delta = drafts
    .flatMap((d) => d.changes)
    .reduce((n, c) => n + (c.Action === 'CREATE' ? 1 : c.Action === 'DELETE' ? -1 : 0), 0);
  return {
    recordsAfter: current.length + delta,
    units: [...units.values()],
    additions: additions.map((a) => ({
      name,
      address: a.address,
      id: a.id,
      record: a.record,
      unit: units.get(a.draft)!,
    })),
  };
}

/** Member records at `name`/`type` among the records read at that name. */
export function memberRecordsOf(
  records: readonly ResourceRecordSet[],
  name: string,
  type: 'A' | 'AAAA',
): ResourceRecordSet[] {
  return records.filter(
    (r) => r.Type === type && isMemberRecord(r) && r.Name !== undefined && fromRoute53Name(r.Name) === name,
  );
}
