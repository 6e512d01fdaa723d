/**
 * The aws-asg source through the real SDK clients, backed by a small Auto Scaling / EC2 model: which lifecycle
 * states are published, pagination, DescribeInstances batching, address kinds, identity, and keeping the last
 * good list when AWS fails.
 */
import '../aws/sdk-env.js';
import { DescribeAutoScalingGroupsCommand, LifecycleState } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createAsgSource,
  INSTANCES_PER_REQUEST,
  listAsgCandidates,
  type AsgAddressKind,
} from '../../src/sources/aws-asg.js';
import { AsgModel, awsError } from '../aws/fixtures/asg-model.js';

let model: AsgModel;

beforeEach(() => {
  model = new AsgModel().install();
});
afterEach(() => model.restore());

const list = (
  groups: readonly string[],
  address: AsgAddressKind = 'private',
  extra: { port?: 3000; exclude?: ReadonlySet<string> } = {},
) => listAsgCandidates({ client: model.autoScaling, ec2: model.ec2, groups, address, ...extra });

describe('listAsgCandidates: lifecycle states', () => {
  const states = Object.values(LifecycleState);

  it('knows every lifecycle state of the pinned SDK (the table below covers them all)', () => {
    expect(states).toContain('InService');
    expect(states.length).toBeGreaterThanOrEqual(29);
  });

  it.each(states.map((state) => [state, state === 'InService'] as const))(
    '%s published: %s',
    async (state, published) => {
      model.addGroup('g');
      model.add({ id: 'i-0state', group: 'g', lifecycleState: state, privateIp: '10.0.0.9' });
      const listing = await list(['g']);
      expect(listing.candidates.map((c) => c.id)).toEqual(published ? ['i-0state'] : []);
      expect(listing.instances).toEqual([expect.objectContaining({ instanceId: 'i-0state', lifecycleState: state })]);
    },
  );

  it('excludes Unhealthy instances and instances EC2 does not report running, saying why', async () => {
    model.addGroup('g');
    model.add({ id: 'i-ok', group: 'g', privateIp: '10.0.0.1' });
    model.add({ id: 'i-sick', group: 'g', health: 'Unhealthy', privateIp: '10.0.0.2' });
    model.add({ id: 'i-stopping', group: 'g', ec2State: 'stopping', privateIp: '10.0.0.3' });
    model.add({ id: 'i-shutdown', group: 'g', ec2State: 'shutting-down', privateIp: '10.0.0.4' });
    const listing = await list(['g']);
    expect(listing.candidates.map((c) => c.id)).toEqual(['i-ok']);
    expect(listing.skipped).toEqual([
      { instanceId: 'i-stopping', group: 'g', reason: 'EC2 state stopping' },
      { instanceId: 'i-shutdown', group: 'g', reason: 'EC2 state shutting-down' },
    ]);
  });
});

describe('listAsgCandidates: paging and batching', () => {
  it('follows NextToken across groups and batches DescribeInstances at most 100 ids per request', async () => {
    model.groupsPerPage = 1;
    model.instancesPerPage = 40;
    for (const g of ['a', 'b', 'c']) model.addGroup(g);
    for (let n = 0; n < 250; n++) {
      model.add({
        id: `i-${String(n).padStart(4, '0')}`,
        group: ['a', 'b', 'c'][n % 3]!,
        privateIp: `10.1.${Math.floor(n / 200)}.${(n % 200) + 1}`,
      });
    }
    const listing = await list(['a', 'b', 'c']);
    expect(listing.candidates).toHaveLength(250);
    const groupCalls = model.asgCalls
      .commandCalls(DescribeAutoScalingGroupsCommand)
      .map((c) => c.args[0].input.NextToken);
    expect(groupCalls).toEqual([undefined, '1', '2']);
    const ec2Calls = model.ec2Calls.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    const batches = ec2Calls
      .filter((input) => input.NextToken === undefined)
      .map((input) => input.Filters![0]!.Values!);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.every((b) => b.length <= INSTANCES_PER_REQUEST)).toBe(true);
    expect(new Set(batches.flat()).size).toBe(250);
    // 100 ids at 40 per page: 3 pages each for the full batches, 2 for the last.
    expect(ec2Calls).toHaveLength(3 + 3 + 2);
    expect(ec2Calls.every((input) => input.InstanceIds === undefined)).toBe(true);
  });

  it('reports configured groups that do not exist', async () => {
    model.addGroup('real');
    model.add({ id: 'i-1', group: 'real', privateIp: '10.0.0.1' });
    const listing = await list(['real', 'tyop']);
    expect(listing.missingGroups).toEqual(['tyop']);
    expect(listing.candidates).toHaveLength(1);
  });

  it('asks EC2 nothing when no instance is eligible', async () => {
    model.addGroup('g');
    model.add({ id: 'i-1', group: 'g', lifecycleState: 'Standby', privateIp: '10.0.0.1' });
    expect((await list(['g'])).candidates).toEqual([]);
    expect(model.ec2Calls.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
  });
});

