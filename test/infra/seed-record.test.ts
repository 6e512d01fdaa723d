import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { describe, expect, it } from 'vitest';
import {
  AUTOSCALING_DETAIL_TYPES,
  BUNDLE_DIR_CANDIDATES,
  bundledCode,
  normalizedRecordName,
  SeedRecord,
  type SeedRecordProps,
} from '../../infra/seed-record.js';
import { loadLambdaConfig } from '../../src/aws/lambda/config.js';
import { only, policyStatements, templateOf } from './template.js';

const ZONE_ARN = 'arn:aws:route53:::hostedzone/Z123EXAMPLE';
const GROUP_ARN = (name: string) =>
  `arn:aws:autoscaling:<region>:<account>:autoScalingGroup:*:autoScalingGroupName/${name}`;

function build(props: Partial<SeedRecordProps> = {}, zone?: (stack: Stack) => Partial<SeedRecordProps>) {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const zoneProps = zone
    ? zone(stack)
    : {
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
          hostedZoneId: 'Z123EXAMPLE',
          zoneName: 'db.example.com',
        }),
      };
  const record = new SeedRecord(stack, 'Seed', {
    recordName: 'seed.db.example.com',
    autoScalingGroupNames: ['aero-a', 'aero-b'],
    ownerId: 'prod-aero',
    code: lambda.Code.fromInline('export const handler = async () => {};'),
    ...zoneProps,
    ...props,
  });
  const template = templateOf(stack);
  return { stack, record, template, logArn: `<${only(template, 'AWS::Logs::LogGroup').id}.Arn>` };
}

const baseStatements = (
  logArn: string,
  names = ['seed.db.example.com', '_seedkeeper.seed.db.example.com'],
  zoneArn = ZONE_ARN,
) => [
  {
    Sid: 'ChangeSeedRecord',
    Effect: 'Allow',
    Action: ['route53:ChangeResourceRecordSets'],
    Resource: [zoneArn],
    Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': names } },
  },
  { Sid: 'ReadZone', Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: [zoneArn] },
  { Sid: 'WaitForInsync', Effect: 'Allow', Action: ['route53:GetChange'], Resource: ['arn:aws:route53:::change/*'] },
  {
    Sid: 'DescribeGroupsAndInstances',
    Effect: 'Allow',
    Action: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLifecycleHooks', 'ec2:DescribeInstances'],
    Resource: ['*'],
  },
  { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logArn] },
];

describe('SeedRecord: defaults (shared record, private addresses, no hook)', () => {
  const { template, logArn, record } = build();

  it('creates one Node.js ARM64 function configured by the handler environment', () => {
    const fn = only(template, 'AWS::Lambda::Function').props;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 210,
    });
    expect(fn.Environment.Variables).toEqual({
      SEEDKEEPER_RECORD_NAME: 'seed.db.example.com',
      SEEDKEEPER_HOSTED_ZONE_ID: 'Z123EXAMPLE',
      SEEDKEEPER_ZONE: 'db.example.com',
      SEEDKEEPER_ASG_NAMES: 'aero-a,aero-b',
      SEEDKEEPER_ADDRESS: 'private',
      SEEDKEEPER_PORT: '3000',
      SEEDKEEPER_TTL: '30',
      SEEDKEEPER_MODE: 'shared',
      SEEDKEEPER_OWNER_ID: 'prod-aero',
      SEEDKEEPER_HEALTH_CHECKS: 'false',
    });
    // One invocation at a time: a scale-in of N instances must not start N competing reconciles.
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.LoggingConfig).toEqual({ LogGroup: `<${only(template, 'AWS::Logs::LogGroup').id}>` });
    expect(only(template, 'AWS::Logs::LogGroup').props.RetentionInDays).toBe(30);
  });

  it('sets only variables the handler accepts, and it reads them back as configured', () => {
    const env = only(template, 'AWS::Lambda::Function').props.Environment.Variables;
    expect(loadLambdaConfig(env)).toMatchObject({
      recordName: 'seed.db.example.com',
      hostedZoneId: 'Z123EXAMPLE',
      zone: 'db.example.com',
      groups: ['aero-a', 'aero-b'],
      address: 'private',
      port: 3000,
      ttl: 30,
      mode: 'shared',
      ownerId: 'prod-aero',
      healthChecks: false,
    });
  });

  it('listens to the four Auto Scaling detail-types of the named groups only', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const events = rules.filter((r) => r.Properties.EventPattern);
    expect(events).toHaveLength(1);
    expect(events[0]!.Properties.EventPattern).toEqual({
      source: ['aws.autoscaling'],
      'detail-type': [
        'EC2 Instance Launch Successful',
        'EC2 Instance Terminate Successful',
        'EC2 Instance-launch Lifecycle Action',
        'EC2 Instance-terminate Lifecycle Action',
      ],
      detail: { AutoScalingGroupName: ['aero-a', 'aero-b'] },
    });
    expect(AUTOSCALING_DETAIL_TYPES).toHaveLength(4);
    expect(events[0]!.Properties.State).toBe('ENABLED');
  });

  it('reconciles every 5 minutes, and both rules invoke the function', () => {
    const schedules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.ScheduleExpression,
    );
    expect(schedules.map((r) => r.Properties.ScheduleExpression)).toEqual(['rate(5 minutes)']);
    const fnId = only(template, 'AWS::Lambda::Function').id;
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets).toHaveLength(1);
      expect(rule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    }
    template.resourceCountIs('AWS::Lambda::Permission', 2);
  });

  it('creates no lifecycle hook and no CompleteLifecycleAction permission', () => {
    template.resourceCountIs('AWS::AutoScaling::LifecycleHook', 0);
    expect(record.lifecycleHooks).toEqual([]);
  });

  it('grants exactly the base statements, on a role with no managed policies', () => {
    expect(policyStatements(template)).toEqual(baseStatements(logArn));
    const role = only(template, 'AWS::IAM::Role').props;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });
});

