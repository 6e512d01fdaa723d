/**
 * The embedded server's authoritative zone, in memory: SOA, NS, and A/AAAA/TXT sets keyed by (name, type).
 * Every change produces a new frozen snapshot that replaces the old one in a single assignment, so a reader
 * (the server answering a query, `read()`) sees either all of a batch or none of it.
 *
 * A zone is *loaded* once its contents are known: given at construction (`records`, e.g. restored from the
 * state file) or written by a first `apply`. Until then the server answers SERVFAIL, never NXDOMAIN: a
 * restarted registrar that has not published yet must not tell resolvers (who cache it) that the seed
 * name does not exist.
 */
import { canonicalName, sameSet } from '../../records/canonical.js';
import { ConflictError, ProviderError, type ApplyResult } from '../types.js';
import type { RecordChange, RecordSet, RecordType } from '../../records/types.js';
import { checkRecordName, MAX_TTL, validateRecordSet } from '../validate.js';
import type { SoaRdata } from '../dns-wire/codecs.js';

const PROVIDER = 'embedded';
/** Most changes in one batch (Route 53's limit, for portability). */
export const MAX_CHANGES_PER_BATCH = 1000;

/** The zone's SOA: the rdata fields (`minimum` is also the RFC 2308 negative-caching TTL) and the record's TTL. */
export interface Soa extends SoaRdata {
  /** TTL of the SOA record itself (negative answers carry min(ttl, minimum)). */
  readonly ttl: number;
}

/**
 * SOA fields; every one is optional. Defaults: mname `ns.<zone>`, rname `hostmaster.<zone>` (an `@` is
 * accepted for the first dot), serial = seconds since the epoch at start (so a restarted server does not
 * go backwards), refresh 3600, retry 600, expire 86400, minimum 5, ttl 30. `minimum` is the negative TTL:
 * low, because a resolver that caches "no such name" keeps clients from the cluster for that long.
 */
export type SoaOptions = Partial<Soa>;

export const DEFAULT_SOA_TIMERS = Object.freeze({ refresh: 3600, retry: 600, expire: 86_400, minimum: 5, ttl: 30 });

export interface ZoneStoreOptions {
  /** The zone apex, e.g. `seed.example.com`. */
  readonly zone: string;
  /** The zone's contents; given (even empty), the zone is loaded. Default: none, not loaded (SERVFAIL). */
  readonly records?: readonly RecordSet[];
  readonly soa?: SoaOptions;
  /** Name servers of the zone (NS at the apex). Default: [soa.mname]. */
  readonly ns?: readonly string[];
  /** TTL of the NS set. Default 3600. */
  readonly nsTtl?: number;
}

export interface ZoneSnapshot {
  readonly zone: string;
  readonly soa: Soa;
  readonly ns: readonly string[];
  readonly nsTtl: number;
  /** Canonical sets keyed by `name type` (see setKey). */
  readonly sets: ReadonlyMap<string, RecordSet>;
  /** Every name that exists: the apex, owners of sets and their ancestors (empty non-terminals). */
  readonly names: ReadonlySet<string>;
  /** False until the contents are known (see above): every name in the zone then answers SERVFAIL. */
  readonly loaded: boolean;
}

export function setKey(name: string, type: RecordType): string {
  return `${name} ${type}`;
}

function invalid(message: string): ProviderError {
  return new ProviderError(PROVIDER, 'ERR_INVALID_RECORD', message, { labels: ['usage'] });
}

function timer(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0 || v > MAX_TTL)
    throw invalid(`soa.${field}: ${v} is not an integer in 0..${MAX_TTL}`);
  return v;
}

function dnsName(value: string, field: string): string {
  const n = canonicalName(value);
  if (n.length > 253 || !n.split('.').every((l) => /^[a-z0-9_-]{1,63}$/.test(l)))
    throw invalid(`${field}: ${JSON.stringify(value)} is not a DNS name`);
  return n;
}

function buildSoa(zone: string, options: SoaOptions = {}): Soa {
  const serial = options.serial ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff)
    throw invalid(`soa.serial: ${serial} is not a 32-bit unsigned integer`);
  return Object.freeze({
    mname: dnsName(options.mname ?? `ns.${zone}`, 'soa.mname'),
    rname: dnsName((options.rname ?? `hostmaster.${zone}`).replace('@', '.'), 'soa.rname'),
    serial,
    refresh: timer(options.refresh, DEFAULT_SOA_TIMERS.refresh, 'refresh'),
    retry: timer(options.retry, DEFAULT_SOA_TIMERS.retry, 'retry'),
    expire: timer(options.expire, DEFAULT_SOA_TIMERS.expire, 'expire'),
    minimum: timer(options.minimum, DEFAULT_SOA_TIMERS.minimum, 'minimum'),
    ttl: timer(options.ttl, DEFAULT_SOA_TIMERS.ttl, 'ttl'),
  });
}

function existingNames(zone: string, sets: ReadonlyMap<string, RecordSet>): Set<string> {
  const names = new Set<string>([zone]);
  for (const set of sets.values()) {
    // Walk up from the owner to the apex: every ancestor inside the zone exists (RFC 4592 §2.2.2).
    let name = set.name;
    for (let i = 0; i < 128 && !names.has(name); i++) {
      names.add(name);
      name = name.slice(name.indexOf('.') + 1);
    }
  }
  return names;
}

