/**
 * The least-privilege IAM statements of the seedkeeper Lambda, one per purpose (the Sid says which). Every write
 * action is scoped to a resource; the only `*` resources are actions that support no resource-level permissions.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { normalizedRecordName, type ResolvedSeedRecord } from './seed-record-options.js';

function route53Arn(scope: Construct, resource: string, resourceName: string): string {
  return Stack.of(scope).formatArn({ service: 'route53', region: '', account: '', resource, resourceName });
}

/** `arn:<partition>:autoscaling:<region>:<account>:autoScalingGroup:*:autoScalingGroupName/<name>` */
export function autoScalingGroupArn(scope: Construct, groupName: string): string {
  return Stack.of(scope).formatArn({
    service: 'autoscaling',
    resource: 'autoScalingGroup',
    resourceName: `*:autoScalingGroupName/${groupName}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export function seedRecordStatements(
  scope: Construct,
  r: ResolvedSeedRecord,
  logGroupArn: string,
): iam.PolicyStatement[] {
  const zoneArn = route53Arn(scope, 'hostedzone', r.hostedZoneId);
  const statements = [
    // Only the seed record and its ownership marker, only in this zone.
    new iam.PolicyStatement({
      sid: 'ChangeSeedRecord',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [zoneArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
            normalizedRecordName(r.recordName),
            normalizedRecordName(r.markerName),
          ],
        },
      },
    }),
    new iam.PolicyStatement({ sid: 'ReadZone', actions: ['route53:ListResourceRecordSets'], resources: [zoneArn] }),
    new iam.PolicyStatement({
      sid: 'WaitForInsync',
      actions: ['route53:GetChange'],
      resources: [route53Arn(scope, 'change', '*')],
    }),
    // Read-only Describe actions support no resource-level permissions: `*` is the only valid resource.
    // DescribeLifecycleHooks reads a hook's heartbeat timeout, which bounds the wait on a terminate action.
    new iam.PolicyStatement({
      sid: 'DescribeGroupsAndInstances',
      actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLifecycleHooks', 'ec2:DescribeInstances'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'WriteLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroupArn],
    }),
  ];
  if (r.lifecycleHookName !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'CompleteLifecycleAction',
        actions: ['autoscaling:CompleteLifecycleAction'],
        resources: r.groupNames.map((name) => autoScalingGroupArn(scope, name)),
      }),
    );
  }
  if (r.healthChecks) {
    statements.push(
      // Only what the provider sends (src/providers/route53/health-checks.ts). CreateHealthCheck has no
      // resource-level permissions (there is no ARN before the check exists), so it needs `*`; the provider tags
      // every check it creates seedkeeper-owner=<id> and reads the tags (ListTagsForResources) before deleting.
      new iam.PolicyStatement({
        sid: 'CreateHealthChecks',
        actions: ['route53:CreateHealthCheck', 'route53:ListTagsForResources'],
        resources: ['*'],
      }),
      // Health checks only, never hosted zones. Route 53 supports no tag conditions, so IAM cannot narrow this to
      // checks tagged with our owner id: the provider reads the tag before deleting.
      new iam.PolicyStatement({
        sid: 'ManageHealthChecks',
        actions: ['route53:DeleteHealthCheck', 'route53:ChangeTagsForResource'],
        resources: [route53Arn(scope, 'healthcheck', '*')],
      }),
    );
  }
  return statements;
}
