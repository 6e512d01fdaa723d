/**
 * The Route 53 model against the rules it claims to enforce, through the real SDK client.
 */
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  GetChangeCommand,
  GetHealthCheckCommand,
  HealthCheckAlreadyExists,
  InvalidChangeBatch,
  InvalidInput,
  ListHealthChecksCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  ListTagsForResourcesCommand,
  NoSuchChange,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  Route53ServiceException,
  ThrottlingException,
  type Change,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Route53Model } from './route53-model.js';
import { testRoute53Client } from './sdk-env.js';

const ZONE = 'Z0TEST';
let model: Route53Model;
const client = testRoute53Client();

beforeEach(() => {
  model = new Route53Model({
    zones: [
      { id: ZONE, name: 'example.com' },
      { id: '/hostedzone/Z0OTHER', name: 'other.example.com' },
    ],
    insyncAfterPolls: 2,
  });
  model.install();
});
afterEach(() => model.restore());

const a = (name: string, ttl: number, ...values: string[]): ResourceRecordSet => ({
  Name: name,
  Type: 'A',
  TTL: ttl,
  ResourceRecords: values.map((Value) => ({ Value })),
});
const mv = (name: string, id: string, value: string, extra: Partial<ResourceRecordSet> = {}): ResourceRecordSet => ({
  ...a(name, 30, value),
  SetIdentifier: id,
  MultiValueAnswer: true,
  ...extra,
});
const change = (Action: Change['Action'], ResourceRecordSet: ResourceRecordSet): Change => ({
  Action,
  ResourceRecordSet,
});
const send = (...changes: Change[]) =>
  client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: ZONE, ChangeBatch: { Changes: changes } }));
const ours = () => model.records(ZONE).filter((r) => r.Type !== 'SOA' && r.Type !== 'NS');
const rejection = async (promise: Promise<unknown>): Promise<Error & { messages?: string[] }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
};

