/**
 * A stateful in-memory model of Amazon Route 53, wired to the real SDK v3 client through aws-sdk-client-mock:
 * every Route53Client created while the model is installed talks to it. It enforces Route 53's documented
 * rules (see route53-model-records.ts and route53-model-health.ts), throws the SDK's exception classes, and
 * can inject Throttling, PriorRequestNotComplete or any other error. Used by every AWS test.
 *
 *   const model = new Route53Model({ zones: [{ id: 'Z1', name: 'example.com' }] });
 *   model.install();            // afterEach: model.restore()
 *   model.injectThrottling(2);  // the next two requests fail with Throttling
 *
 * `calls` lists every request in order as { command: 'ChangeResourceRecordSets', input, error? } (the API
 * action's name, without `Command`), including the ones that failed.
 */
import './sdk-env.js';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  ListHealthChecksCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  ListTagsForResourcesCommand,
  Route53Client,
  type ChangeInfo,
  type HealthCheck,
  type ListHostedZonesByNameRequest,
  type ListHostedZonesByNameResponse,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import {
  invalidInput,
  noSuchChange,
  noSuchHostedZone,
  priorRequestNotComplete,
  throttling,
  type ThrottlingKind,
} from './route53-model-errors.js';
import { HealthChecks } from './route53-model-health.js';
import { compareAscii, normaliseName, reversedName } from './route53-model-names.js';
import { ZoneRecords } from './route53-model-records.js';

export { ROUTE53_LIMITS } from './route53-model-records.js';
export type { ThrottlingKind } from './route53-model-errors.js';
export { serviceError } from './route53-model-errors.js';

export interface Route53ModelOptions {
  /** Hosted zones (id with or without `/hostedzone/`). Default: one zone `Z0TEST` for `example.com`. */
  readonly zones?: readonly { readonly id: string; readonly name: string }[];
  /** A change stays PENDING for this many GetChange calls and is INSYNC from the next one. Default 1; Infinity = never. */
  readonly insyncAfterPolls?: number;
  /** Give each zone its apex SOA and NS records, as Route 53 does. Default true. */
  readonly apexRecords?: boolean;
  /** Stamps every call with `at` (e.g. a test's fake clock, to check pacing). */
  readonly clock?: () => number;
}

export interface Route53ModelCall {
  /** The API action, e.g. `ChangeResourceRecordSets`. */
  readonly command: string;
  /** A deep copy of the request. */
  readonly input: unknown;
  /** The exception's name when the request failed. */
  error?: string;
  /** `clock()` when the request arrived (with the `clock` option). */
  readonly at?: number;
}

export const DEFAULT_MODEL_ZONE = Object.freeze({ id: 'Z0TEST', name: 'example.com' });

type Handler = (input: never) => unknown;
interface Injected {
  readonly error: () => Error;
  readonly command: string | undefined;
  left: number;
}

const stripPrefix = (id: string | undefined, prefix: string): string =>
  (id ?? '').replace(new RegExp(`^/?${prefix}/`), '');

export class Route53Model {
  readonly calls: Route53ModelCall[] = [];
  private readonly zones = new Map<string, ZoneRecords>();
  private readonly checks = new HealthChecks();
  private readonly changes = new Map<string, { info: ChangeInfo; polls: number }>();
  private readonly insyncAfterPolls: number;
  private readonly clock: (() => number) | undefined;
  private readonly injected: Injected[] = [];
  private changeCounter = 0;
  private stub: { restore(): void } | undefined;

  constructor(options: Route53ModelOptions = {}) {
    for (const zone of options.zones ?? [DEFAULT_MODEL_ZONE]) {
      const id = stripPrefix(zone.id, 'hostedzone');
      this.zones.set(id, new ZoneRecords(id, zone.name, options.apexRecords ?? true));
    }
    this.insyncAfterPolls = options.insyncAfterPolls ?? 1;
    this.clock = options.clock;
  }

