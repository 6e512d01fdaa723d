// The DNS registration target on the embedded server (ownership, fail open, AAAA, idempotence) and on the
// Route 53 model in per-node mode (each agent creates or deletes only its own record, keyed by its id).
import '../aws/sdk-env.js';
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterEach, describe, expect, it } from 'vitest';
import { createDnsTarget } from '../../src/agent/targets/dns.js';
import type { AgentMember } from '../../src/agent/target.js';
import { createEmbeddedProvider } from '../../src/providers/embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../src/providers/embedded/server.js';
import type { RecordSet } from '../../src/records/types.js';
import { MARKER, NAME, userRecords, useWorld } from '../providers/route53/helpers.js';

const member = (n: number, address = `192.0.2.${n}`): AgentMember => ({
  id: `i-${String(n).padStart(4, '0')}`,
  address,
  port: 3000,
});

describe('DNS target on the embedded server', () => {
  let dns: EmbeddedDnsServer | undefined;
  afterEach(async () => {
    await dns?.stop();
    dns = undefined;
  });
  const start = async (records: RecordSet[] = []) => {
    dns = await startEmbeddedDnsServer({ zone: 'seed.test', port: 0, records });
    return dns;
  };
  const target = (server: EmbeddedDnsServer, extra: { ownerId?: string; allowEmpty?: boolean } = {}) =>
    createDnsTarget({
      provider: createEmbeddedProvider(server),
      name: 'db.seed.test',
      ttl: 20,
      ownerId: extra.ownerId ?? 'me',
      ...(extra.allowEmpty ? { allowEmpty: true } : {}),
    });
  const sets = (server: EmbeddedDnsServer) =>
    server.store
      .read(['db.seed.test', '_seedkeeper.db.seed.test'])
      .map(({ name, type, ttl, values }) => ({ name, type, ttl, values: [...values] }));

  it('creates the record with its marker in one batch, adds AAAA, and is idempotent', async () => {
    const server = await start();
    const t = target(server);
    await t.register(member(1));
    await t.register(member(1));
    await t.register(member(2, '2001:DB8::2'));
    expect(sets(server)).toEqual([
      { name: 'db.seed.test', type: 'A', ttl: 20, values: ['192.0.2.1'] },
      { name: 'db.seed.test', type: 'AAAA', ttl: 20, values: ['2001:db8::2'] },
      { name: '_seedkeeper.db.seed.test', type: 'TXT', ttl: 20, values: ['seedkeeper/v1 owner=me'] },
    ]);
  });

  it('keeps the TTL of an existing set when adding to it', async () => {
    const server = await start([
      { name: 'db.seed.test', type: 'A', ttl: 60, values: ['192.0.2.9'] },
      { name: '_seedkeeper.db.seed.test', type: 'TXT', ttl: 60, values: ['seedkeeper/v1 owner=me'] },
    ]);
    await target(server).register(member(1));
    expect(sets(server)[0]).toEqual({ name: 'db.seed.test', type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.9'] });
  });

  it("refuses records it does not own: no marker, another owner's marker, a foreign TXT", async () => {
    for (const records of [
      [{ name: 'db.seed.test', type: 'A', ttl: 30, values: ['198.51.100.1'] }],
      [{ name: '_seedkeeper.db.seed.test', type: 'TXT', ttl: 30, values: ['seedkeeper/v1 owner=someone-else'] }],
      [{ name: '_seedkeeper.db.seed.test', type: 'TXT', ttl: 30, values: ['hello'] }],
    ] as RecordSet[][]) {
      const server = await start(records);
      const before = sets(server);
      await expect(target(server).register(member(1))).rejects.toMatchObject({ code: 'ERR_NOT_OWNED' });
      expect(sets(server)).toEqual(before);
      await server.stop();
    }
  });

  it('never removes the last address unless allowEmpty; removing an absent address is a no-op', async () => {
    const server = await start();
    const t = target(server);
    await t.register(member(1));
    await t.deregister(member(5));
    const error = await t.deregister(member(1)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_LAST_ADDRESS' });
    expect((error as Error).message).toMatch(
      /192\.0\.2\.1 is its last address; removing it would leave the record empty/,
    );
    await target(server, { allowEmpty: true }).deregister(member(1));
    expect(sets(server).map((s) => s.type)).toEqual(['TXT']); // the marker stays: the name is still ours
  });
});

describe('DNS target on Route 53, per-node mode', () => {
  const world = useWorld();
  const target = () =>
    createDnsTarget({ provider: world.provider({ mode: 'per-node' }), name: NAME, ttl: 30, ownerId: 'prod' });
  const changes = () =>
    world.model
      .callsOf('ChangeResourceRecordSets')
      .filter((c) => c.error === undefined)
      .map((c) =>
        (
          c.input as { ChangeBatch: { Changes: { Action: string; ResourceRecordSet: ResourceRecordSet }[] } }
        ).ChangeBatch.Changes.map(
          (x) => `${x.Action} ${x.ResourceRecordSet.SetIdentifier ?? x.ResourceRecordSet.Type}`,
        ),
      );

  it('each agent creates only its own record (SetIdentifier = its id); deregistering deletes only that record', async () => {
    const members = [member(1), member(2), member(3)];
    await Promise.all(members.map((m) => target().register(m)));
    const records = userRecords(world.model);
    expect(
      records
        .filter((r) => r.Type === 'A')
        .map((r) => [r.SetIdentifier, r.ResourceRecords?.[0]?.Value])
        .sort(),
    ).toEqual(members.map((m) => [m.id, m.address]));
    expect(records.find((r) => r.Type === 'TXT')).toMatchObject({
      Name: `${MARKER}.`,
      ResourceRecords: [{ Value: '"seedkeeper/v1 owner=prod"' }],
    });
    // Every applied batch holds this member's CREATE (plus the marker, for the first one) and nothing else.
    for (const batch of changes()) expect(batch.filter((c) => c !== 'CREATE TXT')).toHaveLength(1);

    await target().deregister(member(2));
    expect(changes().at(-1)).toEqual(['DELETE i-0002']);
    expect(
      userRecords(world.model)
        .filter((r) => r.Type === 'A')
        .map((r) => r.SetIdentifier)
        .sort(),
    ).toEqual(['i-0001', 'i-0003']);
  });
});