describe('Route53Model: records', () => {
  it('stores names lowercase with the trailing dot, escapes like Route 53, keeps values in the order given', async () => {
    await send(
      change('CREATE', a('Seed.Example.COM', 30, '10.0.0.2', '10.0.0.1')),
      change('CREATE', a('*.example.com.', 60, '10.0.0.9')),
    );
    // Listing order is ASCII over the escaped, label-reversed name: `com.example.\052.` sorts before `com.example.seed.`.
    expect(ours()).toEqual([
      a('\\052.example.com.', 60, '10.0.0.9'),
      a('seed.example.com.', 30, '10.0.0.2', '10.0.0.1'),
    ]);
    expect(model.records(ZONE).map((r) => r.Type)).toEqual(['NS', 'SOA', 'A', 'A']);
  });

  it('refuses to CREATE a record that exists; UPSERT creates or replaces', async () => {
    await send(change('CREATE', a('seed.example.com', 30, '10.0.0.1')));
    const error = await rejection(send(change('CREATE', a('seed.example.com', 30, '10.0.0.2'))));
    expect(error).toBeInstanceOf(InvalidChangeBatch);
    expect(error.messages).toEqual([
      "Tried to create resource record set [name='seed.example.com.', type='A'] but it already exists",
    ]);
    await send(
      change('UPSERT', a('seed.example.com', 60, '10.0.0.3')),
      change('UPSERT', a('new.example.com', 30, '10.0.0.4')),
    );
    expect(ours()).toEqual([a('new.example.com.', 30, '10.0.0.4'), a('seed.example.com.', 60, '10.0.0.3')]);
  });

  it('DELETE must repeat TTL and every value (in any order); otherwise nothing changes', async () => {
    await send(change('CREATE', a('seed.example.com', 30, '10.0.0.1', '10.0.0.2')));
    for (const stale of [
      a('seed.example.com', 60, '10.0.0.1', '10.0.0.2'),
      a('seed.example.com', 30, '10.0.0.1'),
      a('seed.example.com', 30, '10.0.0.1', '10.0.0.3'),
    ]) {
      const error = await rejection(send(change('DELETE', stale)));
      expect(error.message).toContain('but the values provided do not match the current values');
    }
    expect((await rejection(send(change('DELETE', a('gone.example.com', 30, '10.0.0.1'))))).message).toContain(
      'but it was not found',
    );
    await send(change('DELETE', a('SEED.example.com.', 30, '10.0.0.2', '10.0.0.1')));
    expect(ours()).toEqual([]);
  });

  it('applies a batch atomically: DELETE exact + CREATE is a compare-and-swap, a stale one changes nothing', async () => {
    await send(change('CREATE', a('seed.example.com', 30, '10.0.0.1')));
    await send(
      change('DELETE', a('seed.example.com', 30, '10.0.0.1')),
      change('CREATE', a('seed.example.com', 30, '10.0.0.1', '10.0.0.2')),
    );
    const stale = await rejection(
      send(
        change('CREATE', a('other.example.com', 30, '10.0.0.7')),
        change('DELETE', a('seed.example.com', 30, '10.0.0.1')),
        change('CREATE', a('seed.example.com', 30, '10.0.0.3')),
      ),
    );
    expect(stale).toBeInstanceOf(InvalidChangeBatch);
    expect(ours()).toEqual([a('seed.example.com.', 30, '10.0.0.1', '10.0.0.2')]);
  });

  it('enforces the batch and record limits (UPSERT counts twice)', async () => {
    const many = (n: number, action: Change['Action']) =>
      Array.from({ length: n }, (_, i) => change(action, a(`n${i}.example.com`, 30, '10.0.0.1')));
    expect((await rejection(send(...many(1001, 'CREATE')))).message).toContain('limit of 1000 exceeded');
    expect((await rejection(send(...many(501, 'UPSERT')))).message).toContain(
      'Number of records limit of 1000 exceeded',
    );
    await send(...many(500, 'UPSERT'));
    const ips = (n: number, base: number) =>
      Array.from({ length: n }, (_, i) => `10.${base}.${Math.floor(i / 250)}.${i % 250}`);
    expect((await rejection(send(change('CREATE', a('big.example.com', 30, ...ips(401, 1)))))).message).toContain(
      'at most 400',
    );
    const long = Array.from({ length: 13 }, () => `"${'x'.repeat(255)}"`).join(' ');
    const wide = Array.from({ length: 10 }, (_, k) =>
      change('CREATE', { Name: `w${k}.example.com`, Type: 'TXT', TTL: 30, ResourceRecords: [{ Value: long }] }),
    );
    expect(await rejection(send(...wide))).toBeInstanceOf(InvalidChangeBatch);
    expect((await rejection(send(...wide))).message).toContain('Maximum character limit of 32000');
  });

  it('checks values and shapes: bad addresses, TXT strings, missing TTL', async () => {
    expect((await rejection(send(change('CREATE', a('x.example.com', 30, '10.0.0.256'))))).message).toContain(
      'ARRDATAIllegalIPv4Address',
    );
    expect((await rejection(send(change('CREATE', a('x.example.com', 30, '10.0.0.1', '10.0.0.1'))))).message).toContain(
      'Duplicate Resource Record',
    );
    const txt = (value: string): ResourceRecordSet => ({
      Name: 'x.example.com',
      Type: 'TXT',
      TTL: 30,
      ResourceRecords: [{ Value: value }],
    });
    expect((await rejection(send(change('CREATE', txt('"open'))))).message).toContain('InvalidCharacterString');
    expect((await rejection(send(change('CREATE', txt(`"${'x'.repeat(256)}"`))))).message).toContain('TXTRDATATooLong');
    await send(change('CREATE', txt(`"${'x'.repeat(255)}" "with \\"quotes\\" and \\\\"`)));
    expect(
      await rejection(
        send(change('CREATE', { Name: 'y.example.com', Type: 'A', ResourceRecords: [{ Value: '10.0.0.1' }] })),
      ),
    ).toBeInstanceOf(InvalidInput);
    expect((await rejection(send(change('CREATE', a('x.elsewhere.com', 30, '10.0.0.1'))))).message).toContain(
      'is not permitted in zone example.com.',
    );
  });
});

