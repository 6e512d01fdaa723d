/**
 * The SeedRecord construct's IAM policy against what the handler really sends: every AWS action the handler
 * calls in the models (per-node with health checks and the terminate hook: every feature) is granted, and
 * every granted action (logs aside: the Lambda runtime writes those) is called. Drops never-called actions
 * for good, and fails on any widening.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedRecord } from '../../../infra/seed-record.js';
import { policyStatements, templateOf } from '../../infra/template.js';
import { loadEvent } from './helpers.js';
import { GROUP, I1, I2, LambdaWorld, TERMINATE_HOOK } from './world.js';

let world: LambdaWorld | undefined;
afterEach(() => world?.restore());

function granted(): string[] {
  const app = new App();
  const stack = new Stack(app, 'Iam');
  new SeedRecord(stack, 'Seed', {
    recordName: 'seed.db.example.com',
    hostedZoneId: 'Z0TEST',
    zoneName: 'example.com',
    autoScalingGroupNames: [GROUP],
    ownerId: 'lambda-test',
    mode: 'per-node',
    address: 'public',
    healthChecks: true,
    lifecycleHook: {},
    code: lambda.Code.fromInline('export const handler = () => {};'),
  });
  const actions = policyStatements(templateOf(stack)).flatMap((s) => s.Action as string[]);
  return [...new Set(actions.filter((a) => !a.startsWith('logs:')))].sort();
}

async function sent(): Promise<string[]> {
  const w = new LambdaWorld({
    env: { SEEDKEEPER_MODE: 'per-node', SEEDKEEPER_ADDRESS: 'public', SEEDKEEPER_HEALTH_CHECKS: 'true' },
  });
  world = w;
  w.asg.add({ id: I1, group: GROUP, privateIp: '10.0.1.11', publicIp: '203.0.113.11' });
  w.asg.add({ id: I2, group: GROUP, privateIp: '10.0.1.12', publicIp: '203.0.113.12' });
  await w.invoke(loadEvent('scheduled'));
  const token = w.asg.startAction(I1, 'terminate', TERMINATE_HOOK);
  const result = await w.invoke(
    loadEvent('terminate-lifecycle-action', { EC2InstanceId: I1, LifecycleActionToken: token }),
  );
  expect(result.lifecycle).toMatchObject({ drain: 'removed', completion: 'completed' });
  const names = [
    ...w.route53.calls.map((c) => `route53:${c.command}`),
    ...w.asg.asgCalls
      .calls()
      .map((c) => `autoscaling:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`),
    ...w.asg.ec2Calls.calls().map((c) => `ec2:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`),
  ];
  return [...new Set(names)].sort();
}

describe('SeedRecord IAM against the handler', () => {
  it('grants exactly the actions the handler sends', async () => {
    expect(granted()).toEqual(await sent());
  }, 150_000);
});
