/**
 * Route 53 health checks for per-node records: a TCP check of the member's address and service port,
 * created (unique CallerReference) and tagged `seedkeeper-owner=<tagOwner>` + `seedkeeper-member=<id>`
 * before its record, deleted after its record. Health checks without our owner tag are never deleted.
 * Route 53's checkers run on the internet, outside any VPC: private addresses are refused up front.
 */
import { randomUUID } from 'node:crypto';
import { isIPv4 } from 'node:net';
import {
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  ListTagsForResourcesCommand,
  type ResourceTagSet,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { ProviderError } from '../types.js';
import { errorName, PROVIDER } from './errors.js';
import type { Route53Caller } from './rate.js';
import { formatHostPort, unmapIpv4 } from '../../net/endpoint.js';

export const OWNER_TAG = 'seedkeeper-owner';
export const MEMBER_TAG = 'seedkeeper-member';

export interface HealthCheckSettings {
  readonly port: number;
  readonly failureThreshold: number;
  readonly requestIntervalSeconds: 10 | 30;
  readonly tagOwner: string;
}

type LogFn = (obj: Record<string, unknown>, msg: string) => void;
interface Deps {
  readonly caller: Route53Caller;
  readonly client: Route53Client;
  readonly settings: HealthCheckSettings;
  readonly log: { readonly warn: LogFn; readonly info: LogFn };
}

/** Why Route 53's checkers cannot reach `ip` (private, unique local, loopback, link-local…), or undefined. */
export function unreachableReason(ip: string): string | undefined {
  if (isIPv4(ip)) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    if (a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)) return 'a private (RFC 1918) address';
    if (a === 127) return 'a loopback address';
    if (a === 169 && b === 254) return 'a link-local address';
    if (a === 100 && b >= 64 && b < 128) return 'a shared (carrier-grade NAT, RFC 6598) address';
    if (a === 0 || a >= 224) return 'not a unicast address';
    return undefined;
  }
  const v6 = ip.toLowerCase();
  if (v6 === '::1') return 'a loopback address';
  if (v6 === '::') return 'not a unicast address';
  if (/^f[cd]/.test(v6)) return 'a unique local (ULA, fc00::/7) address';
  if (/^fe[89ab]/.test(v6)) return 'a link-local address';
  if (v6.startsWith('ff')) return 'not a unicast address';
  const mapped = unmapIpv4(v6);
  if (mapped !== undefined) return unreachableReason(mapped);
  return undefined;
}

/** Throws ERR_ROUTE53_PRIVATE_IP for the first member address Route 53 cannot health-check. */
export function requireCheckable(
  members: readonly { readonly name: string; readonly address: string; readonly id: string }[],
): void {
  for (const m of members) {
    const reason = unreachableReason(m.address);
    if (reason === undefined) continue;
    throw new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_PRIVATE_IP',
      `cannot create a Route 53 health check for ${m.name} member ${m.id} at ${m.address}: it is ${reason}, and Route 53 health checkers run outside your VPC, on the internet, so they can never reach it. ` +
        `Turn off Route 53 health checks (healthChecks) and let seedkeeper's own health checker, which runs inside the VPC, decide who is in the record; or publish public addresses`,
      { labels: ['usage'] },
    );
  }
}

/** Creates and tags the health check of one member; returns its id. */
export async function createHealthCheck(
  deps: Deps,
  member: { readonly name: string; readonly address: string; readonly id: string },
): Promise<string> {
  const { caller, client, settings } = deps;
  const what = `health check for ${member.name} member ${member.id} (${formatHostPort({ host: member.address, port: settings.port })})`;
  const input = {
    CallerReference: `seedkeeper-${randomUUID()}`,
    HealthCheckConfig: {
      Type: 'TCP' as const,
      IPAddress: member.address,
      Port: settings.port,
      RequestInterval: settings.requestIntervalSeconds,
      FailureThreshold: settings.failureThreshold,
    },
  };
  const created = await caller.call('CreateHealthCheck', `create ${what}`, () =>
    client.send(new CreateHealthCheckCommand(input)),
  );
  const id = created.HealthCheck?.Id;
  if (id === undefined)
    throw new ProviderError(PROVIDER, 'ERR_ROUTE53', `create ${what}: Route 53 returned no health check id`);
  const tags = [
    { Key: OWNER_TAG, Value: settings.tagOwner },
    { Key: MEMBER_TAG, Value: member.id.slice(0, 256) },
    { Key: 'Name', Value: `seedkeeper ${member.name} ${member.id}`.slice(0, 256) },
  ];
  try {
    await caller.call('ChangeTagsForResource', `tag ${what}`, () =>
      client.send(new ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id, AddTags: tags })),
    );
  } catch (error) {
    await deleteHealthChecks(deps, [id], 'its tags could not be set');
    throw error;
  }
  deps.log.info({ healthCheckId: id, member: member.id, address: member.address }, `route53: created ${what}`);
  return id;
}

/** Deletes health checks this provider just created (a batch that would use them failed). Never throws. */
export async function deleteHealthChecks(deps: Deps, ids: readonly string[], why: string): Promise<void> {
  for (const id of ids) {
    try {
      await deps.caller.call('DeleteHealthCheck', `delete health check ${id}`, () =>
        deps.client.send(new DeleteHealthCheckCommand({ HealthCheckId: id })),
      );
    } catch (error) {
      if (errorName((error as Error).cause) === 'NoSuchHealthCheck') continue;
      deps.log.warn(
        { healthCheckId: id, error: (error as Error).message },
        `route53: could not delete health check ${id} (${why}); delete it by hand`,
      );
    }
  }
}

async function tagSets(deps: Deps, ids: readonly string[]): Promise<ResourceTagSet[]> {
  try {
    const out = await deps.caller.call('ListTagsForResources', `read tags of health checks ${ids.join(', ')}`, () =>
      deps.client.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: [...ids] })),
    );
    return out.ResourceTagSets ?? [];
  } catch (error) {
    // One of them is already gone: ask one by one so the others are still handled.
    if (ids.length === 1 || errorName((error as Error).cause) !== 'NoSuchHealthCheck') throw error;
    const sets: ResourceTagSet[] = [];
    for (const id of ids) sets.push(...(await tagSets(deps, [id]).catch(() => [])));
    return sets;
  }
}

/**
 * Deletes the health checks records no longer use, but only those tagged with our owner; the rest are
 * left alone and logged. Never throws: the records are already right, a leftover check only costs money.
 */
export async function releaseHealthChecks(deps: Deps, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10) {
    const chunk = ids.slice(i, i + 10);
    try {
      const sets = await tagSets(deps, chunk);
      const ours = sets
        .filter((s) => s.Tags?.some((t) => t.Key === OWNER_TAG && t.Value === deps.settings.tagOwner))
        .map((s) => s.ResourceId!);
      const foreign = chunk.filter((id) => !ours.includes(id) && sets.some((s) => s.ResourceId === id));
      if (foreign.length > 0)
        deps.log.info(
          { healthCheckIds: foreign },
          `route53: left health checks not tagged ${OWNER_TAG}=${deps.settings.tagOwner} alone`,
        );
      await deleteHealthChecks(deps, ours, 'its record was deleted');
    } catch (error) {
      deps.log.warn(
        { healthCheckIds: chunk, error: (error as Error).message },
        'route53: could not check or delete health checks whose records were deleted',
      );
    }
  }
}
