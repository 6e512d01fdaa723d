/**
 * The Route 53 provider against the quotas and rules of the documented Route 53 (as the model enforces them):
 * 100 multivalue records per name and type, one TTL per multivalue name/type, health checks deletable while
 * in use. Quota failures are data, never `usage`: they must not stop a registrar, a Lambda or an agent.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/types.js';
import type { RecordSet } from '../../src/records/types.js';
import { a, addresses, marker, NAME, userRecords, useWorld } from '../providers/route53/helpers.js';

const world = useWorld();
const perNode = () => world.provider({ mode: 'per-node' });
const withIds = (set: RecordSet): RecordSet => ({
  ...set,
  ids: Object.fromEntries(set.values.map((ip) => [ip, `i-${ip}`])),
});
const members = (): ResourceRecordSet[] => userRecords(world.model).filter((r) => r.Type === 'A');
const batches = () => world.model.callsOf('ChangeResourceRecordSets');

async function seed(n: number, ttl = 30): Promise<RecordSet> {
  await perNode().apply([
    { kind: 'create', set: marker() },
    { kind: 'create', set: withIds(a(addresses(n), ttl)) },
  ]);
  const [set] = await perNode().read([NAME]);
  return set!;
}

describe('route53 provider: declared limits', () => {
  it('holds 400 values in the shared record and 100 member records per name in per-node mode', () => {
    expect(world.provider().limits?.maxValuesPerSet).toBe(400);
    expect(perNode().limits?.maxValuesPerSet).toBe(100);
  });
});

describe('route53 per-node: 100 records per name and type', () => {
  it('refuses the 101st member before sending anything, with a non-usage error', async () => {
    const before = await seed(100);
    const sent = batches().length;
    const error = await perNode()
      .apply([{ kind: 'update', before, after: withIds(a(addresses(101))) }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'ERR_ROUTE53_RECORD_QUOTA', message: expect.stringContaining('at most 100') });
    expect((error as ProviderError).hasLabel('usage')).toBe(false);
    expect(batches()).toHaveLength(sent);
    expect(members()).toHaveLength(100);
  });

  it("maps Route 53's own quota refusal (another writer filled the name meanwhile) to ERR_ROUTE53_LIMIT, never usage", async () => {
    const before = await seed(99);
    const stale = perNode();
    await stale.read([NAME]); // lists 99
    await perNode().apply([{ kind: 'update', before, after: withIds(a([...addresses(99), '10.9.9.9'])) }]);
    const error = await stale
      .apply([{ kind: 'update', before, after: withIds(a([...addresses(99), '10.9.9.8'])) }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_ROUTE53_LIMIT' });
    expect((error as ProviderError).hasLabel('usage')).toBe(false);
    expect(members()).toHaveLength(100);
  });

  it('still lets a member replace another at a full name (removal and addition in one apply)', async () => {
    const before = await seed(100);
    const next = [...addresses(99), '10.9.9.9'];
    await perNode().apply([{ kind: 'update', before, after: withIds(a(next)) }]);
    expect(
      members()
        .flatMap((r) => r.ResourceRecords!.map((v) => v.Value))
        .sort(),
    ).toEqual([...next].sort());
  });
});

describe('route53 per-node: one TTL per name and type', () => {
  it('changes the TTL of every member with one rewrite, not one per member', async () => {
    const before = await seed(5);
    const sent = batches().length;
    await perNode().apply([{ kind: 'update', before, after: { ...before, ttl: 60 } }]);
    expect(batches().length - sent).toBe(1);
    const changes = (batches().at(-1)!.input as { ChangeBatch: { Changes: unknown[] } }).ChangeBatch.Changes;
    expect(changes).toHaveLength(2);
    expect(members().map((r) => r.TTL)).toEqual([60, 60, 60, 60, 60]);
    const [now] = await perNode().read([NAME]);
    expect(now?.ttl).toBe(60);
  });

  it('lets an addition carry the new TTL to every member, with no separate rewrite and no conflict', async () => {
    const before = await seed(3);
    const after = withIds(a([...addresses(3), '10.9.9.9'], 10));
    await perNode().apply([{ kind: 'update', before, after }]);
    const changes = (batches().at(-1)!.input as { ChangeBatch: { Changes: { Action: string }[] } }).ChangeBatch.Changes;
    expect(changes.map((c) => c.Action)).toEqual(['CREATE']);
    expect(members().map((r) => r.TTL)).toEqual([10, 10, 10, 10]);
  });

  it('removes members and changes the TTL in one apply without conflicting with itself', async () => {
    const before = await seed(4);
    await perNode().apply([{ kind: 'update', before, after: withIds(a(addresses(2), 45)) }]);
    expect(batches().filter((c) => c.error !== undefined)).toEqual([]);
    expect(members().map((r) => r.TTL)).toEqual([45, 45]);
  });
});

describe('route53 per-node: health checks go after their records', () => {
  it('deletes a member record before its health check (Route 53 would not stop the reverse)', async () => {
    const checked = () => world.provider({ mode: 'per-node', healthChecks: { port: 3000, tagOwner: 'prod' } });
    const ips = ['203.0.113.1', '203.0.113.2'];
    await checked().apply([{ kind: 'create', set: withIds(a(ips)) }]);
    const [set] = await checked().read([NAME]);
    await checked().apply([{ kind: 'update', before: set!, after: a(['203.0.113.1']) }]);
    expect(world.model.healthChecks()).toHaveLength(1);
    expect(world.model.callsOf('DeleteHealthCheck')).toHaveLength(1);
    expect(world.model.healthChecksDeletedInUse()).toEqual([]);
  });
});