  /** Mock Route53Client (every instance) with this model. */
  install(): void {
    if (this.stub) return;
    const stub = mockClient(Route53Client);
    const handlers: [new (input: never) => object, string, Handler][] = [
      [
        ChangeResourceRecordSetsCommand,
        'ChangeResourceRecordSets',
        (i: ChangeResourceRecordSetsCommand['input']) => this.changeRecords(i),
      ],
      [
        ListResourceRecordSetsCommand,
        'ListResourceRecordSets',
        (i: ListResourceRecordSetsCommand['input']) => this.zone(i.HostedZoneId).list(i),
      ],
      [GetChangeCommand, 'GetChange', (i: GetChangeCommand['input']) => this.getChange(i.Id)],
      [CreateHealthCheckCommand, 'CreateHealthCheck', (i: CreateHealthCheckCommand['input']) => this.checks.create(i)],
      [
        DeleteHealthCheckCommand,
        'DeleteHealthCheck',
        (i: DeleteHealthCheckCommand['input']) => this.deleteHealthCheck(i.HealthCheckId),
      ],
      [
        GetHealthCheckCommand,
        'GetHealthCheck',
        (i: GetHealthCheckCommand['input']) => ({ HealthCheck: this.checks.get(i.HealthCheckId) }),
      ],
      [ListHealthChecksCommand, 'ListHealthChecks', (i: ListHealthChecksCommand['input']) => this.checks.list(i)],
      [
        ChangeTagsForResourceCommand,
        'ChangeTagsForResource',
        (i: ChangeTagsForResourceCommand['input']) => (this.checks.changeTags(i), {}),
      ],
      [
        ListTagsForResourceCommand,
        'ListTagsForResource',
        (i: ListTagsForResourceCommand['input']) => this.checks.listTags(i),
      ],
      [
        ListTagsForResourcesCommand,
        'ListTagsForResources',
        (i: ListTagsForResourcesCommand['input']) => this.checks.listTagsMany(i),
      ],
      [ListHostedZonesByNameCommand, 'ListHostedZonesByName', (i: ListHostedZonesByNameRequest) => this.listZones(i)],
    ];
    for (const [command, name, handler] of handlers) {
      stub.on(command as never).callsFake((input: unknown) => this.handle(name, input as never, handler));
    }
    this.stub = stub;
  }

  restore(): void {
    this.stub?.restore();
    this.stub = undefined;
  }

  /** The zone's records in listing order (deep copies). */
  records(zoneId: string): ResourceRecordSet[] {
    return this.zone(zoneId).snapshot();
  }

  /** Live health checks and their tags (deep copies). */
  healthChecks(): { check: HealthCheck; tags: Record<string, string> }[] {
    return this.checks.all();
  }

  /** Health checks deleted while a record still named them: an ordering bug (records go first). */
  healthChecksDeletedInUse(): string[] {
    return [...this.checks.deletedInUse];
  }

  /** The calls of one API action. */
  callsOf(command: string): Route53ModelCall[] {
    return this.calls.filter((c) => c.command === command);
  }

  /** The next `count` requests (of any action) fail with Route 53's throttling error. */
  injectThrottling(count: number, kind: ThrottlingKind = 'Throttling'): void {
    this.inject(() => throttling(kind), count, undefined);
  }

  /** The next `count` ChangeResourceRecordSets requests fail with PriorRequestNotComplete. */
  injectPriorRequestNotComplete(count: number): void {
    this.inject(priorRequestNotComplete, count, 'ChangeResourceRecordSets');
  }

  /** The next `count` requests (of `command`, or of any action) fail with `error()`. */
  injectError(error: () => Error, options: { readonly command?: string; readonly count?: number } = {}): void {
    this.inject(error, options.count ?? 1, options.command);
  }

