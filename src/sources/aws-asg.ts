/**
 * `aws-asg` source: the InService, Healthy instances of named EC2 Auto Scaling groups that EC2 reports as
 * `running`, each offered at its private IPv4, public IPv4 or IPv6 address. The instance id is the candidate's
 * identity (an IP recycled to a new instance is a new member) and the Availability Zone its rack.
 *
 * Every other lifecycle state is excluded: Pending*, Terminating*, Terminated, Detaching, Detached,
 * EnteringStandby, Standby, Quarantined, ReplacingRootVolume*, RootVolumeReplaced and every Warmed:* state.
 * An AWS error never empties the list: the source keeps the last good one and reports the error.
 */
import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type EC2Client, type Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { isIP } from 'node:net';
import { canonicalIp } from '../net/ip.js';
import { SourceError, type Candidate, type Source } from './types.js';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.js';
import { repeatEvery } from '../time/repeat.js';
import { DEFAULT_SERVICE_PORT, endpointKey } from '../net/endpoint.js';

export type AsgAddressKind = 'private' | 'public' | 'ipv6';

/** The only lifecycle state whose instances are published. */
export const ELIGIBLE_LIFECYCLE_STATE = 'InService';
/** Group names per DescribeAutoScalingGroups request, and instance ids per DescribeInstances request. */
export const GROUPS_PER_REQUEST = 50;
export const INSTANCES_PER_REQUEST = 100;
/** A runaway NextToken loop stops here (and is reported as an error). */
const MAX_PAGES = 1000;

export interface AsgListOptions {
  readonly client: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly groups: readonly string[];
  readonly address: AsgAddressKind;
  /** Service port of every candidate. Default 3000. */
  readonly port?: number;
  /** Instance ids treated as leaving even while still InService (a terminate lifecycle action). */
  readonly exclude?: ReadonlySet<string>;
}

/** Every instance of the groups with its Auto Scaling state, eligible or not (for lifecycle decisions and logs). */
export interface AsgInstanceState {
  readonly instanceId: string;
  readonly group: string;
  readonly lifecycleState: string;
  readonly healthStatus: string;
  readonly availabilityZone?: string;
}

export interface SkippedInstance {
  readonly instanceId: string;
  readonly group: string;
  readonly reason: string;
}

export interface AsgListing {
  readonly candidates: readonly Candidate[];
  readonly instances: readonly AsgInstanceState[];
  /** InService instances that are not offered, and why (no address of the requested kind, not running...). */
  readonly skipped: readonly SkippedInstance[];
  /** Configured group names that DescribeAutoScalingGroups did not return (misspelt or deleted). */
  readonly missingGroups: readonly string[];
  /** The `exclude` instances with their address of the requested kind, when EC2 still reports one. */
  readonly leaving: readonly { readonly instanceId: string; readonly address?: string }[];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Why an Auto Scaling instance is not eligible, or undefined when it is. */
export function asgExclusionReason(
  lifecycleState: string | undefined,
  healthStatus: string | undefined,
): string | undefined {
  if (lifecycleState !== ELIGIBLE_LIFECYCLE_STATE) return `lifecycle state ${lifecycleState ?? 'unknown'}`;
  if (healthStatus !== 'Healthy') return `health status ${healthStatus ?? 'unknown'}`;
  return undefined;
}

async function describeGroups(options: AsgListOptions): Promise<{ states: AsgInstanceState[]; found: Set<string> }> {
  const found = new Set<string>();
  const states: AsgInstanceState[] = [];
  for (const names of chunk([...new Set(options.groups)], GROUPS_PER_REQUEST)) {
    let token: string | undefined;
    let pages = 0;
    do {
      if (++pages > MAX_PAGES)
        throw new SourceError(
          'ERR_ASG_TOO_MANY_PAGES',
          `DescribeAutoScalingGroups returned more than ${MAX_PAGES} pages`,
        );
      const page = await options.client.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names, ...(token ? { NextToken: token } : {}) }),
      );
      for (const group of page.AutoScalingGroups ?? []) {
        const groupName = group.AutoScalingGroupName ?? '';
        found.add(groupName);
        for (const i of group.Instances ?? []) {
          if (!i.InstanceId) continue;
          states.push({
            instanceId: i.InstanceId,
            group: groupName,
            lifecycleState: i.LifecycleState ?? 'unknown',
            healthStatus: i.HealthStatus ?? 'unknown',
            ...(i.AvailabilityZone ? { availabilityZone: i.AvailabilityZone } : {}),
          });
        }
      }
      token = page.NextToken;
    } while (token);
  }
  return { states, found };
}

