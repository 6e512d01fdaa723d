/**
 * The example stack: an existing hosted zone and existing Auto Scaling groups (imported by id and name, so
 * synthesis needs no AWS account and makes no lookups), and a SeedRecord. Every value comes from CDK context
 * (`cdk deploy -c recordName=seed.db.example.com -c hostedZoneId=Z… …`); the placeholders only make `cdk synth`
 * work out of the box.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { ConfigError } from '../src/errors.js';
import { bundledCode, SeedRecord, type SeedAddress, type SeedRecordMode, type SeedRecordProps } from './seed-record.js';

/**
 * Context keys the example reads, with the placeholders used when a key is absent. Also read, with no
 * placeholder: ownerId, maxRemovals, maxRecordSize, planMode, logLevel, heartbeatSeconds, bundleDir (and account, region,
 * stackName in app.ts).
 */
export const EXAMPLE_CONTEXT = Object.freeze({
  stackName: 'SeedkeeperSeedRecord',
  recordName: 'seed.db.example.com',
  zoneName: 'db.example.com',
  hostedZoneId: 'Z0000000000EXAMPLE',
  asgNames: 'aerospike',
  sourceMaps: 'false',
  address: 'private',
  mode: 'shared',
  port: '3000',
  ttl: '30',
  lifecycleHook: 'true',
  healthChecks: 'false',
  reconcileMinutes: '5',
});

export type ContextReader = (key: string) => unknown;

/** A context value as text, or undefined when absent or empty. */
function optionalText(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ConfigError(`context.${key}`, `expected a string, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

function optionalInteger(read: ContextReader, key: string): number | undefined {
  const raw = optionalText(read, key);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`context.${key}`, `expected a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const text = (read: ContextReader, key: keyof typeof EXAMPLE_CONTEXT): string =>
  optionalText(read, key) ?? EXAMPLE_CONTEXT[key];
const integer = (read: ContextReader, key: keyof typeof EXAMPLE_CONTEXT): number =>
  optionalInteger(read, key) ?? Number(EXAMPLE_CONTEXT[key]);

function flag(read: ContextReader, key: keyof typeof EXAMPLE_CONTEXT): boolean {
  const raw = text(read, key);
  if (raw !== 'true' && raw !== 'false')
    throw new ConfigError(`context.${key}`, `expected true or false, got ${JSON.stringify(raw)}`);
  return raw === 'true';
}

export interface ExampleStackProps extends StackProps {
  /** Reads CDK context (normally `(key) => app.node.tryGetContext(key)`). */
  readonly context: ContextReader;
  /** The handler's code. @default the bundle in dist/lambda (or the `bundleDir` context value) */
  readonly code?: lambda.Code;
}

export class SeedkeeperExampleStack extends Stack {
  readonly seedRecord: SeedRecord;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    const read = props.context;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: text(read, 'hostedZoneId'),
      zoneName: text(read, 'zoneName'),
    });
    const groups = text(read, 'asgNames')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '')
      .map((name, i) => autoscaling.AutoScalingGroup.fromAutoScalingGroupName(this, `Group${i}`, name));
    const heartbeat = optionalInteger(read, 'heartbeatSeconds');
    const bundleDir = optionalText(read, 'bundleDir');

    this.seedRecord = new SeedRecord(this, 'SeedRecord', {
      recordName: text(read, 'recordName'),
      hostedZone: zone,
      autoScalingGroups: groups,
      address: text(read, 'address') as SeedAddress,
      mode: text(read, 'mode') as SeedRecordMode,
      port: integer(read, 'port'),
      ttl: Duration.seconds(integer(read, 'ttl')),
      healthChecks: flag(read, 'healthChecks'),
      lifecycleHook: flag(read, 'lifecycleHook')
        ? { heartbeatTimeout: heartbeat === undefined ? undefined : Duration.seconds(heartbeat) }
        : undefined,
      reconcileEvery: Duration.minutes(integer(read, 'reconcileMinutes')),
      ownerId: optionalText(read, 'ownerId'),
      maxRemovals: optionalInteger(read, 'maxRemovals'),
      maxRecordSize: optionalInteger(read, 'maxRecordSize'),
      sourceMaps: flag(read, 'sourceMaps'),
      planMode: optionalText(read, 'planMode') as SeedRecordProps['planMode'],
      logLevel: optionalText(read, 'logLevel') as SeedRecordProps['logLevel'],
      code: props.code ?? (bundleDir === undefined ? bundledCode() : bundledCode(bundleDir)),
    });

    new CfnOutput(this, 'RecordName', { value: this.seedRecord.settings.recordName });
    new CfnOutput(this, 'OwnerId', { value: this.seedRecord.settings.ownerId });
    new CfnOutput(this, 'FunctionName', { value: this.seedRecord.function.functionName });
    new CfnOutput(this, 'LogGroupName', { value: this.seedRecord.logGroup.logGroupName });
  }
}