describe('Route53Model: multivalue answer records', () => {
  it('needs SetIdentifier and MultiValueAnswer together', async () => {
    expect(
      await rejection(send(change('CREATE', { ...a('m.example.com', 30, '10.0.0.1'), MultiValueAnswer: true }))),
    ).toBeInstanceOf(InvalidInput);
    expect(
      await rejection(send(change('CREATE', { ...a('m.example.com', 30, '10.0.0.1'), SetIdentifier: 'i-1' }))),
    ).toBeInstanceOf(InvalidInput);
  });

  it('keeps one record per SetIdentifier and never mixes simple and multivalue records at a name/type', async () => {
    await send(
      change('CREATE', mv('m.example.com', 'i-1', '10.0.0.1')),
      change('CREATE', mv('m.example.com', 'i-2', '10.0.0.2')),
    );
    expect((await rejection(send(change('CREATE', mv('m.example.com', 'i-1', '10.0.0.3'))))).message).toContain(
      "set-identifier='i-1'] but it already exists",
    );
    const mixed = await rejection(send(change('CREATE', a('m.example.com', 30, '10.0.0.9'))));
    expect(mixed).toBeInstanceOf(InvalidChangeBatch);
    expect(mixed.message).toContain('conflicting multivalue record set');
    await send(change('CREATE', a('s.example.com', 30, '10.0.0.9')));
    expect((await rejection(send(change('CREATE', mv('s.example.com', 'i-9', '10.0.0.9'))))).message).toContain(
      'conflicting simple record set',
    );
    await send(change('DELETE', mv('m.example.com', 'i-1', '10.0.0.1')));
    expect(ours().map((r) => r.SetIdentifier)).toEqual(['i-2', undefined]);
  });
});

describe('Route53Model: quotas and TTLs of multivalue records', () => {
  const many = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) =>
      change(
        'CREATE',
        mv('m.example.com', `i-${i + from}`, `10.1.${Math.floor((i + from) / 250)}.${(i + from) % 250}`),
      ),
    );

  it('holds at most 100 multivalue records per name and type; the 101st CREATE fails the batch', async () => {
    await send(...many(60));
    await send(...many(40, 60));
    const error = await rejection(send(...many(1, 100)));
    expect(error).toBeInstanceOf(InvalidChangeBatch);
    expect(error.message).toContain('limit is 100 records with the same name and type');
    expect(ours()).toHaveLength(100);
    // Another name, or another type, has its own 100; a removal frees a place.
    await send(change('CREATE', mv('n.example.com', 'i-0', '10.2.0.1')));
    await send(change('DELETE', mv('m.example.com', 'i-0', '10.1.0.0')), ...many(1, 100));
    expect(ours().filter((r) => r.Name === 'm.example.com.')).toHaveLength(100);
  });

  it('keeps one TTL per multivalue name and type: the last one given is applied to every record there', async () => {
    await send(
      change('CREATE', mv('m.example.com', 'i-1', '10.0.0.1')),
      change('CREATE', mv('m.example.com', 'i-2', '10.0.0.2')),
    );
    await send(change('CREATE', mv('m.example.com', 'i-3', '10.0.0.3', { TTL: 60 })));
    expect(ours().map((r) => [r.SetIdentifier, r.TTL])).toEqual([
      ['i-1', 60],
      ['i-2', 60],
      ['i-3', 60],
    ]);
    // A DELETE repeats the record as it is now, TTL included.
    expect((await rejection(send(change('DELETE', mv('m.example.com', 'i-1', '10.0.0.1'))))).message).toContain(
      'do not match',
    );
    await send(change('DELETE', mv('m.example.com', 'i-1', '10.0.0.1', { TTL: 60 })));
    await send(change('UPSERT', mv('m.example.com', 'i-2', '10.0.0.2', { TTL: 10 })));
    expect(ours().map((r) => [r.SetIdentifier, r.TTL])).toEqual([
      ['i-2', 10],
      ['i-3', 10],
    ]);
  });
});