/**
 * EC2's view of the instances. A filter on `instance-id` (not the InstanceIds parameter) so that an instance
 * that vanished between the two calls is simply absent instead of failing the whole request with
 * InvalidInstanceID.NotFound.
 */
async function describeInstances(ec2: EC2Client, ids: readonly string[]): Promise<Map<string, Ec2Instance>> {
  const byId = new Map<string, Ec2Instance>();
  for (const batch of chunk(ids, INSTANCES_PER_REQUEST)) {
    let token: string | undefined;
    let pages = 0;
    do {
      if (++pages > MAX_PAGES)
        throw new SourceError('ERR_ASG_TOO_MANY_PAGES', `DescribeInstances returned more than ${MAX_PAGES} pages`);
      const page = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'instance-id', Values: batch }],
          MaxResults: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? [])
          if (instance.InstanceId) byId.set(instance.InstanceId, instance);
      }
      token = page.NextToken;
    } while (token);
  }
  return byId;
}

/** The address of the requested kind, or undefined. IPv6: the primary one, else the primary interface's first. */
export function instanceAddress(instance: Ec2Instance, kind: AsgAddressKind): string | undefined {
  if (kind === 'private') return instance.PrivateIpAddress;
  if (kind === 'public') return instance.PublicIpAddress;
  if (instance.Ipv6Address) return instance.Ipv6Address;
  const interfaces = [...(instance.NetworkInterfaces ?? [])].sort(
    (a, b) => (a.Attachment?.DeviceIndex ?? 99) - (b.Attachment?.DeviceIndex ?? 99),
  );
  for (const ni of interfaces) {
    const addresses = ni.Ipv6Addresses ?? [];
    const chosen = addresses.find((a) => a.IsPrimaryIpv6 === true) ?? addresses[0];
    if (chosen?.Ipv6Address) return chosen.Ipv6Address;
  }
  return undefined;
}

const KIND_TEXT: Record<AsgAddressKind, string> = { private: 'private IPv4', public: 'public IPv4', ipv6: 'IPv6' };

