/**
 * The records of one hosted zone in the Route 53 model, with Route 53's documented change semantics:
 * a batch is validated change by change against a working copy and committed only if every change holds
 * (atomic); CREATE of an existing record fails; DELETE must repeat the record exactly (TTL, values in any
 * order, set identifier, health check); UPSERT creates or replaces; limits per batch and per record;
 * a name/type holds either one simple record or records of one routing policy, at most 100 of them for the
 * multivalue, weighted, latency and geolocation policies ("Quotas on records"); a CREATE or UPSERT of a
 * multivalue record sets the TTL of every multivalue record at its name/type (Route 53 keeps one TTL there:
 * the last one given).
 */
import type {
  Change,
  ListResourceRecordSetsRequest,
  ListResourceRecordSetsResponse,
  ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { invalidChangeBatch, invalidInput, noSuchHealthCheck } from './route53-model-errors.js';
import { compareAscii, inZone, normaliseName, reversedName, valueProblem } from './route53-model-names.js';

/** Route 53's documented quotas for ChangeResourceRecordSets and ListResourceRecordSets. */
export const ROUTE53_LIMITS = Object.freeze({
  changesPerBatch: 1000,
  /** ResourceRecord elements per batch; an UPSERT counts twice. */
  recordsPerBatch: 1000,
  /** Characters of all Value elements per batch; an UPSERT counts twice. */
  valueCharsPerBatch: 32_000,
  valuesPerRecord: 400,
  /** Records with the same name and type under the multivalue, weighted, latency or geolocation policy. */
  routedRecordsPerName: 100,
  valueLength: 4000,
  listMaxItems: 300,
});

const TYPES = new Set([
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'HTTPS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'SSHFP',
  'SVCB',
  'TLSA',
  'TXT',
]);

const keyOf = (r: ResourceRecordSet): string => `${r.Name}|${r.Type}|${r.SetIdentifier ?? ''}`;
const describe = (r: ResourceRecordSet): string =>
  `[name='${r.Name}', type='${r.Type}'${r.SetIdentifier === undefined ? '' : `, set-identifier='${r.SetIdentifier}'`}]`;

function routingPolicy(r: ResourceRecordSet): string {
  if (r.SetIdentifier === undefined) return 'simple';
  if (r.MultiValueAnswer === true) return 'multivalue';
  if (r.Weight !== undefined) return 'weighted';
  if (r.Failover !== undefined) return 'failover';
  if (r.Region !== undefined) return 'latency';
  if (r.GeoLocation !== undefined) return 'geolocation';
  return 'none';
}

function sameValues(a: ResourceRecordSet, b: ResourceRecordSet): boolean {
  const x = (a.ResourceRecords ?? []).map((v) => v.Value ?? '').sort();
  const y = (b.ResourceRecords ?? []).map((v) => v.Value ?? '').sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function sortKey(r: {
  Name?: string | undefined;
  Type?: string | undefined;
  SetIdentifier?: string | undefined;
}): [string, string, string] {
  return [reversedName(r.Name ?? ''), r.Type ?? '', r.SetIdentifier ?? ''];
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareAscii(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return 0;
}

export class ZoneRecords {
  readonly id: string;
  /** Normalised: lowercase, trailing dot. */
  readonly name: string;
  private records = new Map<string, ResourceRecordSet>();

  constructor(id: string, name: string, apexRecords: boolean) {
    this.id = id;
    this.name = normaliseName(name);
    if (apexRecords) {
      const ns = ['ns-1.awsdns-01.com.', 'ns-2.awsdns-02.net.', 'ns-3.awsdns-03.org.', 'ns-4.awsdns-04.co.uk.'];
      this.put({ Name: this.name, Type: 'NS', TTL: 172800, ResourceRecords: ns.map((Value) => ({ Value })) });
      this.put({
        Name: this.name,
        Type: 'SOA',
        TTL: 900,
        ResourceRecords: [{ Value: `${ns[0]} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400` }],
      });
    }
  }

  /** Every record, in listing order, as deep copies. */
  snapshot(): ResourceRecordSet[] {
    return [...this.records.values()]
      .sort((a, b) => compareKeys(sortKey(a), sortKey(b)))
      .map((r) => structuredClone(r));
  }

  referencesHealthCheck(id: string): boolean {
    return [...this.records.values()].some((r) => r.HealthCheckId === id);
  }

  /** Validate every change, then apply all of them or none (throws the SDK's exceptions). */
  changeBatch(changes: readonly Change[] | undefined, healthCheckExists: (id: string) => boolean): void {
    if (!changes || changes.length === 0)
      throw invalidInput('1 validation error detected: ChangeBatch.Changes must have at least 1 item');
    const normalised = changes.map((c, i) => this.checkShape(c, i, healthCheckExists));
    this.checkLimits(normalised);
    const working = new Map(this.records);
    const problems: string[] = [];
    for (const { action, record } of normalised) {
      const problem = this.applyOne(working, action, record);
      if (problem !== undefined) problems.push(problem);
    }
    problems.push(...routedQuotaProblems(working));
    if (problems.length > 0) throw invalidChangeBatch(problems);
    this.records = working;
  }

  list(input: ListResourceRecordSetsRequest): ListResourceRecordSetsResponse {
    if (input.StartRecordType !== undefined && input.StartRecordName === undefined)
      throw invalidInput('StartRecordType requires StartRecordName');
    if (input.StartRecordIdentifier !== undefined && input.StartRecordType === undefined)
      throw invalidInput('StartRecordIdentifier requires StartRecordType');
    const requested = input.MaxItems ?? ROUTE53_LIMITS.listMaxItems;
    if (!Number.isInteger(requested) || requested < 1)
      throw invalidInput(`MaxItems ${String(requested)} is not a positive integer`);
    const max = Math.min(requested, ROUTE53_LIMITS.listMaxItems);
    const all = this.snapshot();
    const start: string[] =
      input.StartRecordName === undefined
        ? []
        : [
            reversedName(normaliseName(input.StartRecordName)),
            input.StartRecordType ?? '',
            input.StartRecordIdentifier ?? '',
          ];
    const from = all.findIndex((r) => compareKeys(sortKey(r), start) >= 0);
    const first = from < 0 ? all.length : from;
    const page = all.slice(first, first + max);
    const next = all[first + max];
    return {
      ResourceRecordSets: page,
      IsTruncated: next !== undefined,
      MaxItems: max,
      ...(next === undefined
        ? {}
        : {
            NextRecordName: next.Name,
            NextRecordType: next.Type,
            ...(next.SetIdentifier === undefined ? {} : { NextRecordIdentifier: next.SetIdentifier }),
          }),
    };
  }

  private put(record: ResourceRecordSet): void {
    this.records.set(keyOf(record), record);
  }

  /** Request-level checks (InvalidInput, NoSuchHealthCheck); returns the change with its name normalised. */
  private checkShape(
    change: Change,
    index: number,
    healthCheckExists: (id: string) => boolean,
  ): { action: string; record: ResourceRecordSet } {
    const where = `Changes[${index}]`;
    const action = change.Action;
    const input = change.ResourceRecordSet;
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT')
      throw invalidInput(`${where}.Action must be CREATE, DELETE or UPSERT`);
    if (!input?.Name || !input.Type) throw invalidInput(`${where}.ResourceRecordSet needs Name and Type`);
    if (!TYPES.has(input.Type)) throw invalidInput(`${where}: unsupported type ${input.Type}`);
    if (input.AliasTarget !== undefined) throw invalidInput(`${where}: alias records are not supported by this model`);
    if (input.TTL === undefined || !Number.isInteger(input.TTL) || input.TTL < 0 || input.TTL > 2_147_483_647) {
      throw invalidInput(`${where}: a non-alias record needs a TTL in 0..2147483647`);
    }
    const values = input.ResourceRecords ?? [];
    if (values.length === 0) throw invalidInput(`${where}: a non-alias record needs at least one ResourceRecord`);
    for (const v of values) {
      if (typeof v.Value !== 'string' || v.Value.length === 0 || v.Value.length > ROUTE53_LIMITS.valueLength) {
        throw invalidInput(`${where}: each ResourceRecord Value must have 1..${ROUTE53_LIMITS.valueLength} characters`);
      }
    }
    if (input.MultiValueAnswer === true && input.SetIdentifier === undefined)
      throw invalidInput(`${where}: MultiValueAnswer requires SetIdentifier`);
    if (input.SetIdentifier !== undefined) {
      if (input.SetIdentifier.length < 1 || input.SetIdentifier.length > 128)
        throw invalidInput(`${where}: SetIdentifier must have 1..128 characters`);
      if (routingPolicy(input) === 'none')
        throw invalidInput(
          `${where}: a record with a SetIdentifier needs a routing policy (e.g. MultiValueAnswer: true)`,
        );
    }
    // A DELETE may name a check deleted meanwhile (Route 53 does not stop that); a new record may not.
    if (action !== 'DELETE' && input.HealthCheckId !== undefined && !healthCheckExists(input.HealthCheckId))
      throw noSuchHealthCheck(input.HealthCheckId);
    const record: ResourceRecordSet = { ...structuredClone(input), Name: normaliseName(input.Name), Type: input.Type };
    return { action, record };
  }

  /** Batch-wide limits (InvalidChangeBatch). */
  private checkLimits(changes: readonly { action: string; record: ResourceRecordSet }[]): void {
    const problems: string[] = [];
    let records = 0;
    let chars = 0;
    for (const { action, record } of changes) {
      const weight = action === 'UPSERT' ? 2 : 1;
      const values = record.ResourceRecords ?? [];
      records += weight * values.length;
      chars += weight * values.reduce((n, v) => n + (v.Value ?? '').length, 0);
      if (values.length > ROUTE53_LIMITS.valuesPerRecord) {
        problems.push(
          `${describe(record)} has ${values.length} values; a record can have at most ${ROUTE53_LIMITS.valuesPerRecord}`,
        );
      }
    }
    if (changes.length > ROUTE53_LIMITS.changesPerBatch)
      problems.push(`Number of changes limit of ${ROUTE53_LIMITS.changesPerBatch} exceeded.`);
    if (records > ROUTE53_LIMITS.recordsPerBatch)
      problems.push(`Number of records limit of ${ROUTE53_LIMITS.recordsPerBatch} exceeded.`);
    if (chars > ROUTE53_LIMITS.valueCharsPerBatch)
      problems.push(
        `Maximum character limit of ${ROUTE53_LIMITS.valueCharsPerBatch} in Value elements exceeded (${chars}).`,
      );
    if (problems.length > 0) throw invalidChangeBatch(problems);
  }

  /** One change against the working copy; a message when it does not hold. */
  private applyOne(
    working: Map<string, ResourceRecordSet>,
    action: string,
    record: ResourceRecordSet,
  ): string | undefined {
    if (!inZone(record.Name ?? '', this.name))
      return `RRSet with DNS name ${record.Name} is not permitted in zone ${this.name}`;
    const key = keyOf(record);
    const existing = working.get(key);
    if (action === 'DELETE') {
      if (!existing) return `Tried to delete resource record set ${describe(record)} but it was not found`;
      const matches =
        existing.TTL === record.TTL &&
        sameValues(existing, record) &&
        existing.HealthCheckId === record.HealthCheckId &&
        (record.MultiValueAnswer === undefined || existing.MultiValueAnswer === record.MultiValueAnswer);
      if (!matches)
        return `Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`;
      if (record.Name === this.name && (record.Type === 'SOA' || record.Type === 'NS'))
        return `A HostedZone must contain exactly one SOA record and at least one NS record for the zone itself.`;
      working.delete(key);
      return undefined;
    }
    if (action === 'CREATE' && existing)
      return `Tried to create resource record set ${describe(record)} but it already exists`;
    const values = (record.ResourceRecords ?? []).map((v) => v.Value ?? '');
    const duplicate = values.find((v, i) => values.indexOf(v) !== i);
    if (duplicate !== undefined) return `Duplicate Resource Record: '${duplicate}'`;
    for (const v of values) {
      const problem = valueProblem(record.Type ?? '', v);
      if (problem !== undefined) return problem;
    }
    const policy = routingPolicy(record);
    const clash = [...working.values()].find(
      (r) => r.Name === record.Name && r.Type === record.Type && keyOf(r) !== key && routingPolicy(r) !== policy,
    );
    if (clash) {
      return `RRSet ${describe(record)} with routing policy ${policy} cannot be created: a conflicting ${routingPolicy(clash)} record set ${describe(clash)} is at the same name and type`;
    }
    if (policy === 'multivalue') {
      // One TTL per multivalue name/type: the last one given is applied to every sibling.
      for (const [k, r] of working)
        if (r.Name === record.Name && r.Type === record.Type && routingPolicy(r) === 'multivalue')
          working.set(k, { ...r, TTL: record.TTL });
    }
    working.set(key, record);
    return undefined;
  }
}

const QUOTA_POLICIES = new Set(['multivalue', 'weighted', 'latency', 'geolocation']);

/** Name/types holding more routed records than Route 53's quota allows. */
function routedQuotaProblems(records: ReadonlyMap<string, ResourceRecordSet>): string[] {
  const counts = new Map<string, number>();
  for (const r of records.values()) {
    if (!QUOTA_POLICIES.has(routingPolicy(r))) continue;
    const at = `${r.Name}|${r.Type}`;
    counts.set(at, (counts.get(at) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, n]) => n > ROUTE53_LIMITS.routedRecordsPerName)
    .map(([at, n]) => {
      const [name, type] = at.split('|');
      return `Resource record set limit exceeded: ${n} records with routing policy at [name='${name}', type='${type}']; the limit is ${ROUTE53_LIMITS.routedRecordsPerName} records with the same name and type`;
    });
}