function snapshotOf(base: Omit<ZoneSnapshot, 'names' | 'sets'>, sets: Map<string, RecordSet>): ZoneSnapshot {
  return Object.freeze({ ...base, sets, names: existingNames(base.zone, sets) });
}

export class ZoneStore {
  readonly zone: string;
  #current: ZoneSnapshot;
  readonly #listeners = new Set<(snapshot: ZoneSnapshot) => void>();

  constructor(options: ZoneStoreOptions) {
    let zone: string;
    try {
      zone = dnsName(options.zone, 'zone');
    } catch (error) {
      throw new ProviderError(PROVIDER, 'ERR_INVALID_ZONE', `zone ${JSON.stringify(options.zone)} is not a DNS name`, {
        cause: error,
        labels: ['usage'],
      });
    }
    this.zone = zone;
    const soa = buildSoa(zone, options.soa);
    const ns = Object.freeze((options.ns ?? [soa.mname]).map((n, i) => dnsName(n, `ns[${i}]`)));
    if (ns.length === 0) throw invalid('ns: a zone needs at least one name server');
    const nsTtl = timer(options.nsTtl, 3600, 'nsTtl');
    const sets = new Map<string, RecordSet>();
    for (const record of options.records ?? []) {
      const set = validateRecordSet(PROVIDER, record, zone);
      const key = setKey(set.name, set.type);
      if (sets.has(key)) throw invalid(`records: ${key} given twice`);
      sets.set(key, set);
    }
    this.#current = snapshotOf({ zone, soa, ns, nsTtl, loaded: options.records !== undefined }, sets);
  }

  /** Calls `listener` with every new snapshot (after each successful apply); returns the unsubscribe. */
  onChange(listener: (snapshot: ZoneSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The current snapshot; never changes once returned. */
  snapshot(): ZoneSnapshot {
    return this.#current;
  }

  get serial(): number {
    return this.#current.soa.serial;
  }

  /** The A, AAAA and TXT sets at `names` (canonical; absent sets are left out). */
  read(names: readonly string[]): RecordSet[] {
    const snap = this.#current;
    const out: RecordSet[] = [];
    for (const raw of new Set(names.map((n) => checkRecordName(PROVIDER, n, this.zone)))) {
      for (const type of ['A', 'AAAA', 'TXT'] as const) {
        const set = snap.sets.get(setKey(raw, type));
        if (set) out.push(set);
      }
    }
    return out;
  }

  /**
   * Applies the batch atomically: changes are checked in order against a working copy (so a delete
   * followed by a create of the same set works, as in Route 53); the first invalid change or unmet
   * precondition throws (ProviderError / ConflictError) and nothing changes. Success bumps the serial once.
   */
  apply(changes: readonly RecordChange[]): ApplyResult {
    const untrusted: unknown = changes;
    if (!Array.isArray(untrusted)) throw invalid('changes must be an array');
    if (changes.length === 0) return { applied: 0 };
    if (changes.length > MAX_CHANGES_PER_BATCH)
      throw invalid(`${changes.length} changes in one batch, at most ${MAX_CHANGES_PER_BATCH}`);
    const before = this.#current;
    const work = new Map(before.sets);
    changes.forEach((change, i) => this.#check(work, change, i));
    const soa = Object.freeze({ ...before.soa, serial: (before.soa.serial + 1) % 0x1_0000_0000 });
    this.#current = snapshotOf({ zone: before.zone, soa, ns: before.ns, nsTtl: before.nsTtl, loaded: true }, work);
    for (const listener of this.#listeners) listener(this.#current);
    return { applied: changes.length };
  }

  #check(work: Map<string, RecordSet>, change: RecordChange, i: number): void {
    const expectCurrent = (set: RecordSet, verb: string): string => {
      const key = setKey(set.name, set.type);
      const current = work.get(key);
      if (current === undefined) throw new ConflictError(PROVIDER, `changes[${i}]: ${verb} ${key}: no such set`);
      if (!sameSet(current, set))
        throw new ConflictError(PROVIDER, `changes[${i}]: ${verb} ${key}: the set changed since it was read`);
      return key;
    };
    switch (change?.kind) {
      case 'create': {
        const set = validateRecordSet(PROVIDER, change.set, this.zone);
        const key = setKey(set.name, set.type);
        if (work.has(key)) throw new ConflictError(PROVIDER, `changes[${i}]: create ${key}: the set already exists`);
        work.set(key, set);
        return;
      }
      case 'update': {
        const old = validateRecordSet(PROVIDER, change.before, this.zone);
        const next = validateRecordSet(PROVIDER, change.after, this.zone);
        if (old.name !== next.name || old.type !== next.type)
          throw invalid(`changes[${i}]: update must keep the name and type`);
        work.set(expectCurrent(old, 'update'), next);
        return;
      }
      case 'delete': {
        const old = validateRecordSet(PROVIDER, change.set, this.zone);
        work.delete(expectCurrent(old, 'delete'));
        return;
      }
      default:
        throw invalid(
          `changes[${i}]: unknown change kind ${JSON.stringify((change as { kind?: unknown } | undefined)?.kind)}`,
        );
    }
  }
}
