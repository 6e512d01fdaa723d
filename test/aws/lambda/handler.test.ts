/**
 * The Lambda handler fed recorded-shape EventBridge events (test/aws/fixtures/events), through the real SDK
 * clients against the Route 53 and Auto Scaling models: the record it leaves, and the lifecycle actions it
 * completes — including duplicated and reordered deliveries.
 */
import { CompleteLifecycleActionCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEvent } from './helpers.js';
import { GROUP, I1, I2, I3, ips, LAUNCH_HOOK, LambdaWorld, RECORD, TERMINATE_HOOK, ZONE_ID } from './world.js';

let world: LambdaWorld;

beforeEach(() => {
  world = new LambdaWorld();
  world.run(I1, I2);
});
afterEach(() => world.restore());

const completions = () => world.asg.asgCalls.commandCalls(CompleteLifecycleActionCommand).map((c) => c.args[0].input);

/** Auto Scaling's side of a launch: Pending:Wait with a token, then the lifecycle event. */
function launchAction(id: string, privateIp: string): Record<string, unknown> {
  world.asg.add({ id, group: GROUP, privateIp, lifecycleState: 'Pending' });
  const token = world.asg.startAction(id, 'launch', LAUNCH_HOOK);
  return loadEvent('launch-lifecycle-action', { EC2InstanceId: id, LifecycleActionToken: token });
}

/** Auto Scaling's side of a termination: Terminating:Wait with a token, then the lifecycle event. */
function terminateAction(id: string): { event: Record<string, unknown>; token: string } {
  const token = world.asg.startAction(id, 'terminate', TERMINATE_HOOK);
  return { event: loadEvent('terminate-lifecycle-action', { EC2InstanceId: id, LifecycleActionToken: token }), token };
}

