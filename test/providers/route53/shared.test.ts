/**
 * Mode shared: one multi-value record per name, changed by compare-and-swap, read back through read().
 */
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { ConflictError, ProviderError } from '../../../src/providers/types.js';
import { serviceError } from '../../aws/route53-model.js';
import { testRoute53Client } from '../../aws/sdk-env.js';
import { MARKER, NAME, ZONE_ID, a, aaaa, addresses, marker, plain, userRecords, useWorld } from './helpers.js';

const world = useWorld();

describe('route53 shared: round trips through read()', () => {
  it('creates the record and its marker in one batch, and reads them back canonically', async () => {
    const p = world.provider();
    await p.apply([
      { kind: 'create', set: marker() },
      { kind: 'create', set: a(['10.0.0.2', '10.0.0.1']) },
      { kind: 'create', set: aaaa(['2001:DB8::1']) },
    ]);
    expect(world.model.callsOf('ChangeResourceRecordSets')).toHaveLength(1);
    expect(await p.read([NAME, MARKER])).toEqual([a(['10.0.0.1', '10.0.0.2']), aaaa(['2001:db8::1']), marker()]);
    expect(userRecords(world.model).find((r) => r.Type === 'TXT')?.ResourceRecords).toEqual([
      { Value: `"seedkeeper/v1 owner=prod-registrar"` },
    ]);
    expect(p.lastChangeId).toMatch(/^\/change\//);
  });

  it('updates by DELETE of the exact set read + CREATE, in one batch', async () => {
    const p = world.provider();
    await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    const [before] = await p.read([NAME]);
    await p.apply([{ kind: 'update', before: before!, after: a(['10.0.0.1', '10.0.0.3'], 60) }]);
    const changes = (
      world.model.callsOf('ChangeResourceRecordSets').at(-1)!.input as {
        ChangeBatch: { Changes: { Action: string }[] };
      }
    ).ChangeBatch.Changes;
    expect(changes.map((c) => c.Action)).toEqual(['DELETE', 'CREATE']);
    expect(plain(await p.read([NAME]))).toEqual([a(['10.0.0.1', '10.0.0.3'], 60)]);
  });

  it('deletes exactly, and reads nothing back', async () => {
    const p = world.provider();
    await p.apply([
      { kind: 'create', set: a(['10.0.0.1']) },
      { kind: 'create', set: marker() },
    ]);
    const sets = await p.read([NAME, MARKER]);
    await p.apply(sets.map((set) => ({ kind: 'delete' as const, set })));
    expect(await p.read([NAME, MARKER])).toEqual([]);
    expect(userRecords(world.model)).toEqual([]);
  });

  it('deletes a TXT record with the spelling Route 53 holds, even when someone else spelled it', async () => {
    const p = world.provider();
    await p.apply([{ kind: 'create', set: marker() }]);
    const raw = userRecords(world.model)[0]!;
    // The same text as two character strings, written by another tool.
    const other = { ...raw, ResourceRecords: [{ Value: `"seedkeeper/v1 " "owner=prod-registrar"` }] };
    await testRoute53Client().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: ZONE_ID,
        ChangeBatch: {
          Changes: [
            { Action: 'DELETE', ResourceRecordSet: raw },
            { Action: 'CREATE', ResourceRecordSet: other },
          ],
        },
      }),
    );
    const [read] = await p.read([MARKER]);
    expect(read).toEqual(marker());
    await p.apply([{ kind: 'update', before: read!, after: { ...marker(), ttl: 60 } }]);
    expect(await p.read([MARKER])).toEqual([{ ...marker(), ttl: 60 }]);
  });

  it('reads a name and its marker with one listing when they are neighbours, and pages through long listings', async () => {
    const p = world.provider();
    await p.apply([
      { kind: 'create', set: marker() },
      { kind: 'create', set: a(['10.0.0.1']) },
    ]);
    const before = world.model.callsOf('ListResourceRecordSets').length;
    await p.read([NAME, MARKER]);
    expect(world.model.callsOf('ListResourceRecordSets').length - before).toBe(1);
    // 700 unrelated names between the apex and the seed name's neighbour: the far name still reads right.
    const filler = addresses(700).map((ip, i) => ({
      kind: 'create' as const,
      set: a([ip], 30, `n${String(i).padStart(3, '0')}.example.com`),
    }));
    await p.apply(filler);
    const lists = world.model.callsOf('ListResourceRecordSets').length;
    const [far, near] = await p.read(['n699.example.com', 'n000.example.com']);
    expect([near?.values, far?.values]).toEqual([[addresses(700)[0]], [addresses(700)[699]]]);
    // The first page (300 records from n000) does not reach n699: the second listing jumps straight to it.
    expect(world.model.callsOf('ListResourceRecordSets').length - lists).toBe(2);
    expect((await p.read(['example.com', 'zzz.example.com'])).length).toBe(0);
  });
});

