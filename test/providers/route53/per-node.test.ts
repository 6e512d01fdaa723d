/**
 * Mode per-node: one multivalue-answer record per member (SetIdentifier = member id); adding or removing a
 * member touches that member's record only.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import type { RecordSet } from '../../../src/records/types.js';
import { NAME, a, addresses, marker, MARKER, userRecords, useWorld } from './helpers.js';

const world = useWorld();
const perNode = () => world.provider({ mode: 'per-node' });
const withIds = (set: RecordSet, ids: Record<string, string>): RecordSet => ({ ...set, ids });
const member = (id: string, ip: string, ttl = 30): ResourceRecordSet => ({
  Name: `${NAME}.`,
  Type: 'A',
  TTL: ttl,
  SetIdentifier: id,
  MultiValueAnswer: true,
  ResourceRecords: [{ Value: ip }],
});
const lastBatch = () =>
  (
    world.model.callsOf('ChangeResourceRecordSets').at(-1)!.input as {
      ChangeBatch: { Changes: { Action: string; ResourceRecordSet: ResourceRecordSet }[] };
    }
  ).ChangeBatch.Changes.map((c) => [
    c.Action,
    c.ResourceRecordSet.SetIdentifier ?? c.ResourceRecordSet.Type,
    c.ResourceRecordSet.ResourceRecords?.[0]?.Value,
  ]);
const members = () => userRecords(world.model).filter((r) => r.Type === 'A');

async function seed(ids: Record<string, string>): Promise<RecordSet> {
  const p = perNode();
  await p.apply([
    { kind: 'create', set: marker() },
    { kind: 'create', set: withIds(a(Object.keys(ids)), ids) },
  ]);
  const [set] = await p.read([NAME]);
  return set!;
}

describe('route53 per-node: one record per member', () => {
  it('creates one multivalue record per member, keyed by its id, and reads them back as one set with ids', async () => {
    const set = await seed({ '10.0.0.1': 'i-aaa', '10.0.0.2': 'i-bbb' });
    expect(members()).toEqual([member('i-aaa', '10.0.0.1'), member('i-bbb', '10.0.0.2')]);
    expect(set).toEqual({ ...a(['10.0.0.1', '10.0.0.2']), ids: { '10.0.0.1': 'i-aaa', '10.0.0.2': 'i-bbb' } });
    expect(await perNode().read([MARKER])).toEqual([marker()]);
  });

  it('adds a member with one CREATE of its record, touching no other record', async () => {
    const before = await seed({ '10.0.0.1': 'i-aaa', '10.0.0.2': 'i-bbb' });
    const others = members();
    await perNode().apply([
      { kind: 'update', before, after: withIds(a(['10.0.0.1', '10.0.0.2', '10.0.0.3']), { '10.0.0.3': 'i-ccc' }) },
    ]);
    expect(lastBatch()).toEqual([['CREATE', 'i-ccc', '10.0.0.3']]);
    expect(members()).toEqual([...others, member('i-ccc', '10.0.0.3')]);
  });

  it('removes a member with one DELETE of exactly its record', async () => {
    const before = await seed({ '10.0.0.1': 'i-aaa', '10.0.0.2': 'i-bbb', '10.0.0.3': 'i-ccc' });
    await perNode().apply([{ kind: 'update', before, after: a(['10.0.0.1', '10.0.0.3']) }]);
    expect(lastBatch()).toEqual([['DELETE', 'i-bbb', '10.0.0.2']]);
    expect(members()).toEqual([member('i-aaa', '10.0.0.1'), member('i-ccc', '10.0.0.3')]);
  });

  it("never touches another writer's member added since the read", async () => {
    const before = await seed({ '10.0.0.1': 'i-aaa' });
    await world
      .provider({ mode: 'per-node' })
      .apply([{ kind: 'update', before, after: withIds(a(['10.0.0.1', '10.0.0.5']), { '10.0.0.5': 'i-eee' }) }]);
    // This writer still believes the set is {10.0.0.1}: adding its own member leaves i-eee alone.
    await perNode().apply([
      { kind: 'update', before, after: withIds(a(['10.0.0.1', '10.0.0.7']), { '10.0.0.7': 'i-ggg' }) },
    ]);
    expect(members().map((r) => r.SetIdentifier)).toEqual(['i-aaa', 'i-eee', 'i-ggg']);
  });

  it('re-creates a member whose address changed under the same id in one unit (DELETE then CREATE)', async () => {
    const before = await seed({ '10.0.0.1': 'node-1', '10.0.0.2': 'node-2' });
    await perNode().apply([
      {
        kind: 'update',
        before,
        after: withIds(a(['10.0.0.2', '10.0.0.9']), { '10.0.0.2': 'node-2', '10.0.0.9': 'node-1' }),
      },
    ]);
    expect(lastBatch()).toEqual([
      ['DELETE', 'node-1', '10.0.0.1'],
      ['CREATE', 'node-1', '10.0.0.9'],
    ]);
    expect(members()).toEqual([member('node-1', '10.0.0.9'), member('node-2', '10.0.0.2')]);
  });

  it('gives a second address of one member its own identifier, and still reads the member id', async () => {
    const set = await seed({ '10.0.0.1': 'n1', '10.0.0.2': 'n1' });
    expect(members().map((r) => r.SetIdentifier)).toEqual(['n1', 'n1/10.0.0.2']);
    expect(set.ids).toEqual({ '10.0.0.1': 'n1', '10.0.0.2': 'n1' });
  });

  it('uses the address as identifier when no id is known', async () => {
    await perNode().apply([{ kind: 'create', set: a(['10.0.0.4']) }]);
    expect(members()).toEqual([member('10.0.0.4', '10.0.0.4')]);
  });

  it('changes the TTL of every member record, and deletes them all', async () => {
    const before = await seed({ '10.0.0.1': 'i-aaa', '10.0.0.2': 'i-bbb' });
    await perNode().apply([{ kind: 'update', before, after: { ...before, ttl: 60 } }]);
    expect(members()).toEqual([member('i-aaa', '10.0.0.1', 60), member('i-bbb', '10.0.0.2', 60)]);
    const [now] = await perNode().read([NAME]);
    expect(now?.ttl).toBe(60);
    await perNode().apply([{ kind: 'delete', set: now! }]);
    expect(members()).toEqual([]);
  });

  it('reads the most members Route 53 holds at a name (100 A + 100 AAAA records) in one listing', async () => {
    const v4 = addresses(100);
    const v6 = addresses(100, 6);
    const ids = (ips: string[]) => Object.fromEntries(ips.map((ip, i) => [ip, `i-${i}`]));
    await perNode().apply([
      { kind: 'create', set: withIds(a(v4), ids(v4)) },
      { kind: 'create', set: { name: NAME, type: 'AAAA', ttl: 30, values: v6, ids: ids(v6) } },
    ]);
    const p = perNode();
    const before = world.model.callsOf('ListResourceRecordSets').length;
    const sets = await p.read([NAME]);
    expect(sets.map((s) => s.values.length)).toEqual([100, 100]);
    expect(world.model.callsOf('ListResourceRecordSets').length - before).toBe(1);
  });

  it('refuses a name that holds a simple record', async () => {
    await world.provider().apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    await expect(perNode().read([NAME])).rejects.toMatchObject({
      code: 'ERR_ROUTE53_ROUTING_POLICY',
      message: expect.stringContaining('simple record'),
    });
  });
});