describe('Lambda handler: reconcile on any event', () => {
  it('publishes the InService instances on the scheduled event, with the ownership marker, and is idempotent', async () => {
    const result = await world.invoke(loadEvent('scheduled'));
    expect(result).toMatchObject({
      record: RECORD,
      applied: true,
      added: ips(I1, I2),
      removed: [],
      event: { trigger: 'scheduled' },
    });
    expect(world.published()).toEqual(ips(I1, I2));
    const marker = world.route53.records(ZONE_ID).find((r) => r.Name === `_seedkeeper.${RECORD}.`);
    expect(marker?.ResourceRecords?.[0]?.Value).toBe('"seedkeeper/v1 owner=lambda-test"');

    const again = await world.invoke(loadEvent('scheduled'));
    expect(again.applied).toBe(false);
    expect(world.changes()).toBe(1);
  });

  it('launch: the lifecycle action is completed at once (not yet published); Launch Successful publishes it', async () => {
    await world.invoke(loadEvent('scheduled'));
    const event = launchAction(I3, '10.0.1.13');
    const result = await world.invoke(event);
    expect(result.lifecycle).toMatchObject({
      instanceId: I3,
      drain: 'not-needed',
      waitedMs: 0,
      completion: 'completed',
    });
    expect(world.published()).toEqual(ips(I1, I2));
    const detail = event.detail as Record<string, string>;
    expect(completions()).toEqual([
      {
        AutoScalingGroupName: GROUP,
        LifecycleHookName: LAUNCH_HOOK,
        LifecycleActionToken: detail.LifecycleActionToken,
        InstanceId: I3,
        LifecycleActionResult: 'CONTINUE',
      },
    ]);

    world.asg.instances.get(I3)!.lifecycleState = 'InService';
    await world.invoke(loadEvent('launch-successful'));
    expect(world.published()).toEqual(ips(I1, I2, I3));
  });

  it('terminate: removes the instance, waits for INSYNC and the TTL, then completes CONTINUE', async () => {
    world.run(I3);
    await world.invoke(loadEvent('scheduled'));
    const { event, token } = terminateAction(I1);
    const startedAt = world.clock;
    const result = await world.invoke(event);

    expect(world.published()).toEqual(ips(I2, I3));
    expect(result.lifecycle).toMatchObject({ instanceId: I1, drain: 'removed', completion: 'completed' });
    expect(completions()).toEqual([
      {
        AutoScalingGroupName: GROUP,
        LifecycleHookName: TERMINATE_HOOK,
        LifecycleActionToken: token,
        InstanceId: I1,
        LifecycleActionResult: 'CONTINUE',
      },
    ]);
    // INSYNC after two PENDING polls (2 s apart), then the 30 s TTL, all on the fake clock.
    const polls = world.route53.callsOf('GetChange');
    expect(polls.length).toBe(3);
    expect(result.lifecycle!.waitedMs).toBeGreaterThanOrEqual(30_000 + 2 * 2000);
    expect(result.lifecycle!.waitedMs).toBeLessThan(60_000);
    // Completed only after INSYNC and the TTL had passed since the change.
    expect(world.asg.completedAt).toHaveLength(1);
    expect(world.asg.completedAt[0]! - startedAt).toBeGreaterThanOrEqual(34_000);
    const messages = world.logs.map((l) => l.msg);
    expect(messages.indexOf('the change is INSYNC')).toBeGreaterThan(messages.indexOf(`record ${RECORD} updated`));
    expect(messages.indexOf(`lifecycle action of ${I1} completed with CONTINUE`)).toBeGreaterThan(
      messages.indexOf('the change is INSYNC'),
    );
  });

  it('terminate: the leaving instance is removed even while Auto Scaling still lists it InService', async () => {
    await world.invoke(loadEvent('scheduled'));
    const { event } = terminateAction(I1);
    world.asg.instances.get(I1)!.lifecycleState = 'InService'; // a stale read
    const result = await world.invoke(event);
    expect(world.published()).toEqual(ips(I2));
    expect(result.lifecycle?.drain).toBe('removed');
  });

  it('an EC2 state change to shutting-down removes an instance Auto Scaling still calls InService', async () => {
    await world.invoke(loadEvent('scheduled'));
    world.asg.instances.get(I1)!.ec2State = 'shutting-down';
    const result = await world.invoke(loadEvent('ec2-state-change'));
    expect(result.event.trigger).toBe('ec2-state');
    expect(world.published()).toEqual(ips(I2));
  });

  it('per-node mode: one multivalue-answer record per instance, SetIdentifier = instance id', async () => {
    world.restore();
    world = new LambdaWorld({ env: { SEEDKEEPER_MODE: 'per-node' } });
    world.run(I1, I2);
    await world.invoke(loadEvent('scheduled'));
    const records = world.route53.records(ZONE_ID).filter((r) => r.Name === `${RECORD}.` && r.Type === 'A');
    expect(records.map((r) => [r.SetIdentifier, r.ResourceRecords?.[0]?.Value, r.MultiValueAnswer])).toEqual(
      expect.arrayContaining([
        [I1, '10.0.1.11', true],
        [I2, '10.0.1.12', true],
      ]),
    );
    const { event } = terminateAction(I1);
    await world.invoke(event);
    expect(world.published()).toEqual(ips(I2));
  });
});