describe('SeedRecord: lifecycle hook', () => {
  it('adds a CONTINUE terminating hook per group, sized to the wait, and CompleteLifecycleAction on those groups only', () => {
    const { template, logArn, record } = build({ lifecycleHook: {}, ttl: Duration.seconds(60) });
    const hooks = Object.values(template.findResources('AWS::AutoScaling::LifecycleHook')).map((h) => h.Properties);
    expect(hooks.map((h) => h.AutoScalingGroupName)).toEqual(['aero-a', 'aero-b']);
    for (const hook of hooks) {
      expect(hook).toMatchObject({
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        DefaultResult: 'CONTINUE',
        HeartbeatTimeout: 300,
        LifecycleHookName: 'seedkeeper-prod-aero',
      });
    }
    expect(record.lifecycleHooks).toHaveLength(2);
    const fn = only(template, 'AWS::Lambda::Function').props;
    expect(fn.Timeout).toBe(240);
    expect(hooks[0].NotificationMetadata).toBe('seedkeeper/v1 owner=prod-aero');
    expect(policyStatements(template)).toEqual([
      ...baseStatements(logArn),
      {
        Sid: 'CompleteLifecycleAction',
        Effect: 'Allow',
        Action: ['autoscaling:CompleteLifecycleAction'],
        Resource: [GROUP_ARN('aero-a'), GROUP_ARN('aero-b')],
      },
    ]);
  });

  it('never lets the function outlive a shorter heartbeat timeout', () => {
    const { template } = build({ lifecycleHook: { heartbeatTimeout: Duration.seconds(90) } });
    expect(only(template, 'AWS::Lambda::Function').props.Timeout).toBe(90);
    const hook = Object.values(template.findResources('AWS::AutoScaling::LifecycleHook'))[0]!;
    expect(hook.Properties.HeartbeatTimeout).toBe(90);
  });

  it('attaches hooks to group objects too', () => {
    const { template } = build({}, (stack) => ({
      autoScalingGroupNames: undefined,
      autoScalingGroups: [autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'G', 'aero-x')],
      lifecycleHook: {},
      hostedZoneId: 'Z123EXAMPLE',
      zoneName: 'db.example.com',
    }));
    const hooks = Object.values(template.findResources('AWS::AutoScaling::LifecycleHook'));
    expect(hooks.map((h) => h.Properties.AutoScalingGroupName)).toEqual(['aero-x']);
    expect(policyStatements(template).at(-1)).toMatchObject({
      Sid: 'CompleteLifecycleAction',
      Resource: [GROUP_ARN('aero-x')],
    });
  });
});

