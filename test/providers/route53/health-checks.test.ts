/**
 * Route 53 health checks of per-node records: created and tagged before their record, deleted after it,
 * never deleted when not ours, rolled back when the batch fails, refused for private addresses.
 */
import { ChangeResourceRecordSetsCommand, CreateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import type { RecordSet } from '../../../src/records/types.js';
import { serviceError } from '../../aws/route53-model.js';
import { testRoute53Client } from '../../aws/sdk-env.js';
import { NAME, ZONE_ID, a, aaaa, userRecords, useWorld } from './helpers.js';

const world = useWorld();
const checked = () => world.provider({ mode: 'per-node', healthChecks: { port: 3000, tagOwner: 'prod' } });
const withIds = (set: RecordSet, ids: Record<string, string>): RecordSet => ({ ...set, ids });
const commands = () => world.model.calls.map((c) => c.command);

describe('route53 per-node: health checks', () => {
  it('creates a tagged TCP check per member before its record, and ties the record to it', async () => {
    await checked().apply([
      {
        kind: 'create',
        set: withIds(a(['203.0.113.1', '203.0.113.2']), { '203.0.113.1': 'i-1', '203.0.113.2': 'i-2' }),
      },
    ]);
    expect(commands().filter((c) => c !== 'ListResourceRecordSets')).toEqual([
      'CreateHealthCheck',
      'ChangeTagsForResource',
      'CreateHealthCheck',
      'ChangeTagsForResource',
      'ChangeResourceRecordSets',
    ]);
    const checks = world.model.healthChecks();
    expect(checks.map((c) => c.check.HealthCheckConfig)).toEqual([
      { Type: 'TCP', IPAddress: '203.0.113.1', Port: 3000, RequestInterval: 30, FailureThreshold: 3 },
      { Type: 'TCP', IPAddress: '203.0.113.2', Port: 3000, RequestInterval: 30, FailureThreshold: 3 },
    ]);
    expect(checks.map((c) => c.tags)).toEqual([
      { 'seedkeeper-owner': 'prod', 'seedkeeper-member': 'i-1', Name: `seedkeeper ${NAME} i-1` },
      { 'seedkeeper-owner': 'prod', 'seedkeeper-member': 'i-2', Name: `seedkeeper ${NAME} i-2` },
    ]);
    expect(new Set(checks.map((c) => c.check.CallerReference)).size).toBe(2);
    expect(userRecords(world.model).map((r) => [r.SetIdentifier, r.HealthCheckId])).toEqual(
      checks.map((c, i) => [`i-${i + 1}`, c.check.Id]),
    );
  });

  it("deletes a member's check after deleting its record, and leaves the others", async () => {
    const p = checked();
    await p.apply([
      {
        kind: 'create',
        set: withIds(a(['203.0.113.1', '203.0.113.2']), { '203.0.113.1': 'i-1', '203.0.113.2': 'i-2' }),
      },
    ]);
    const [before] = await p.read([NAME]);
    const [first, second] = world.model.healthChecks();
    await p.apply([{ kind: 'update', before: before!, after: a(['203.0.113.2']) }]);
    const tail = commands().slice(commands().lastIndexOf('ChangeResourceRecordSets'));
    expect(tail).toEqual(['ChangeResourceRecordSets', 'ListTagsForResources', 'DeleteHealthCheck']);
    expect(world.model.callsOf('DeleteHealthCheck').map((c) => c.input)).toEqual([{ HealthCheckId: first!.check.Id }]);
    expect(world.model.healthChecks().map((c) => c.check.Id)).toEqual([second!.check.Id]);
  });

  it('never deletes a health check it did not tag', async () => {
    const client = testRoute53Client();
    const { HealthCheck } = await client.send(
      new CreateHealthCheckCommand({
        CallerReference: 'by-hand',
        HealthCheckConfig: { Type: 'TCP', IPAddress: '198.51.100.7', Port: 3000 },
      }),
    );
    const record = {
      Name: `${NAME}.`,
      Type: 'A' as const,
      TTL: 30,
      SetIdentifier: 'manual',
      MultiValueAnswer: true,
      HealthCheckId: HealthCheck!.Id!,
      ResourceRecords: [{ Value: '198.51.100.7' }],
    };
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: ZONE_ID,
        ChangeBatch: { Changes: [{ Action: 'CREATE', ResourceRecordSet: record }] },
      }),
    );
    const p = checked();
    const [before] = await p.read([NAME]);
    await p.apply([{ kind: 'delete', set: before! }]);
    expect(userRecords(world.model)).toEqual([]);
    expect(world.model.callsOf('DeleteHealthCheck')).toEqual([]);
    expect(world.model.healthChecks().map((c) => c.check.Id)).toEqual([HealthCheck!.Id]);
  });

  it('deletes the checks it created when the batch is not applied', async () => {
    world.model.injectError(() => serviceError('AccessDenied', 'not allowed', 403), {
      command: 'ChangeResourceRecordSets',
    });
    const error = await checked()
      .apply([{ kind: 'create', set: a(['203.0.113.1', '203.0.113.2']) }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_ROUTE53_ACCESS_DENIED' });
    expect(world.model.callsOf('CreateHealthCheck')).toHaveLength(2);
    expect(world.model.callsOf('DeleteHealthCheck')).toHaveLength(2);
    expect(world.model.healthChecks()).toEqual([]);
  });

  it.each([['10.0.0.1'], ['172.20.1.1'], ['192.168.1.9'], ['127.0.0.1']])(
    'refuses a private address (%s) before any request, saying why',
    async (ip) => {
      const error = await checked()
        .apply([{ kind: 'create', set: withIds(a(['203.0.113.1', ip]), { [ip]: 'i-9' }) }])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_ROUTE53_PRIVATE_IP' });
      expect((error as Error).message).toMatch(
        new RegExp(`member i-9 at ${ip.replace(/\./g, '\\.')}.*outside your VPC.*seedkeeper's own health checker`),
      );
      expect(world.model.calls.filter((c) => c.command !== 'ListResourceRecordSets')).toEqual([]);
    },
  );

  it('refuses IPv6 unique local and loopback addresses too, and accepts public IPv6', async () => {
    await expect(checked().apply([{ kind: 'create', set: aaaa(['fd12::1']) }])).rejects.toMatchObject({
      code: 'ERR_ROUTE53_PRIVATE_IP',
      message: expect.stringContaining('unique local'),
    });
    await expect(checked().apply([{ kind: 'create', set: aaaa(['::1']) }])).rejects.toMatchObject({
      code: 'ERR_ROUTE53_PRIVATE_IP',
    });
    await checked().apply([{ kind: 'create', set: aaaa(['2600:1f18::5']) }]);
    expect(world.model.healthChecks()).toHaveLength(1);
  });

  it('names an IPv6 member with brackets when its check cannot be created', async () => {
    world.model.injectError(() => serviceError('AccessDenied', 'not allowed', 403), { command: 'CreateHealthCheck' });
    const error = await checked()
      .apply([{ kind: 'create', set: aaaa(['2600:1f18::5']) }])
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('([2600:1f18::5]:3000)');
  });

  it('needs mode per-node and a valid tag owner', () => {
    expect(() => world.provider({ healthChecks: { port: 3000, tagOwner: 'prod' } })).toThrow(ConfigError);
    expect(() => world.provider({ mode: 'per-node', healthChecks: { port: 3000, tagOwner: '' } })).toThrow(
      /healthChecks\.tagOwner/,
    );
    expect(() => world.provider({ mode: 'per-node', healthChecks: { port: 0, tagOwner: 'prod' } })).toThrow(
      /healthChecks\.port/,
    );
  });
});