describe('Lambda handler: duplicated and reordered deliveries', () => {
  it('converges on the same record and completes each lifecycle action once', async () => {
    world.run(I3);
    await world.invoke(loadEvent('scheduled'));
    expect(world.published()).toEqual(ips(I1, I2, I3));

    // Scale-in of I1 with a lifecycle hook; EventBridge delivers the lifecycle event twice, and the
    // Terminate Successful event (which Auto Scaling emits later) arrives between the two copies.
    const { event, token } = terminateAction(I1);
    const first = await world.invoke(event);
    expect(first.lifecycle).toMatchObject({ drain: 'removed', completion: 'completed' });
    world.asg.instances.delete(I1); // terminated
    await world.invoke(loadEvent('terminate-successful'));
    const duplicate = await world.invoke(event);
    expect(duplicate.lifecycle).toMatchObject({ drain: 'not-needed', waitedMs: 0, completion: 'not-active' });
    expect(world.published()).toEqual(ips(I2, I3));

    // A launch whose Launch Successful event arrives before its lifecycle action event, each twice.
    const launchEvent = launchAction('i-0a1b2c3d4e5f60004', '10.0.1.14');
    const launchSuccessful = loadEvent('launch-successful', { EC2InstanceId: 'i-0a1b2c3d4e5f60004' });
    await world.invoke(launchSuccessful); // still Pending:Wait: not published
    await world.invoke(launchEvent);
    world.asg.instances.get('i-0a1b2c3d4e5f60004')!.lifecycleState = 'InService';
    await world.invoke(launchEvent);
    await world.invoke(launchSuccessful);
    expect(world.published()).toEqual([...ips(I2, I3), '10.0.1.14']);

    // A stale Launch Successful for the terminated I1 changes nothing.
    const changesBefore = world.changes();
    await world.invoke(loadEvent('launch-successful', { EC2InstanceId: I1 }));
    expect(world.changes()).toBe(changesBefore);
    expect(world.published()).toEqual([...ips(I2, I3), '10.0.1.14']);

    expect(world.asg.completed).toEqual([
      { group: GROUP, hook: TERMINATE_HOOK, token, instanceId: I1, result: 'CONTINUE' },
      {
        group: GROUP,
        hook: LAUNCH_HOOK,
        token: (launchEvent.detail as Record<string, string>).LifecycleActionToken,
        instanceId: 'i-0a1b2c3d4e5f60004',
        result: 'CONTINUE',
      },
    ]);
    expect(completions().every((c) => c.LifecycleActionResult === 'CONTINUE')).toBe(true);
    expect(completions()).toHaveLength(4); // the two duplicates were told "no active lifecycle action"
  });

  it('a terminate lifecycle event delivered after the instance is gone completes without waiting', async () => {
    await world.invoke(loadEvent('scheduled'));
    const { event } = terminateAction(I1);
    world.asg.instances.get(I1)!.lifecycleState = 'Terminating:Proceed';
    world.asg.instances.get(I1)!.ec2State = 'shutting-down';
    await world.invoke(loadEvent('scheduled')); // the periodic reconcile already removed it
    expect(world.published()).toEqual(ips(I2));
    const result = await world.invoke(event);
    expect(result.lifecycle).toMatchObject({ drain: 'not-needed', waitedMs: 0 });
    expect(world.published()).toEqual(ips(I2));
  });

  it('waits 60 s + TTL when a reconcile removed the address before the lifecycle event was handled', async () => {
    await world.invoke(loadEvent('scheduled'));
    const { event } = terminateAction(I1); // Terminating:Wait: no longer InService
    await world.invoke(loadEvent('scheduled')); // the periodic reconcile gets there first
    expect(world.published()).toEqual(ips(I2));
    const result = await world.invoke(event);
    // Someone else's change: its id is unknown, so Route 53's usual 60 s stands in for INSYNC.
    expect(result.lifecycle).toMatchObject({ drain: 'already-absent', waitedMs: 90_000, completion: 'completed' });
  });

  it('two terminations handled at the same time both leave the record (compare-and-swap conflicts retried)', async () => {
    world.run(I3, 'i-0a1b2c3d4e5f60004');
    await world.invoke(loadEvent('scheduled'));
    const a = terminateAction(I1);
    const b = terminateAction(I2);
    const results = await Promise.all([world.invoke(a.event), world.invoke(b.event)]);
    expect(results.map((r) => r.lifecycle?.completion)).toEqual(['completed', 'completed']);
    // Whichever came second found its address already gone and still waited before completing.
    expect(results.map((r) => r.lifecycle?.drain).sort()).toEqual(['already-absent', 'removed']);
    expect(world.published()).toEqual(
      ips(I3).concat(world.asg.instances.get('i-0a1b2c3d4e5f60004')!.privateIp!).sort(),
    );
    expect(world.asg.completed.map((c) => c.instanceId).sort()).toEqual([I1, I2]);
  });

  it('never logs the lifecycle token', async () => {
    await world.invoke(loadEvent('scheduled'));
    const { event, token } = terminateAction(I1);
    await world.invoke(event);
    expect(JSON.stringify(world.logs)).not.toContain(token);
    expect(world.logs.every((l) => typeof l.level === 'number' && typeof l.msg === 'string')).toBe(true);
  });
});
