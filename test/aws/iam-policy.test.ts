/**
 * deploy/iam/registrar-route53.json — the least-privilege policy for `seedkeeper run` with the route53
 * provider (per-node, health checks, waitForInsync: every feature that calls AWS) and the aws-asg source —
 * against the API actions the code really sends, collected from the Route 53 and Auto Scaling models. Any
 * action the code sends must be allowed; any allowed action the code never sends fails the test (no widening).
 */
import { readFileSync } from 'node:fs';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRoute53Provider } from '../../src/providers/route53/index.js';
import type { RecordSet } from '../../src/records/types.js';
import { listAsgCandidates } from '../../src/sources/aws-asg.js';
import { AsgModel } from './fixtures/asg-model.js';
import { Route53Model } from './route53-model.js';
import { testRoute53Client } from './sdk-env.js';
import { jumpingClock } from '../helpers/jumping-clock.js';

const POLICY = new URL('../../deploy/iam/registrar-route53.json', import.meta.url);

interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: unknown;
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);
const policy = JSON.parse(readFileSync(POLICY, 'utf8')) as { Version: string; Statement: Statement[] };

let route53: Route53Model;
let asg: AsgModel;
beforeEach(() => {
  route53 = new Route53Model({ zones: [{ id: 'Z0TEST', name: 'db.example.com' }] });
  route53.install();
  asg = new AsgModel();
  asg.install();
  asg.addGroup('aerospike');
});
afterEach(() => {
  route53.restore();
  asg.restore();
});

/** Everything `seedkeeper run` can make the AWS SDK send: list the groups, then a record's whole life. */
async function exercise(): Promise<string[]> {
  asg.add({ id: 'i-1', group: 'aerospike', privateIp: '10.0.0.1', publicIp: '203.0.113.1' });
  await listAsgCandidates({ client: asg.autoScaling, ec2: asg.ec2, groups: ['aerospike'], address: 'public' });
  const provider = createRoute53Provider({
    client: testRoute53Client(),
    hostedZoneId: 'Z0TEST',
    zone: 'db.example.com',
    mode: 'per-node',
    healthChecks: { port: 3000, tagOwner: 'prod' },
    waitForInsync: { timeoutMs: 60_000, pollMs: 1 },
    clock: jumpingClock(Date.now, () => undefined),
  });
  const name = 'seed.db.example.com';
  const set = (values: string[]): RecordSet => ({
    name,
    type: 'A',
    ttl: 30,
    values,
    ids: Object.fromEntries(values.map((v) => [v, `i-${v}`])),
  });
  await provider.apply([
    {
      kind: 'create',
      set: { name: `_seedkeeper.${name}`, type: 'TXT', ttl: 30, values: ['seedkeeper/v1 owner=prod'] },
    },
    { kind: 'create', set: set(['203.0.113.1', '203.0.113.2']) },
  ]);
  const [current] = await provider.read([name]);
  await provider.apply([{ kind: 'update', before: current!, after: set(['203.0.113.1']) }]);
  const sent = [
    ...route53.calls.map((c) => `route53:${c.command}`),
    ...asg.asgCalls.commandCalls(DescribeAutoScalingGroupsCommand).map(() => 'autoscaling:DescribeAutoScalingGroups'),
    ...asg.ec2Calls.commandCalls(DescribeInstancesCommand).map(() => 'ec2:DescribeInstances'),
  ];
  return [...new Set(sent)].sort();
}

describe('deploy/iam/registrar-route53.json', () => {
  it('allows exactly the actions the registrar sends with the route53 provider and the aws-asg source', async () => {
    const sent = await exercise();
    const allowed = [...new Set(policy.Statement.flatMap((s) => list(s.Action)))].sort();
    expect(allowed).toEqual(sent);
  });

  it('scopes every write to a resource, except CreateHealthCheck (Route 53 has no ARN before the check exists)', () => {
    const writes = /^(route53:(Change|Create|Delete))/;
    for (const s of policy.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const action of list(s.Action)) {
        if (writes.test(action) && action !== 'route53:CreateHealthCheck')
          expect(list(s.Resource), action).not.toContain('*');
      }
    }
    const change = policy.Statement.find((s) => list(s.Action).includes('route53:ChangeResourceRecordSets'))!;
    expect(list(change.Resource)).toEqual(['arn:aws:route53:::hostedzone/HOSTED_ZONE_ID']);
    expect(change.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
          'seed.db.example.com',
          '_seedkeeper.seed.db.example.com',
        ],
      },
    });
  });

  it('is the policy docs/aws.md shows', () => {
    const doc = readFileSync(new URL('../../docs/aws.md', import.meta.url), 'utf8');
    expect(doc).toContain('deploy/iam/registrar-route53.json');
    for (const s of policy.Statement) expect(doc).toContain(s.Sid);
  });
});