describe('SeedRecord: per-node with Route 53 health checks', () => {
  it('configures per-node mode and adds the health-check statements', () => {
    const { template, logArn } = build({
      mode: 'per-node',
      address: 'public',
      healthChecks: true,
      port: 4000,
      maxRemovals: 3,
      planMode: 'upsert-only',
      logLevel: 'debug',
    });
    const env = only(template, 'AWS::Lambda::Function').props.Environment.Variables;
    expect(env).toMatchObject({
      SEEDKEEPER_MODE: 'per-node',
      SEEDKEEPER_ADDRESS: 'public',
      SEEDKEEPER_HEALTH_CHECKS: 'true',
      SEEDKEEPER_PORT: '4000',
      SEEDKEEPER_MAX_REMOVALS: '3',
      SEEDKEEPER_PLAN_MODE: 'upsert-only',
      SEEDKEEPER_LOG_LEVEL: 'debug',
    });
    expect(loadLambdaConfig(env)).toMatchObject({
      mode: 'per-node',
      address: 'public',
      healthChecks: true,
      port: 4000,
      maxRemovals: 3,
      planMode: 'upsert-only',
    });
    expect(policyStatements(template)).toEqual([
      ...baseStatements(logArn),
      {
        Sid: 'CreateHealthChecks',
        Effect: 'Allow',
        Action: ['route53:CreateHealthCheck', 'route53:ListTagsForResources'],
        Resource: ['*'],
      },
      {
        Sid: 'ManageHealthChecks',
        Effect: 'Allow',
        Action: ['route53:DeleteHealthCheck', 'route53:ChangeTagsForResource'],
        Resource: ['arn:aws:route53:::healthcheck/*'],
      },
    ]);
  });

  it('per-node without health checks grants no health-check action', () => {
    const { template, logArn } = build({ mode: 'per-node' });
    expect(only(template, 'AWS::Lambda::Function').props.Environment.Variables.SEEDKEEPER_MODE).toBe('per-node');
    expect(policyStatements(template)).toEqual(baseStatements(logArn));
  });

  it('no write action has a wildcard resource, except CreateHealthCheck (which has no resource-level scoping)', () => {
    const { template } = build({ mode: 'per-node', address: 'ipv6', healthChecks: true, lifecycleHook: {} });
    const writes = /^(route53:(Change|Create|Delete)|autoscaling:Complete|logs:(Create|Put))/;
    for (const s of policyStatements(template)) {
      for (const action of s.Action as string[]) {
        if (writes.test(action) && action !== 'route53:CreateHealthCheck')
          expect(s.Resource, action).not.toContain('*');
      }
    }
  });
});