describe('route53 shared: compare-and-swap and errors', () => {
  it('turns a stale update into ConflictError and changes nothing', async () => {
    const p = world.provider();
    await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    const [seen] = await p.read([NAME]);
    await world.provider().apply([{ kind: 'update', before: seen!, after: a(['10.0.0.1', '10.0.0.2']) }]);
    const stale = p.apply([{ kind: 'update', before: seen!, after: a(['10.0.0.1', '10.0.0.3']) }]);
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({
      code: 'ERR_CONFLICT',
      message: expect.stringContaining('do not match'),
    });
    expect(plain(await p.read([NAME]))).toEqual([a(['10.0.0.1', '10.0.0.2'])]);
  });

  it('turns CREATE of an existing record into ConflictError', async () => {
    await world.provider().apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    await expect(world.provider().apply([{ kind: 'create', set: a(['10.0.0.2']) }])).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('maps refusals that retrying cannot fix to usage errors', async () => {
    const p = world.provider();
    world.model.injectError(() =>
      serviceError('AccessDenied', 'User is not authorized to perform route53:ChangeResourceRecordSets', 403),
    );
    await expect(p.apply([{ kind: 'create', set: a(['10.0.0.1']) }])).rejects.toMatchObject({
      code: 'ERR_ROUTE53_ACCESS_DENIED',
      message: expect.stringContaining(ZONE_ID),
    });
    const noZone = world.provider({ hostedZoneId: 'ZMISSING' });
    const error = await noZone.read([NAME]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'ERR_ROUTE53_NO_SUCH_ZONE' });
    expect((error as ProviderError).hasLabel('usage')).toBe(true);
    // A simple record where multivalue records live: Route 53 refuses it, and no re-read would help.
    await world.provider({ mode: 'per-node' }).apply([{ kind: 'create', set: a(['10.0.0.1'], 30, 'mv.example.com') }]);
    const bad = await p
      .apply([{ kind: 'create', set: a(['10.0.0.2'], 30, 'mv.example.com') }])
      .catch((e: unknown) => e);
    expect(bad).not.toBeInstanceOf(ConflictError);
    expect(bad).toMatchObject({ code: 'ERR_ROUTE53_INVALID', message: expect.stringContaining('InvalidChangeBatch') });
    expect((bad as ProviderError).hasLabel('usage')).toBe(true);
  });

  it('refuses a shared record over 400 values, pointing at maxRecordSize', async () => {
    const error = await world
      .provider()
      .apply([{ kind: 'create', set: a(addresses(401)) }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_ROUTE53_TOO_MANY_VALUES',
      message: expect.stringContaining('maxRecordSize'),
    });
    expect(world.model.callsOf('ChangeResourceRecordSets')).toHaveLength(0);
  });

  it('refuses names outside the zone and records with a routing policy at its name', async () => {
    await expect(world.provider().read(['seed.elsewhere.org'])).rejects.toMatchObject({ code: 'ERR_NOT_IN_ZONE' });
    await world.provider({ mode: 'per-node' }).apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    await expect(world.provider().read([NAME])).rejects.toMatchObject({
      code: 'ERR_ROUTE53_ROUTING_POLICY',
      message: expect.stringContaining('per-node'),
    });
  });

  it('refuses to work once closed', async () => {
    const p = world.provider();
    await p.close();
    await expect(p.read([NAME])).rejects.toMatchObject({ code: 'ERR_PROVIDER_CLOSED' });
  });
});
