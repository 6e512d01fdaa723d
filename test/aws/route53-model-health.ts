/**
 * Health checks and their tags in the Route 53 model. CreateHealthCheck is idempotent per CallerReference
 * (same settings: the existing check; other settings, or a deleted check's reference: HealthCheckAlreadyExists);
 * Route 53 refuses IP addresses its checkers cannot reach (local, private, non-routable).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type {
  ChangeTagsForResourceRequest,
  CreateHealthCheckRequest,
  CreateHealthCheckResponse,
  HealthCheck,
  ListHealthChecksRequest,
  ListHealthChecksResponse,
  ListTagsForResourceRequest,
  ListTagsForResourceResponse,
  ListTagsForResourcesRequest,
  ListTagsForResourcesResponse,
  Tag,
} from '@aws-sdk/client-route-53';
import { healthCheckAlreadyExists, invalidInput, noSuchHealthCheck } from './route53-model-errors.js';
import { unroutable } from './route53-model-names.js';

interface Stored {
  readonly check: HealthCheck;
  /** The config as requested (CreateHealthCheck's idempotency compares this). */
  readonly requested: unknown;
  readonly tags: Map<string, string>;
  deleted: boolean;
}

export class HealthChecks {
  private readonly byId = new Map<string, Stored>();
  private readonly byReference = new Map<string, Stored>();
  /** Ids of checks deleted while a record still named them (an ordering bug in the caller). */
  readonly deletedInUse: string[] = [];

  exists(id: string): boolean {
    return this.byId.get(id)?.deleted === false;
  }

  /** Live health checks with their tags (deep copies), in creation order. */
  all(): { check: HealthCheck; tags: Record<string, string> }[] {
    return [...this.byId.values()]
      .filter((s) => !s.deleted)
      .map((s) => ({ check: structuredClone(s.check), tags: Object.fromEntries(s.tags) }));
  }

  create(input: CreateHealthCheckRequest): CreateHealthCheckResponse {
    const reference = input.CallerReference;
    const config = input.HealthCheckConfig;
    if (!reference || reference.length > 64) throw invalidInput('CallerReference must have 1..64 characters');
    if (!config?.Type) throw invalidInput('HealthCheckConfig.Type is required');
    const prior = this.byReference.get(reference);
    if (prior) {
      if (!prior.deleted && isDeepStrictEqual(prior.requested, config)) return this.response(prior);
      throw healthCheckAlreadyExists(reference);
    }
    if (config.Type === 'TCP' || config.Type === 'HTTP' || config.Type === 'HTTPS') {
      if (config.Port === undefined || config.Port < 1 || config.Port > 65535)
        throw invalidInput('HealthCheckConfig.Port must be 1..65535');
      if (!config.IPAddress && !config.FullyQualifiedDomainName)
        throw invalidInput('HealthCheckConfig needs IPAddress or FullyQualifiedDomainName');
    }
    if (config.IPAddress !== undefined && unroutable(config.IPAddress)) {
      throw invalidInput(
        `IP address ${config.IPAddress} is in a local, private, non-routable or multicast range: Route 53 health checkers cannot reach it`,
      );
    }
    if (config.RequestInterval !== undefined && config.RequestInterval !== 10 && config.RequestInterval !== 30)
      throw invalidInput('RequestInterval must be 10 or 30');
    if (config.FailureThreshold !== undefined && (config.FailureThreshold < 1 || config.FailureThreshold > 10))
      throw invalidInput('FailureThreshold must be 1..10');
    const check: HealthCheck = {
      Id: randomUUID(),
      CallerReference: reference,
      HealthCheckConfig: structuredClone({ RequestInterval: 30, FailureThreshold: 3, ...config }),
      HealthCheckVersion: 1,
    };
    const stored: Stored = { check, requested: structuredClone(config), tags: new Map(), deleted: false };
    this.byId.set(check.Id!, stored);
    this.byReference.set(reference, stored);
    return this.response(stored);
  }

  get(id: string | undefined): HealthCheck {
    return structuredClone(this.live(id).check);
  }

  /**
   * Route 53 deletes a health check even while a record still names it (the record then behaves as if it
   * had no check): nothing stops an ordering bug, so neither does the model. `inUse` is told about it.
   */
  delete(id: string | undefined, inUse: (id: string) => boolean): void {
    const stored = this.live(id);
    if (inUse(stored.check.Id!)) this.deletedInUse.push(stored.check.Id!);
    stored.deleted = true;
  }

  list(input: ListHealthChecksRequest): ListHealthChecksResponse {
    const max = Math.min(input.MaxItems ?? 100, 1000);
    const live = [...this.byId.values()].filter((s) => !s.deleted);
    const from = input.Marker === undefined ? 0 : live.findIndex((s) => s.check.Id === input.Marker);
    if (from < 0) throw invalidInput(`Marker ${input.Marker} is not a health check id`);
    const page = live.slice(from, from + max);
    const next = live[from + max];
    return {
      HealthChecks: page.map((s) => structuredClone(s.check)),
      Marker: input.Marker ?? '',
      IsTruncated: next !== undefined,
      MaxItems: max,
      ...(next ? { NextMarker: next.check.Id } : {}),
    };
  }

  changeTags(input: ChangeTagsForResourceRequest): void {
    if (input.ResourceType !== 'healthcheck') throw invalidInput('this model keeps tags of health checks only');
    const stored = this.live(input.ResourceId);
    const add = input.AddTags ?? [];
    const remove = input.RemoveTagKeys ?? [];
    if (add.length > 10 || remove.length > 10)
      throw invalidInput('at most 10 tags to add and 10 keys to remove per request');
    for (const key of remove) stored.tags.delete(key);
    for (const tag of add) {
      if (!tag.Key) throw invalidInput('a tag needs a Key');
      stored.tags.set(tag.Key, tag.Value ?? '');
    }
    if (stored.tags.size > 50) throw invalidInput('at most 50 tags per resource');
  }

  listTags(input: ListTagsForResourceRequest): ListTagsForResourceResponse {
    if (input.ResourceType !== 'healthcheck') throw invalidInput('this model keeps tags of health checks only');
    const stored = this.live(input.ResourceId);
    return { ResourceTagSet: { ResourceType: 'healthcheck', ResourceId: stored.check.Id, Tags: tagsOf(stored) } };
  }

  listTagsMany(input: ListTagsForResourcesRequest): ListTagsForResourcesResponse {
    if (input.ResourceType !== 'healthcheck') throw invalidInput('this model keeps tags of health checks only');
    const ids = input.ResourceIds ?? [];
    if (ids.length < 1 || ids.length > 10) throw invalidInput('ResourceIds must list 1..10 ids');
    return {
      ResourceTagSets: ids.map((id) => ({ ResourceType: 'healthcheck', ResourceId: id, Tags: tagsOf(this.live(id)) })),
    };
  }

  private live(id: string | undefined): Stored {
    const stored = id === undefined ? undefined : this.byId.get(id);
    if (!stored || stored.deleted) throw noSuchHealthCheck(String(id));
    return stored;
  }

  private response(stored: Stored): CreateHealthCheckResponse {
    return {
      HealthCheck: structuredClone(stored.check),
      Location: `https://route53.amazonaws.com/2013-04-01/healthcheck/${stored.check.Id}`,
    };
  }
}

function tagsOf(stored: Stored): Tag[] {
  return [...stored.tags].map(([Key, Value]) => ({ Key, Value }));
}