describe('Route53Model: ListResourceRecordSets', () => {
  it('sorts by reversed labels, type and set identifier, and pages with NextRecord*', async () => {
    await send(
      change('CREATE', a('b.example.com', 30, '10.0.0.1')),
      change('CREATE', a('a.b.example.com', 30, '10.0.0.2')),
      change('CREATE', { Name: 'b.example.com', Type: 'TXT', TTL: 30, ResourceRecords: [{ Value: '"t"' }] }),
      ...['i-3', 'i-1', 'i-2'].map((id, k) => change('CREATE', mv('seed.example.com', id, `10.0.1.${k}`))),
    );
    const order = model.records(ZONE).map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`.trim());
    expect(order).toEqual([
      'example.com. NS',
      'example.com. SOA',
      'b.example.com. A',
      'b.example.com. TXT',
      'a.b.example.com. A',
      'seed.example.com. A i-1',
      'seed.example.com. A i-2',
      'seed.example.com. A i-3',
    ]);
    const seen: string[] = [];
    let next: { StartRecordName?: string; StartRecordType?: 'A'; StartRecordIdentifier?: string } = {};
    for (let page = 0; page < 10; page++) {
      const out = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, MaxItems: 3, ...next }));
      seen.push(...out.ResourceRecordSets!.map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`.trim()));
      if (!out.IsTruncated) break;
      next = {
        StartRecordName: out.NextRecordName!,
        StartRecordType: out.NextRecordType as 'A',
        ...(out.NextRecordIdentifier ? { StartRecordIdentifier: out.NextRecordIdentifier } : {}),
      };
    }
    expect(seen).toEqual(order);
    const from = await client.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: ZONE,
        StartRecordName: 'SEED.example.com',
        StartRecordType: 'A',
        StartRecordIdentifier: 'i-2',
        MaxItems: 5,
      }),
    );
    expect(from.ResourceRecordSets!.map((r) => r.SetIdentifier)).toEqual(['i-2', 'i-3']);
    expect(from.IsTruncated).toBe(false);
    expect(
      await rejection(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE, StartRecordType: 'A' }))),
    ).toBeInstanceOf(InvalidInput);
  });

  it('answers NoSuchHostedZone for an unknown zone and accepts the /hostedzone/ prefix', async () => {
    expect(await rejection(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOPE' })))).toBeInstanceOf(
      NoSuchHostedZone,
    );
    const out = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: '/hostedzone/Z0OTHER' }));
    expect(out.ResourceRecordSets!.map((r) => r.Name)).toEqual(['other.example.com.', 'other.example.com.']);
  });

  it('returns deep copies from records()', async () => {
    await send(change('CREATE', a('seed.example.com', 30, '10.0.0.1')));
    ours()[0]!.ResourceRecords!.push({ Value: '10.9.9.9' });
    expect(ours()[0]!.ResourceRecords).toEqual([{ Value: '10.0.0.1' }]);
  });
});

describe('Route53Model: changes, throttling and injected faults', () => {
  it('reports PENDING, then INSYNC after insyncAfterPolls GetChange calls', async () => {
    const { ChangeInfo } = await send(change('CREATE', a('seed.example.com', 30, '10.0.0.1')));
    expect(ChangeInfo?.Status).toBe('PENDING');
    const poll = async () => (await client.send(new GetChangeCommand({ Id: ChangeInfo!.Id! }))).ChangeInfo?.Status;
    expect([await poll(), await poll(), await poll()]).toEqual(['PENDING', 'PENDING', 'INSYNC']);
    expect(await rejection(client.send(new GetChangeCommand({ Id: '/change/CNOPE' })))).toBeInstanceOf(NoSuchChange);
  });

  it('throttles the next N requests of any action, as the SDK surfaces Route 53 throttling, and logs every call', async () => {
    model.injectThrottling(2);
    const first = await rejection(client.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE })));
    expect(first).toBeInstanceOf(Route53ServiceException);
    expect(first.name).toBe('Throttling');
    expect((await rejection(send(change('CREATE', a('seed.example.com', 30, '10.0.0.1'))))).name).toBe('Throttling');
    await send(change('CREATE', a('seed.example.com', 30, '10.0.0.1')));
    model.injectThrottling(1, 'ThrottlingException');
    expect(await rejection(client.send(new GetChangeCommand({ Id: 'x' })))).toBeInstanceOf(ThrottlingException);
    expect(model.calls.map((c) => [c.command, c.error])).toEqual([
      ['ListResourceRecordSets', 'Throttling'],
      ['ChangeResourceRecordSets', 'Throttling'],
      ['ChangeResourceRecordSets', undefined],
      ['GetChange', 'ThrottlingException'],
    ]);
  });

  it('answers PriorRequestNotComplete only to record changes', async () => {
    model.injectPriorRequestNotComplete(1);
    await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: ZONE }));
    expect(await rejection(send(change('CREATE', a('seed.example.com', 30, '10.0.0.1'))))).toBeInstanceOf(
      PriorRequestNotComplete,
    );
    await send(change('CREATE', a('seed.example.com', 30, '10.0.0.1')));
    expect(ours()).toHaveLength(1);
  });
});

