/**
 * Classifying recorded-shape EventBridge events (the fixtures follow AWS's documented shapes).
 */
import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../../../src/aws/lambda/events.js';
import { loadEvent } from './helpers.js';

describe('classifyEvent', () => {
  it('reads a terminate lifecycle action with everything CompleteLifecycleAction needs', () => {
    const classified = classifyEvent(loadEvent('terminate-lifecycle-action'));
    expect(classified).toEqual({
      id: '9d8c3a1e-4b2f-4e6a-8c1d-2f7e5b3a9c44',
      detailType: 'EC2 Instance-terminate Lifecycle Action',
      source: 'aws.autoscaling',
      time: Date.parse('2026-11-28T10:03:02Z'),
      trigger: {
        kind: 'lifecycle',
        action: {
          transition: 'terminate',
          group: 'aerospike-asg',
          hookName: 'seedkeeper-terminate',
          instanceId: 'i-0a1b2c3d4e5f60001',
          token: '87654321-4321-4321-4321-210987654321',
          notificationMetadata: 'seedkeeper/v1 owner=lambda-test',
        },
      },
    });
  });

  it.each([
    [
      'launch-lifecycle-action',
      { kind: 'lifecycle', action: expect.objectContaining({ transition: 'launch', hookName: 'seedkeeper-launch' }) },
    ],
    [
      'launch-successful',
      {
        kind: 'activity',
        detailType: 'EC2 Instance Launch Successful',
        group: 'aerospike-asg',
        instanceId: 'i-0a1b2c3d4e5f60003',
      },
    ],
    [
      'terminate-successful',
      {
        kind: 'activity',
        detailType: 'EC2 Instance Terminate Successful',
        group: 'aerospike-asg',
        instanceId: 'i-0a1b2c3d4e5f60001',
      },
    ],
    ['ec2-state-change', { kind: 'ec2-state', instanceId: 'i-0a1b2c3d4e5f60001', state: 'shutting-down' }],
    ['scheduled', { kind: 'scheduled' }],
  ])('%s', (name, trigger) => {
    expect(classifyEvent(loadEvent(name)).trigger).toEqual(trigger);
  });

  it('flags a lifecycle event that lacks the token (reconcile only) and never throws on junk', () => {
    const event = loadEvent('terminate-lifecycle-action', { LifecycleActionToken: undefined });
    expect(classifyEvent(event).trigger).toEqual({
      kind: 'malformed-lifecycle',
      detailType: 'EC2 Instance-terminate Lifecycle Action',
      problem: 'detail lacks LifecycleActionToken',
      group: 'aerospike-asg',
    });
    for (const junk of [undefined, null, 42, 'text', [], { 'detail-type': 7, detail: 'x', time: 'yesterday' }]) {
      expect(classifyEvent(junk).trigger.kind).toBe('activity');
    }
  });
});