describe('SeedRecord: record size, concurrency and source maps', () => {
  it('passes maxRecordSize to the handler, takes another concurrency, and turns source maps on only when asked', () => {
    const { template } = build({ maxRecordSize: 16, reservedConcurrentExecutions: 2, sourceMaps: true });
    const fn = only(template, 'AWS::Lambda::Function').props;
    expect(fn.ReservedConcurrentExecutions).toBe(2);
    expect(fn.Environment.Variables).toMatchObject({
      SEEDKEEPER_MAX_RECORD_SIZE: '16',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(loadLambdaConfig(fn.Environment.Variables).maxRecordSize).toBe(16);
  });

  it('refuses a record size Route 53 cannot hold in the mode, and a concurrency below one', () => {
    expect(() => build({ maxRecordSize: 401 })).toThrow(/SeedRecord\.maxRecordSize: expected an integer 0-400/);
    expect(() => build({ mode: 'per-node', maxRecordSize: 101 })).toThrow(/0-100 .*per-node/);
    expect(() => build({ reservedConcurrentExecutions: 0 })).toThrow(/SeedRecord\.reservedConcurrentExecutions/);
  });
});

describe('SeedRecord: refusals', () => {
  const refuse = (props: Partial<SeedRecordProps>, message: RegExp) => expect(() => build(props)).toThrow(message);

  it('refuses Route 53 health checks on private addresses, saying why and what to use instead', () => {
    refuse({ mode: 'per-node', healthChecks: true }, /cannot reach private IPs.*seedkeeper run/s);
    refuse({ mode: 'per-node', address: 'private', healthChecks: true }, /SeedRecord\.healthChecks/);
  });

  it('refuses health checks on the shared record', () => {
    refuse({ address: 'public', healthChecks: true }, /per-node/);
  });

  it('refuses a record outside the zone, a bad owner id, bad durations and ports', () => {
    refuse({ recordName: 'seed.other.example.com' }, /not a name inside the zone db\.example\.com/);
    refuse({ recordName: 'db.example.com' }, /zone apex/);
    refuse({ recordName: '*.db.example.com' }, /recordName/);
    refuse({ ownerId: 'has space' }, /SeedRecord\.ownerId/);
    refuse({ reconcileEvery: Duration.seconds(90) }, /whole minutes/);
    refuse({ reconcileEvery: Duration.seconds(30) }, /reconcileEvery/);
    refuse({ lifecycleHook: { heartbeatTimeout: Duration.hours(3) } }, /heartbeatTimeout/);
    refuse({ port: 70000 }, /port/);
    refuse({ ttl: Duration.millis(1500) }, /ttl/);
    refuse({ runtime: lambda.Runtime.PYTHON_3_12 }, /Node\.js bundle/);
  });

  it('refuses missing, doubled or unusable groups', () => {
    refuse({ autoScalingGroupNames: [] }, /at least one Auto Scaling group/);
    refuse({ autoScalingGroupNames: ['a', 'a'] }, /listed twice/);
    refuse({ autoScalingGroupNames: ['a,b'] }, /comma/);
  });

  it('refuses two ways of naming the zone, or none', () => {
    expect(() => build({ hostedZoneId: 'Z1', zoneName: 'db.example.com' })).toThrow(/not both/);
    expect(() => build({}, () => ({}))).toThrow(/hostedZone: required/);
    expect(() =>
      build({}, (stack) => ({ hostedZone: route53.HostedZone.fromHostedZoneId(stack, 'Z', 'Z123') })),
    ).toThrow(/fromHostedZoneAttributes/);
  });

  it('tells the user to build the bundle when it is missing', () => {
    expect(() => bundledCode('/nonexistent/seedkeeper-bundle')).toThrow(/npm run build:lambda/);
  });

  it('looks for the bundle the installed package ships (dist/cdk → dist/lambda) before the checkout build', () => {
    // Installed, this module is dist/cdk/seed-record.js: its parent's `lambda` is dist/lambda.
    const infra = path.resolve(import.meta.dirname, '../../infra');
    expect(BUNDLE_DIR_CANDIDATES).toEqual([path.resolve(infra, '../lambda'), path.resolve(infra, '../dist/lambda')]);
  });
});

describe('SeedRecord: names', () => {
  it('normalises record names the way IAM compares them', () => {
    expect(normalizedRecordName('Seed.DB.Example.com.')).toBe('seed.db.example.com');
    expect(normalizedRecordName('*.db.example.com')).toBe('\\052.db.example.com');
    expect(normalizedRecordName('_seedkeeper.seed.db.example.com')).toBe('_seedkeeper.seed.db.example.com');
  });

  it('accepts a zone by id and name (a /hostedzone/ prefix is dropped) and a mixed-case record name', () => {
    const { template, logArn } = build({ recordName: 'Seed.DB.example.com.' }, () => ({
      hostedZoneId: '/hostedzone/Z123EXAMPLE',
      zoneName: 'DB.example.com.',
    }));
    expect(policyStatements(template)).toEqual(baseStatements(logArn));
    expect(only(template, 'AWS::Lambda::Function').props.Environment.Variables).toMatchObject({
      SEEDKEEPER_RECORD_NAME: 'seed.db.example.com',
      SEEDKEEPER_HOSTED_ZONE_ID: 'Z123EXAMPLE',
      SEEDKEEPER_ZONE: 'db.example.com',
    });
  });

  it('scopes to a zone created in the same stack (its id is a token)', () => {
    const { template, logArn } = build({}, (stack) => ({
      hostedZone: new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'db.example.com' }),
    }));
    const zoneId = only(template, 'AWS::Route53::HostedZone').id;
    expect(policyStatements(template)).toEqual(
      baseStatements(logArn, undefined, `arn:aws:route53:::hostedzone/<${zoneId}>`),
    );
  });

  it('derives a stable owner id from the construct path when none is given', () => {
    const a = build({ ownerId: undefined }).record.settings.ownerId;
    const b = build({ ownerId: undefined }).record.settings.ownerId;
    expect(a).toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9._-]{1,63}$/);
  });
});