describe('Route53Model: health checks and tags', () => {
  const tcp = (ip: string) => ({
    Type: 'TCP' as const,
    IPAddress: ip,
    Port: 3000,
    RequestInterval: 30,
    FailureThreshold: 3,
  });

  it('creates idempotently per CallerReference and refuses addresses its checkers cannot reach', async () => {
    const one = await client.send(
      new CreateHealthCheckCommand({ CallerReference: 'ref-1', HealthCheckConfig: tcp('203.0.113.7') }),
    );
    const again = await client.send(
      new CreateHealthCheckCommand({ CallerReference: 'ref-1', HealthCheckConfig: tcp('203.0.113.7') }),
    );
    expect(again.HealthCheck?.Id).toBe(one.HealthCheck?.Id);
    expect(
      await rejection(
        client.send(new CreateHealthCheckCommand({ CallerReference: 'ref-1', HealthCheckConfig: tcp('203.0.113.8') })),
      ),
    ).toBeInstanceOf(HealthCheckAlreadyExists);
    for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', 'fd00::1', '::1']) {
      expect(
        await rejection(
          client.send(new CreateHealthCheckCommand({ CallerReference: `r-${ip}`, HealthCheckConfig: tcp(ip) })),
        ),
      ).toBeInstanceOf(InvalidInput);
    }
  });

  it('refuses a record naming an unknown health check; deletes a check a record uses, as Route 53 does, and notes it', async () => {
    const { HealthCheck } = await client.send(
      new CreateHealthCheckCommand({ CallerReference: 'ref-2', HealthCheckConfig: tcp('203.0.113.9') }),
    );
    const id = HealthCheck!.Id!;
    expect(
      await rejection(send(change('CREATE', mv('m.example.com', 'i-1', '203.0.113.9', { HealthCheckId: 'nope' })))),
    ).toBeInstanceOf(NoSuchHealthCheck);
    await send(change('CREATE', mv('m.example.com', 'i-1', '203.0.113.9', { HealthCheckId: id })));
    expect((await rejection(send(change('DELETE', mv('m.example.com', 'i-1', '203.0.113.9'))))).message).toContain(
      'do not match',
    );
    await client.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));
    expect(model.healthChecksDeletedInUse()).toEqual([id]);
    expect(model.healthChecks()).toEqual([]);
    // The record still names the deleted check, and deleting it must still repeat it.
    await send(change('DELETE', mv('m.example.com', 'i-1', '203.0.113.9', { HealthCheckId: id })));
    expect(await rejection(client.send(new DeleteHealthCheckCommand({ HealthCheckId: id })))).toBeInstanceOf(
      NoSuchHealthCheck,
    );
    expect(
      await rejection(
        client.send(new CreateHealthCheckCommand({ CallerReference: 'ref-2', HealthCheckConfig: tcp('203.0.113.9') })),
      ),
    ).toBeInstanceOf(HealthCheckAlreadyExists);
  });

  it('keeps tags, lists them in tens, and pages ListHealthChecks', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { HealthCheck } = await client.send(
        new CreateHealthCheckCommand({ CallerReference: `t-${i}`, HealthCheckConfig: tcp(`203.0.113.${i + 1}`) }),
      );
      ids.push(HealthCheck!.Id!);
    }
    await client.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: ids[1],
        AddTags: [{ Key: 'owner', Value: 'me' }],
      }),
    );
    expect(
      (await client.send(new GetHealthCheckCommand({ HealthCheckId: ids[1] }))).HealthCheck?.HealthCheckConfig
        ?.IPAddress,
    ).toBe('203.0.113.2');
    const tags = await client.send(new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: ids }));
    expect(tags.ResourceTagSets!.map((s) => s.Tags)).toEqual([[], [{ Key: 'owner', Value: 'me' }], []]);
    expect(
      await rejection(
        client.send(
          new ListTagsForResourcesCommand({ ResourceType: 'healthcheck', ResourceIds: Array(11).fill(ids[0]) }),
        ),
      ),
    ).toBeInstanceOf(InvalidInput);
    const page1 = await client.send(new ListHealthChecksCommand({ MaxItems: 2 }));
    const page2 = await client.send(new ListHealthChecksCommand({ MaxItems: 2, Marker: page1.NextMarker! }));
    expect([...page1.HealthChecks!, ...page2.HealthChecks!].map((h) => h.Id)).toEqual(ids);
    expect(page2.IsTruncated).toBe(false);
  });
});

describe('Route53Model: hosted zones', () => {
  it('lists zones by name in reversed-label order', async () => {
    const all = await client.send(new ListHostedZonesByNameCommand({}));
    expect(all.HostedZones!.map((z) => [z.Id, z.Name])).toEqual([
      ['/hostedzone/Z0TEST', 'example.com.'],
      ['/hostedzone/Z0OTHER', 'other.example.com.'],
    ]);
    const one = await client.send(new ListHostedZonesByNameCommand({ DNSName: 'other.example.com', MaxItems: 1 }));
    expect(one.HostedZones!.map((z) => z.Name)).toEqual(['other.example.com.']);
  });
});
