/**
 * SeedRecord: keeps a Route 53 seed record equal to the InService instances of some Auto Scaling groups.
 *
 * A Lambda (the esbuild bundle of src/aws/lambda) runs a full, idempotent reconcile on every Auto Scaling
 * launch/terminate event of the groups and on a schedule (the events are best effort). With `lifecycleHook`,
 * each group gets an EC2_INSTANCE_TERMINATING hook: the function removes the node, waits for INSYNC plus the
 * TTL, then completes the action, so clients stop being handed a node before it goes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Annotations, Names } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError } from '../src/errors.js';
import { formatMarker } from '../src/records/marker.js';
import { seedRecordStatements } from './seed-record-policy.js';
import {
  handlerEnvironment,
  resolveSeedRecord,
  type ResolvedSeedRecord,
  type SeedRecordProps,
} from './seed-record-options.js';

export * from './seed-record-options.js';
export { autoScalingGroupArn, seedRecordStatements } from './seed-record-policy.js';

/** The Auto Scaling events that can change who is InService. */
export const AUTOSCALING_DETAIL_TYPES = Object.freeze([
  'EC2 Instance Launch Successful',
  'EC2 Instance Terminate Successful',
  'EC2 Instance-launch Lifecycle Action',
  'EC2 Instance-terminate Lifecycle Action',
]);

/**
 * Where the Lambda bundle (index.mjs, exporting `handler`) is looked for, first found wins: next to this module's
 * folder in the installed package (dist/cdk/seed-record.js → dist/lambda, shipped by `npm pack`), then the
 * repository layout (infra/seed-record.ts → dist/lambda, written by `npm run build:lambda`).
 */
export const BUNDLE_DIR_CANDIDATES = Object.freeze([
  fileURLToPath(new URL('../lambda', import.meta.url)),
  fileURLToPath(new URL('../dist/lambda', import.meta.url)),
]);

/** The first candidate holding a bundle, else the repository's (so the error names where to build it). */
export const DEFAULT_BUNDLE_DIR =
  BUNDLE_DIR_CANDIDATES.find((dir) => existsSync(`${dir}/index.mjs`)) ??
  BUNDLE_DIR_CANDIDATES[BUNDLE_DIR_CANDIDATES.length - 1]!;

/** The shipped or built bundle, or a clear error saying to build it. */
export function bundledCode(dir = DEFAULT_BUNDLE_DIR): lambda.Code {
  if (!existsSync(`${dir}/index.mjs`)) {
    throw new ConfigError(
      'SeedRecord.code',
      `no Lambda bundle at ${dir}/index.mjs: run \`npm run build:lambda\` first (or pass \`code\`)`,
    );
  }
  return lambda.Code.fromAsset(dir);
}

export class SeedRecord extends Construct {
  /** The validated settings (record, zone, groups, owner id, timeouts). */
  readonly settings: ResolvedSeedRecord;
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Auto Scaling launch/terminate events of the groups. */
  readonly rule: events.Rule;
  /** The periodic full reconcile. */
  readonly schedule: events.Rule;
  /** One per group when `lifecycleHook` is set, otherwise empty. */
  readonly lifecycleHooks: readonly autoscaling.LifecycleHook[];

  constructor(scope: Construct, id: string, props: SeedRecordProps) {
    super(scope, id);
    const defaultOwner = Names.uniqueResourceName(this, {
      maxLength: 63,
      separator: '-',
      allowedSpecialCharacters: '-',
    });
    const s = resolveSeedRecord(props, defaultOwner);
    this.settings = s;

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: s.logRetention });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `seedkeeper: keeps ${s.recordName} equal to its Auto Scaling groups`,
    });
    for (const statement of seedRecordStatements(this, s, this.logGroup.logGroupArn))
      this.role.addToPrincipalPolicy(statement);

    // Node.js 24 unless told otherwise (see SeedRecordProps.runtime). ARM64: the bundle is pure JavaScript (no
    // native modules), and Graviton costs about 20% less per GB-second for the same work. 256 MB: the function
    // mostly waits on AWS APIs (and, for a terminate lifecycle action, on INSYNC + TTL), so memory only has to
    // cover the SDK clients and a quick cold start.
    this.function = new lambda.Function(this, 'Function', {
      runtime: s.runtime,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code ?? bundledCode(),
      memorySize: 256,
      timeout: s.functionTimeout,
      reservedConcurrentExecutions: s.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      environment: handlerEnvironment(s),
      description: `seedkeeper: keeps ${s.recordName} equal to the InService instances of its Auto Scaling groups`,
    });
    if (s.lifecycleHookName !== undefined && s.ttlSeconds + 120 > s.functionTimeout.toSeconds()) {
      Annotations.of(this).addWarningV2(
        'seedkeeper:waitCut',
        `the function times out after ${s.functionTimeout.toSeconds()} s, less than INSYNC (~60-120 s) + TTL (${s.ttlSeconds} s): ` +
          'terminations may go ahead while resolvers still hand out the node',
      );
    }

    const target = new targets.LambdaFunction(this.function);
    this.rule = new events.Rule(this, 'AutoScalingEvents', {
      description: `seedkeeper: reconcile ${s.recordName} on Auto Scaling launch and terminate events`,
      eventPattern: {
        source: ['aws.autoscaling'],
        detailType: [...AUTOSCALING_DETAIL_TYPES],
        detail: { AutoScalingGroupName: [...s.groupNames] },
      },
      targets: [target],
    });
    this.schedule = new events.Rule(this, 'Reconcile', {
      description: `seedkeeper: reconcile ${s.recordName} periodically (Auto Scaling events are best effort)`,
      schedule: events.Schedule.rate(s.reconcileEvery),
      targets: [target],
    });

    const hooks: autoscaling.LifecycleHook[] = [];
    if (s.lifecycleHookName !== undefined) {
      s.groupNames.forEach((groupName, i) => {
        const group =
          props.autoScalingGroups?.[i] ??
          autoscaling.AutoScalingGroup.fromAutoScalingGroupName(this, `Group${i}`, groupName);
        hooks.push(
          new autoscaling.LifecycleHook(this, `TerminatingHook${i}`, {
            autoScalingGroup: group,
            lifecycleHookName: s.lifecycleHookName,
            lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
            defaultResult: autoscaling.DefaultResult.CONTINUE,
            heartbeatTimeout: s.heartbeatTimeout,
            // The marker format (`seedkeeper/v1 owner=<id>`, parsed by parseMarker): says whose hook this is.
            notificationMetadata: formatMarker(s.ownerId),
          }),
        );
      });
    }
    this.lifecycleHooks = hooks;
  }
}