  private inject(error: () => Error, count: number, command: string | undefined): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count ${count} is not a whole number`);
    if (count > 0) this.injected.push({ error, command, left: count });
  }

  private async handle(command: string, input: never, handler: Handler): Promise<unknown> {
    const call: Route53ModelCall = {
      command,
      input: structuredClone(input),
      ...(this.clock ? { at: this.clock() } : {}),
    };
    this.calls.push(call);
    await Promise.resolve(); // answer asynchronously, as the network would: concurrent callers interleave
    try {
      const fault = this.injected.find((f) => f.left > 0 && (f.command === undefined || f.command === command));
      if (fault) {
        fault.left--;
        throw fault.error();
      }
      return structuredClone(handler(input));
    } catch (error) {
      call.error = error instanceof Error ? error.name : String(error);
      throw error;
    }
  }

  private zone(id: string | undefined): ZoneRecords {
    const bare = stripPrefix(id, 'hostedzone');
    const zone = this.zones.get(bare);
    if (!zone) throw noSuchHostedZone(bare);
    return zone;
  }

  private changeRecords(input: ChangeResourceRecordSetsCommand['input']): object {
    const zone = this.zone(input.HostedZoneId);
    zone.changeBatch(input.ChangeBatch?.Changes, (id) => this.checks.exists(id));
    this.changeCounter++;
    const info: ChangeInfo = {
      Id: `/change/C${String(this.changeCounter).padStart(12, '0')}`,
      Status: 'PENDING',
      SubmittedAt: new Date(),
      ...(input.ChangeBatch?.Comment === undefined ? {} : { Comment: input.ChangeBatch.Comment }),
    };
    this.changes.set(info.Id!, { info, polls: 0 });
    return { ChangeInfo: info };
  }

  private getChange(id: string | undefined): object {
    const key = `/change/${stripPrefix(id, 'change')}`;
    const entry = this.changes.get(key);
    if (!entry) throw noSuchChange(String(id));
    entry.polls++;
    if (entry.polls > this.insyncAfterPolls) entry.info = { ...entry.info, Status: 'INSYNC' };
    return { ChangeInfo: entry.info };
  }

  private deleteHealthCheck(id: string | undefined): object {
    this.checks.delete(id, (hc) => [...this.zones.values()].some((z) => z.referencesHealthCheck(hc)));
    return {};
  }

  private listZones(input: ListHostedZonesByNameRequest): ListHostedZonesByNameResponse {
    if (input.HostedZoneId !== undefined && input.DNSName === undefined)
      throw invalidInput('HostedZoneId requires DNSName');
    const max = Math.min(input.MaxItems ?? 100, 100);
    const sorted = [...this.zones.values()].sort(
      (a, b) => compareAscii(reversedName(a.name), reversedName(b.name)) || compareAscii(a.id, b.id),
    );
    const start = input.DNSName === undefined ? undefined : reversedName(normaliseName(input.DNSName));
    const startId = stripPrefix(input.HostedZoneId, 'hostedzone');
    const from =
      start === undefined
        ? 0
        : sorted.findIndex((z) => (compareAscii(reversedName(z.name), start) || compareAscii(z.id, startId)) >= 0);
    const first = from < 0 ? sorted.length : from;
    const page = sorted.slice(first, first + max);
    const next = sorted[first + max];
    return {
      HostedZones: page.map((z) => ({
        Id: `/hostedzone/${z.id}`,
        Name: z.name,
        CallerReference: `model-${z.id}`,
        Config: { PrivateZone: false },
        ResourceRecordSetCount: z.snapshot().length,
      })),
      ...(input.DNSName === undefined ? {} : { DNSName: input.DNSName }),
      ...(input.HostedZoneId === undefined ? {} : { HostedZoneId: input.HostedZoneId }),
      IsTruncated: next !== undefined,
      MaxItems: max,
      ...(next ? { NextDNSName: next.name, NextHostedZoneId: `/hostedzone/${next.id}` } : {}),
    };
  }
}
