/**
 * Lifecycle actions under pressure: waits bounded by the hook's heartbeat timeout and the Lambda's remaining
 * time, CONTINUE even when Route 53 or Auto Scaling keep failing, the removal cap, fail open, bad config.
 */
import { CompleteLifecycleActionCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, describe, expect, it } from 'vitest';
import { ReconcileFailedError } from '../../../src/aws/lambda/handler.js';
import { ConfigError } from '../../../src/errors.js';
import { awsError } from '../fixtures/asg-model.js';
import { serviceError } from '../route53-model.js';
import { loadEvent } from './helpers.js';
import { GROUP, I1, I2, I3, ips, LambdaWorld, TERMINATE_HOOK, type WorldOptions } from './world.js';

const EVENT_TIME = Date.parse('2026-11-28T10:03:02Z');
let world: LambdaWorld;

afterEach(() => world.restore());

function setup(options: WorldOptions = {}): LambdaWorld {
  world = new LambdaWorld(options);
  world.run(I1, I2, I3);
  return world;
}

function terminate(id: string): Record<string, unknown> {
  const token = world.asg.startAction(id, 'terminate', TERMINATE_HOOK);
  return loadEvent('terminate-lifecycle-action', { EC2InstanceId: id, LifecycleActionToken: token });
}

const completions = () => world.asg.asgCalls.commandCalls(CompleteLifecycleActionCommand).map((c) => c.args[0].input);
const messages = () => world.logs.map((l) => String(l.msg));

describe('terminate lifecycle action: bounded waits', () => {
  it("stops waiting at the hook's heartbeat timeout minus a margin, counted from the event time", async () => {
    // Heartbeat 60 s; the event is 40 s old when handled: 60 - 40 - 10 (margin) = 10 s left to wait.
    setup({ heartbeatSeconds: 60, insyncAfterPolls: Infinity, start: EVENT_TIME + 40_000 });
    await world.invoke(loadEvent('scheduled'));
    const started = world.clock;
    const result = await world.invoke(terminate(I1));
    expect(world.published()).toEqual(ips(I2, I3));
    expect(result.lifecycle).toMatchObject({ drain: 'removed', completion: 'completed' });
    expect(world.asg.completedAt[0]).toBeLessThanOrEqual(EVENT_TIME + 50_000);
    expect(world.asg.completedAt[0]! - started).toBeGreaterThan(5_000);
    expect(messages()).toContain('stopped waiting for INSYNC');
    expect(messages()).toContain('the lifecycle deadline cut the wait short');
  });

  it("stops waiting before the Lambda's own timeout", async () => {
    setup({ heartbeatSeconds: 3600, insyncAfterPolls: 1, lambdaBudgetMs: 20_000 });
    await world.invoke(loadEvent('scheduled'));
    const started = world.clock;
    const result = await world.invoke(terminate(I1));
    // INSYNC after 2 s, then the 30 s TTL cut to what is left of 20 s - 5 s (margin).
    expect(world.asg.completedAt[0]! - started).toBeLessThanOrEqual(15_000);
    expect(result.lifecycle!.waitedMs).toBeGreaterThan(10_000);
    expect(result.lifecycle?.completion).toBe('completed');
  });

  it('falls back to the Lambda bound when the hook cannot be read', async () => {
    setup({ lambdaBudgetMs: 25_000 });
    await world.invoke(loadEvent('scheduled'));
    world.asg.failNext('DescribeLifecycleHooks', awsError('AccessDenied', 'not authorized to DescribeLifecycleHooks'));
    const started = world.clock;
    await world.invoke(terminate(I1));
    expect(world.asg.completedAt[0]! - started).toBeLessThanOrEqual(20_000);
    expect(messages()).toContain('cannot read the lifecycle hook; waits are bounded by the Lambda timeout only');
  });
});