describe('listAsgCandidates: addresses and identity', () => {
  beforeEach(() => {
    model.addGroup('g');
    model.add({
      id: 'i-both',
      group: 'g',
      az: 'us-east-1b',
      privateIp: '10.0.0.1',
      publicIp: '54.1.2.3',
      ipv6: '2600:1F18:0:0::0A',
    });
    model.add({ id: 'i-private', group: 'g', az: 'us-east-1c', privateIp: '10.0.0.2' });
  });

  it.each([
    ['private', ['10.0.0.1', '10.0.0.2'], []],
    ['public', ['54.1.2.3'], [{ instanceId: 'i-private', group: 'g', reason: 'no public IPv4 address' }]],
    ['ipv6', ['2600:1f18::a'], [{ instanceId: 'i-private', group: 'g', reason: 'no IPv6 address' }]],
  ] as const)('%s addresses', async (kind, addresses, skipped) => {
    const listing = await list(['g'], kind);
    expect(listing.candidates.map((c) => c.address)).toEqual(addresses);
    expect(listing.skipped).toEqual(skipped);
  });

  it('uses the instance id as identity and the Availability Zone as rack, on the service port', async () => {
    const listing = await list(['g']);
    expect(listing.candidates).toEqual([
      { address: '10.0.0.1', port: 3000, id: 'i-both', rack: 'us-east-1b', source: 'aws-asg' },
      { address: '10.0.0.2', port: 3000, id: 'i-private', rack: 'us-east-1c', source: 'aws-asg' },
    ]);
  });

  it('treats excluded (leaving) instances as gone but still reports their address', async () => {
    const listing = await list(['g'], 'private', { exclude: new Set(['i-both']) });
    expect(listing.candidates.map((c) => c.id)).toEqual(['i-private']);
    expect(listing.leaving).toEqual([{ instanceId: 'i-both', address: '10.0.0.1' }]);
    expect(listing.skipped).toContainEqual({
      instanceId: 'i-both',
      group: 'g',
      reason: 'leaving (terminate lifecycle action)',
    });
  });
});

describe('createAsgSource', () => {
  it('lists on start, notices a recycled IP under a new instance id, and keeps the last list when AWS fails', async () => {
    model.addGroup('g');
    model.add({ id: 'i-old', group: 'g', privateIp: '10.0.0.5' });
    model.add({ id: 'i-two', group: 'g', privateIp: '10.0.0.6' });
    const onError = vi.fn();
    const source = createAsgSource({
      client: model.autoScaling,
      ec2: model.ec2,
      groups: ['g'],
      address: 'private',
      refreshMs: 3_600_000,
      onError,
    });
    const onChange = vi.fn();
    await source.start(onChange);
    expect(source.kind).toBe('aws-asg');
    expect(source.candidates().map((c) => [c.id, c.address])).toEqual([
      ['i-old', '10.0.0.5'],
      ['i-two', '10.0.0.6'],
    ]);
    expect(onChange).toHaveBeenCalledTimes(1);

    await source.refresh();
    expect(onChange).toHaveBeenCalledTimes(1); // nothing changed

    model.instances.delete('i-old');
    model.add({ id: 'i-new', group: 'g', privateIp: '10.0.0.5' });
    await source.refresh();
    expect(onChange).toHaveBeenCalledTimes(2);
    expect(source.candidates().map((c) => c.id)).toEqual(['i-new', 'i-two']);

    const before = source.candidates();
    model.failNext('DescribeAutoScalingGroups', awsError('Throttling', 'Rate exceeded'));
    await source.refresh();
    expect(source.candidates()).toBe(before);
    expect(source.lastError).toMatchObject({ name: 'Throttling' });
    expect(onError).toHaveBeenCalledTimes(1);

    model.failNext('DescribeInstances', new Error('socket hang up'));
    await source.refresh();
    expect(source.candidates()).toBe(before);
    expect(onChange).toHaveBeenCalledTimes(2);

    await source.refresh();
    expect(source.lastError).toBeUndefined();
    expect(source.listing?.candidates).toHaveLength(2);
    await source.close();
  });

  it('starts empty (not failing) when the very first listing fails, and fills in on the next refresh', async () => {
    model.addGroup('g');
    model.add({ id: 'i-1', group: 'g', privateIp: '10.0.0.1' });
    model.failNext('DescribeAutoScalingGroups', awsError('AccessDenied', 'not authorized'));
    const source = createAsgSource({ client: model.autoScaling, ec2: model.ec2, groups: ['g'], address: 'private' });
    await source.start(() => undefined);
    expect(source.candidates()).toEqual([]);
    expect(source.lastError).toMatchObject({ name: 'AccessDenied' });
    await source.refresh();
    expect(source.candidates()).toHaveLength(1);
    await source.close();
  });
});
