/**
 * The example app: its stack built in-process from context values, and the real `cdk synth` CLI run offline
 * (no credentials, no lookups, any network attempt pointed at a closed local port) into a temporary directory.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedkeeperExampleStack } from '../../infra/example-stack.js';
import { loadLambdaConfig } from '../../src/aws/lambda/config.js';
import { only, policyStatements, render, templateOf, type Cfn } from './template.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'lambda', 'index.mjs');
const inline = lambda.Code.fromInline('export const handler = async () => {};');

function exampleStack(context: Record<string, string>) {
  const app = new App();
  return new SeedkeeperExampleStack(app, 'Example', { context: (key) => context[key], code: inline });
}

// The first synth loads aws-cdk-lib cold: well over 30 s on a saturated 2-core machine.
describe('example stack (in process)', { timeout: 180_000 }, () => {
  it('works from placeholders alone', () => {
    const template = templateOf(exampleStack({}));
    const env = only(template, 'AWS::Lambda::Function').props.Environment.Variables;
    expect(env).toMatchObject({
      SEEDKEEPER_RECORD_NAME: 'seed.db.example.com',
      SEEDKEEPER_ASG_NAMES: 'aerospike',
      SEEDKEEPER_MODE: 'shared',
    });
    expect(() => loadLambdaConfig(env)).not.toThrow();
    template.resourceCountIs('AWS::AutoScaling::LifecycleHook', 1);
  });

  it('takes every value from context', () => {
    const template = templateOf(
      exampleStack({
        recordName: 'seed.prod.example.org',
        zoneName: 'prod.example.org',
        hostedZoneId: 'Z9PROD',
        asgNames: 'aero-1, aero-2',
        mode: 'per-node',
        address: 'public',
        healthChecks: 'true',
        ttl: '10',
        port: '3100',
        lifecycleHook: 'false',
        reconcileMinutes: '2',
        ownerId: 'prod',
        maxRemovals: '4',
        planMode: 'upsert-only',
        logLevel: 'warn',
        maxRecordSize: '12',
        sourceMaps: 'true',
      }),
    );
    expect(only(template, 'AWS::Lambda::Function').props.Environment.Variables).toEqual({
      SEEDKEEPER_RECORD_NAME: 'seed.prod.example.org',
      SEEDKEEPER_HOSTED_ZONE_ID: 'Z9PROD',
      SEEDKEEPER_ZONE: 'prod.example.org',
      SEEDKEEPER_ASG_NAMES: 'aero-1,aero-2',
      SEEDKEEPER_ADDRESS: 'public',
      SEEDKEEPER_PORT: '3100',
      SEEDKEEPER_TTL: '10',
      SEEDKEEPER_MODE: 'per-node',
      SEEDKEEPER_OWNER_ID: 'prod',
      SEEDKEEPER_HEALTH_CHECKS: 'true',
      SEEDKEEPER_MAX_REMOVALS: '4',
      SEEDKEEPER_PLAN_MODE: 'upsert-only',
      SEEDKEEPER_LOG_LEVEL: 'warn',
      SEEDKEEPER_MAX_RECORD_SIZE: '12',
      NODE_OPTIONS: '--enable-source-maps',
    });
    template.resourceCountIs('AWS::AutoScaling::LifecycleHook', 0);
    const schedule = Object.values(template.findResources('AWS::Events::Rule')).find(
      (r) => r.Properties.ScheduleExpression,
    );
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(2 minutes)');
  });

  it('names the context key when a value is wrong', () => {
    expect(() => exampleStack({ healthChecks: 'yes' })).toThrow(/context\.healthChecks: expected true or false/);
    expect(() => exampleStack({ ttl: 'ten' })).toThrow(/context\.ttl/);
    expect(() => exampleStack({ maxRemovals: '-1' })).toThrow(/context\.maxRemovals/);
  });
});

describe('cdk synth of infra/app.ts (real CLI, offline)', () => {
  const out = mkdtempSync(join(tmpdir(), 'seedkeeper-cdk-'));
  const closed = 'http://127.0.0.1:9';
  // Only what the CLI needs: no AWS credentials or profile, no instance metadata, no telemetry or version check.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: out,
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(out, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(out, 'no-aws-credentials'),
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: '1',
    HTTPS_PROXY: closed,
    HTTP_PROXY: closed,
    npm_config_offline: 'true',
  };

  beforeAll(() => {
    if (existsSync(BUNDLE)) return;
    const scripts =
      (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
      {};
    if (!scripts['build:lambda'])
      throw new Error(`no ${BUNDLE} and no "build:lambda" script in package.json to build it`);
    execFileSync('npm', ['run', '--silent', 'build:lambda'], { cwd: ROOT, stdio: 'inherit', timeout: 120_000 });
  }, 150_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('synthesizes the stack from cdk.json with context values, without AWS', async () => {
    const cdk = join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
    const context = [
      'recordName=seed.db.example.net',
      'zoneName=db.example.net',
      'hostedZoneId=Z0SYNTH',
      'asgNames=aero-a,aero-b',
      'ownerId=synth-test',
      'account=111122223333',
      'region=eu-west-1',
    ];
    await run(process.execPath, [cdk, 'synth', '--quiet', '-o', out, ...context.flatMap((c) => ['-c', c])], {
      cwd: ROOT,
      env,
      timeout: 120_000,
    });

    const template = JSON.parse(readFileSync(join(out, 'SeedkeeperSeedRecord.template.json'), 'utf8')) as {
      Resources: Record<string, Cfn>;
    };
    const byType = (type: string) =>
      Object.values(template.Resources)
        .filter((r) => r.Type === type)
        .map((r) => render(r.Properties) as Cfn);
    const [fn] = byType('AWS::Lambda::Function');
    expect(fn.Environment.Variables).toMatchObject({
      SEEDKEEPER_RECORD_NAME: 'seed.db.example.net',
      SEEDKEEPER_HOSTED_ZONE_ID: 'Z0SYNTH',
      SEEDKEEPER_ASG_NAMES: 'aero-a,aero-b',
      SEEDKEEPER_OWNER_ID: 'synth-test',
    });
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
    expect(byType('AWS::AutoScaling::LifecycleHook').map((h) => h.AutoScalingGroupName)).toEqual(['aero-a', 'aero-b']);
    expect(byType('AWS::Events::Rule').find((r) => r.EventPattern)?.EventPattern.detail).toEqual({
      AutoScalingGroupName: ['aero-a', 'aero-b'],
    });

    const statements = policyStatements(Template.fromJSON(template));
    expect(statements.map((s) => s.Sid)).toEqual([
      'ChangeSeedRecord',
      'ReadZone',
      'WaitForInsync',
      'DescribeGroupsAndInstances',
      'WriteLogs',
      'CompleteLifecycleAction',
    ]);
    expect(statements[0]).toMatchObject({
      Resource: ['arn:aws:route53:::hostedzone/Z0SYNTH'],
      Condition: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
            'seed.db.example.net',
            '_seedkeeper.seed.db.example.net',
          ],
        },
      },
    });
    expect(statements[5]!.Resource).toEqual([
      'arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/aero-a',
      'arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:*:autoScalingGroupName/aero-b',
    ]);

    // The bundle went into the cloud assembly as the function's asset.
    const assets = readdirSync(out).filter((f) => f.startsWith('asset.'));
    expect(assets.some((a) => existsSync(join(out, a, 'index.mjs')))).toBe(true);
  }, 150_000);
});