describe('terminate lifecycle action: never blocked', () => {
  it('completes CONTINUE when Route 53 keeps throttling, logs an error, and fails the invocation', async () => {
    setup();
    await world.invoke(loadEvent('scheduled'));
    world.route53.injectThrottling(10_000);
    const event = terminate(I1);
    await expect(world.invoke(event)).rejects.toBeInstanceOf(ReconcileFailedError);
    expect(completions()).toEqual([expect.objectContaining({ InstanceId: I1, LifecycleActionResult: 'CONTINUE' })]);
    expect(world.asg.completed).toHaveLength(1);
    expect(world.published()).toEqual(ips(I1, I2, I3)); // unchanged, never emptied
    const error = world.logs.find((l) => String(l.msg).startsWith('the record could not be updated'));
    expect(error).toMatchObject({ level: 50, instanceId: I1 });
  });

  it('completes CONTINUE when Route 53 refuses for good (AccessDenied)', async () => {
    setup();
    await world.invoke(loadEvent('scheduled'));
    world.route53.injectError(
      () => serviceError('AccessDenied', 'User is not authorized to perform route53:ChangeResourceRecordSets', 403),
      { command: 'ChangeResourceRecordSets', count: 100 },
    );
    await expect(world.invoke(terminate(I1))).rejects.toThrow(/updating seed\.db\.example\.com failed/);
    expect(world.asg.completed).toEqual([expect.objectContaining({ instanceId: I1, result: 'CONTINUE' })]);
  });

  it('completes CONTINUE when the Auto Scaling groups cannot be listed, and leaves the record as it is', async () => {
    setup();
    await world.invoke(loadEvent('scheduled'));
    world.asg.failNext('DescribeAutoScalingGroups', awsError('Throttling', 'Rate exceeded'), 10);
    await expect(world.invoke(terminate(I1))).rejects.toBeInstanceOf(ReconcileFailedError);
    expect(world.asg.completed).toHaveLength(1);
    expect(world.published()).toEqual(ips(I1, I2, I3));
  });

  it('retries a throttled CompleteLifecycleAction', async () => {
    setup();
    await world.invoke(loadEvent('scheduled'));
    world.asg.failNext('CompleteLifecycleAction', awsError('Throttling', 'Rate exceeded'), 2);
    const result = await world.invoke(terminate(I1));
    expect(result.lifecycle?.completion).toBe('completed');
    expect(completions()).toHaveLength(3);
  });
});

describe('terminate lifecycle action: plan guards', () => {
  it('removes the leaving instance outside the removal cap; other removals still wait', async () => {
    setup({ env: { SEEDKEEPER_MAX_REMOVALS: '1' } });
    // Addresses that sort before the leaving one: the ordinary plan would spend the cap on them.
    world.asg.add({ id: 'i-4', group: GROUP, privateIp: '10.0.0.4' });
    world.asg.add({ id: 'i-5', group: GROUP, privateIp: '10.0.0.5' });
    await world.invoke(loadEvent('scheduled'));
    world.asg.instances.delete('i-4');
    world.asg.instances.delete('i-5');
    const result = await world.invoke(terminate(I1));
    expect([...result.removed].sort()).toEqual(['10.0.0.4', '10.0.1.11']);
    expect(result.lifecycle?.drain).toBe('removed');
    expect(world.published()).toEqual(['10.0.0.5', ...ips(I2, I3)]);
    await world.invoke(loadEvent('scheduled'));
    expect(world.published()).toEqual(ips(I2, I3));
  });

  it('keeps the last instance published (fail open) and still completes', async () => {
    world = new LambdaWorld();
    world.run(I1);
    await world.invoke(loadEvent('scheduled'));
    const result = await world.invoke(terminate(I1));
    expect(world.published()).toEqual(ips(I1));
    expect(result.lifecycle).toMatchObject({ drain: 'still-published', waitedMs: 0, completion: 'completed' });
  });
});