/** One listing of the groups: candidates, every instance's state, and what was skipped and why. */
export async function listAsgCandidates(options: AsgListOptions): Promise<AsgListing> {
  const port = options.port ?? DEFAULT_SERVICE_PORT;
  const { states: instances, found } = await describeGroups(options);
  const eligible = instances.filter((i) => asgExclusionReason(i.lifecycleState, i.healthStatus) === undefined);
  const skipped: SkippedInstance[] = [];
  const wanted = eligible.filter((i) => {
    if (!options.exclude?.has(i.instanceId)) return true;
    skipped.push({ instanceId: i.instanceId, group: i.group, reason: 'leaving (terminate lifecycle action)' });
    return false;
  });
  const excluded = [...(options.exclude ?? [])];
  const ids = [...new Set([...wanted.map((i) => i.instanceId), ...excluded])];
  const ec2 = ids.length > 0 ? await describeInstances(options.ec2, ids) : new Map<string, Ec2Instance>();
  const leaving = excluded.map((instanceId) => {
    const instance = ec2.get(instanceId);
    const address = instance ? instanceAddress(instance, options.address) : undefined;
    return { instanceId, ...(address && isIP(address) !== 0 ? { address: canonicalIp(address) } : {}) };
  });
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const i of wanted) {
    if (seen.has(i.instanceId)) continue;
    seen.add(i.instanceId);
    const skip = (reason: string): void => void skipped.push({ instanceId: i.instanceId, group: i.group, reason });
    const instance = ec2.get(i.instanceId);
    if (!instance) {
      skip('not returned by DescribeInstances');
      continue;
    }
    const state = instance.State?.Name ?? 'unknown';
    if (state !== 'running') {
      skip(`EC2 state ${state}`);
      continue;
    }
    const address = instanceAddress(instance, options.address);
    if (!address || isIP(address) === 0) {
      skip(`no ${KIND_TEXT[options.address]} address`);
      continue;
    }
    const rack = i.availabilityZone ?? instance.Placement?.AvailabilityZone;
    candidates.push({
      address: canonicalIp(address),
      port,
      id: i.instanceId,
      ...(rack ? { rack } : {}),
      source: 'aws-asg',
    });
  }
  candidates.sort((a, b) => (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0));
  return {
    candidates,
    instances,
    skipped,
    missingGroups: options.groups.filter((g) => !found.has(g)),
    leaving,
  };
}

export interface AsgSourceOptions {
  readonly client: AutoScalingClient;
  readonly ec2: EC2Client;
  readonly groups: readonly string[];
  readonly address: AsgAddressKind;
  readonly port?: number;
  /** Period between listings. Default 30 000 ms. */
  readonly refreshMs?: number;
  /** Called when a listing fails (the last good list is kept). */
  readonly onError?: (error: unknown) => void;
  /** Called after every successful listing (skipped instances, missing groups) for logs. */
  readonly onListing?: (listing: AsgListing) => void;
  /** The refresh timer (tests). Default systemClock. */
  readonly clock?: Clock;
}

export interface AsgSource extends Source {
  /** List now (also what `start` and the timer do). Never rejects: failures go to `lastError`. */
  refresh(): Promise<void>;
  /** The last successful listing, if any. */
  readonly listing: AsgListing | undefined;
  /** The error of the last listing, undefined once a listing succeeds again. */
  readonly lastError: unknown;
}

function sameCandidates(a: readonly Candidate[], b: readonly Candidate[]): boolean {
  const key = (c: Candidate): string =>
    `${c.id ?? ''}|${endpointKey({ host: c.address, port: c.port })}|${c.rack ?? ''}`;
  return a.length === b.length && a.every((c, i) => key(c) === key(b[i]!));
}

export function createAsgSource(options: AsgSourceOptions): AsgSource {
  let last: readonly Candidate[] = Object.freeze([]);
  let listing: AsgListing | undefined;
  let lastError: unknown;
  let timer: TimerHandle | undefined;
  let inFlight: Promise<void> | undefined;
  let closed = false;
  let notify: () => void = () => undefined;

  const listOnce = async (): Promise<void> => {
    try {
      const result = await listAsgCandidates(options);
      if (closed) return;
      listing = result;
      lastError = undefined;
      options.onListing?.(result);
      if (!sameCandidates(last, result.candidates)) {
        last = Object.freeze([...result.candidates]);
        notify();
      }
    } catch (error) {
      if (closed) return;
      lastError = error;
      options.onError?.(error);
    }
  };

  const refresh = (): Promise<void> => {
    inFlight ??= listOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  return {
    kind: 'aws-asg',
    async start(onChange) {
      notify = onChange;
      await refresh();
      if (closed) return;
      timer = repeatEvery(options.clock ?? systemClock, options.refreshMs ?? 30_000, () => void refresh());
    },
    candidates: () => last,
    refresh,
    get listing() {
      return listing;
    },
    get lastError() {
      return lastError;
    },
    async close() {
      closed = true;
      timer?.cancel();
      await inFlight;
    },
  };
}