describe('lifecycle events the handler does not complete, and bad configuration', () => {
  it('does not complete actions of groups it does not manage, nor events without a token', async () => {
    setup();
    const foreign = loadEvent('terminate-lifecycle-action', { AutoScalingGroupName: 'someone-else' });
    await world.invoke(foreign);
    await world.invoke(loadEvent('terminate-lifecycle-action', { LifecycleActionToken: undefined }));
    expect(completions()).toEqual([]);
    expect(messages()).toContain('lifecycle event cannot be completed; reconciling only');
  });

  it('names the bad variable, and still releases a lifecycle action', async () => {
    world = new LambdaWorld({ env: { SEEDKEEPER_TTL: 'soon' } });
    world.run(I1, I2);
    const error: unknown = await world.invoke(terminate(I1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('SEEDKEEPER_TTL');
    expect((error as Error).message).toMatch(/^SEEDKEEPER_TTL: expected a TTL in seconds 1\.\.86400, got "soon"/);
    expect(world.asg.completed).toEqual([expect.objectContaining({ instanceId: I1, result: 'CONTINUE' })]);
    expect(world.logs.find((l) => l.msg === 'invalid configuration')).toMatchObject({ variable: 'SEEDKEEPER_TTL' });
    await expect(world.invoke(loadEvent('scheduled'))).rejects.toThrow(/SEEDKEEPER_TTL/);
  });
});

describe('lifecycle actions under an invalid configuration', () => {
  it.each([
    ['a stray variable, another hook', { SEEDKEEPER_STRAY: 'x' }, 'someone-else'],
    ['a stray variable, another owner', { SEEDKEEPER_STRAY: 'x' }, 'seedkeeper/v1 owner=someone-else'],
    ['a bad TTL, no metadata', { SEEDKEEPER_TTL: 'soon' }, undefined],
    ['the owner id itself invalid', { SEEDKEEPER_OWNER_ID: 'bad owner!' }, 'seedkeeper/v1 owner=bad owner!'],
    [
      'the owner id unset (a default proves nothing)',
      { SEEDKEEPER_OWNER_ID: undefined, SEEDKEEPER_TTL: 'soon' },
      'seedkeeper/v1 owner=seedkeeper',
    ],
    ['the groups unset', { SEEDKEEPER_ASG_NAMES: undefined }, 'seedkeeper/v1 owner=lambda-test'],
  ])('complete nothing that is not provably ours (%s)', async (_label, env, metadata) => {
    world = new LambdaWorld({ env });
    world.run(I1, I2, I3);
    const token = world.asg.startAction(I3, 'launch', TERMINATE_HOOK);
    const event = loadEvent('launch-lifecycle-action', {
      EC2InstanceId: I3,
      LifecycleActionToken: token,
      NotificationMetadata: metadata,
    });
    await expect(world.invoke(event)).rejects.toBeInstanceOf(ConfigError);
    expect(completions()).toEqual([]);
    expect(messages()).toContain(
      'configuration invalid and the lifecycle action is not provably ours: not completed (its hook times out)',
    );
  });

  it('completes nothing for a group we do not manage, even with our marker', async () => {
    world = new LambdaWorld({ env: { SEEDKEEPER_STRAY: 'x' } });
    world.run(I1, I2, I3);
    const event = loadEvent('terminate-lifecycle-action', { AutoScalingGroupName: 'other-asg', EC2InstanceId: I1 });
    await expect(world.invoke(event)).rejects.toBeInstanceOf(ConfigError);
    expect(completions()).toEqual([]);
  });
});

describe("lifecycle actions of other tools' hooks", () => {
  it.each([
    ['no metadata', undefined],
    ['another owner', 'seedkeeper/v1 owner=someone-else'],
    ['not a marker', 'bootstrap-aerospike'],
  ])('are never completed (%s); the record still follows the group', async (_label, metadata) => {
    setup();
    await world.invoke(loadEvent('scheduled'));
    const token = world.asg.startAction(I1, 'terminate', TERMINATE_HOOK);
    const event = loadEvent('terminate-lifecycle-action', {
      EC2InstanceId: I1,
      LifecycleActionToken: token,
      NotificationMetadata: metadata,
    });
    await world.invoke(event);
    expect(completions()).toEqual([]);
    expect(messages().some((m) => m.includes('not ours'))).toBe(true);
    // The instance is Terminating:Wait, no longer InService, so the reconcile drops it (without waiting).
    expect(world.published()).toEqual(ips(I2, I3));
  });
});
