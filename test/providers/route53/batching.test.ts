/**
 * Batches within Route 53's limits (the model enforces them, so an accepted batch proves the split), the
 * update pair kept together, and per-node batches bisected when Route 53 refuses one member's change.
 */
import type { Change } from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { packBatches, ROUTE53_BATCH_LIMITS, type Unit } from '../../../src/providers/route53/index.js';
import { ConflictError } from '../../../src/providers/types.js';
import type { RecordSet } from '../../../src/records/types.js';
import { NAME, a, aaaa, addresses, marker, plain, userRecords, useWorld } from './helpers.js';

const world = useWorld();

const unit = (what: string, ...changes: [Change['Action'], number, number?][]): Unit => ({
  what,
  changes: changes.map(([Action, values, chars = 10]) => ({
    Action,
    ResourceRecordSet: {
      Name: 'x.example.com.',
      Type: 'TXT',
      TTL: 30,
      ResourceRecords: Array.from({ length: values }, () => ({ Value: 'x'.repeat(chars) })),
    },
  })),
  createdHealthChecks: [],
  releasedHealthChecks: [],
});
const shape = (batches: Unit[][]) => batches.map((b) => b.map((u) => u.what));

describe('packBatches', () => {
  it('packs in order by changes, records (UPSERT twice) and value characters', () => {
    expect(
      shape(
        packBatches([
          unit('a', ['CREATE', 300], ['CREATE', 300]),
          unit('b', ['CREATE', 300]),
          unit('c', ['CREATE', 200]),
        ]),
      ),
    ).toEqual([['a', 'b'], ['c']]);
    expect(shape(packBatches([unit('a', ['UPSERT', 300]), unit('b', ['CREATE', 250], ['CREATE', 250])]))).toEqual([
      ['a'],
      ['b'],
    ]);
    expect(
      shape(
        packBatches([unit('a', ['CREATE', 10, 2000]), unit('b', ['CREATE', 10, 1300]), unit('c', ['CREATE', 1, 10])]),
      ),
    ).toEqual([['a'], ['b', 'c']]);
    const many = Array.from({ length: 1001 }, (_, i) => unit(`u${i}`, ['DELETE', 0]));
    expect(packBatches(many).map((b) => b.length)).toEqual([1000, 1]);
  });

  it('never splits a unit (an update pair), and refuses one that fits no batch', () => {
    const pair = unit('pair', ['DELETE', 400], ['CREATE', 400]);
    expect(shape(packBatches([unit('first', ['CREATE', 300]), pair]))).toEqual([['first'], ['pair']]);
    expect(() => packBatches([unit('huge', ['DELETE', 400], ['CREATE', 400], ['CREATE', 400])])).toThrow(
      expect.objectContaining({ code: 'ERR_ROUTE53_BATCH_LIMIT' }),
    );
    expect(() => packBatches([unit('wide', ['CREATE', ROUTE53_BATCH_LIMITS.valuesPerRecord + 1])])).toThrow(
      expect.objectContaining({ code: 'ERR_ROUTE53_TOO_MANY_VALUES' }),
    );
  });

  it("leaves room in every batch for the pinned units (a replica's lease fence), which it does not return", () => {
    const fence = unit('fence', ['DELETE', 1], ['CREATE', 1]);
    const half = (what: string, values: number): Unit => unit(what, ['CREATE', values], ['CREATE', values]);
    // 2 records of fence + 500 + 500 > 1000: two batches; 2 + 499 + 499 = 1000: one.
    expect(shape(packBatches([half('a', 250), half('b', 250)], ROUTE53_BATCH_LIMITS, [fence]))).toEqual([['a'], ['b']]);
    expect(
      shape(packBatches([half('a', 250), unit('b', ['CREATE', 249], ['CREATE', 248])], ROUTE53_BATCH_LIMITS, [fence])),
    ).toEqual([['a', 'b']]);
    expect(() =>
      packBatches([unit('full', ['CREATE', 400], ['CREATE', 400], ['CREATE', 199])], ROUTE53_BATCH_LIMITS, [fence]),
    ).toThrow(expect.objectContaining({ code: 'ERR_ROUTE53_BATCH_LIMIT' }));
  });
});

describe('route53: batch splitting through the provider', () => {
  it('shared: two 400-value updates go in two batches, each a whole DELETE + CREATE pair', async () => {
    const p = world.provider();
    await p.apply([
      { kind: 'create', set: marker() },
      { kind: 'create', set: a(addresses(400)) },
      { kind: 'create', set: aaaa(addresses(400, 6)) },
    ]);
    expect(world.model.callsOf('ChangeResourceRecordSets').map((c) => c.error)).toEqual([undefined]); // 800 records fit one batch
    const [A, AAAA] = (await p.read([NAME])) as RecordSet[];
    await p.apply([
      { kind: 'update', before: A!, after: a(addresses(400, 4, 400)) },
      { kind: 'update', before: AAAA!, after: aaaa(addresses(400, 6, 400)) },
    ]);
    const sizes = world.model
      .callsOf('ChangeResourceRecordSets')
      .slice(-2)
      .map((c) => (c.input as { ChangeBatch: { Changes: unknown[] } }).ChangeBatch.Changes.length);
    expect(sizes).toEqual([2, 2]);
    expect(plain(await p.read([NAME]))).toEqual([
      a([...addresses(400, 4, 400)].sort()),
      aaaa([...addresses(400, 6, 400)].sort()),
    ]);
  });

  it("per-node: 1,200 members (100 per name and type, Route 53's quota) are created in two batches, the marker in the first", async () => {
    const sets = Array.from({ length: 6 }, (_, k) => [
      a(addresses(100, 4, k * 100), 30, `s${k}.example.com`),
      aaaa(addresses(100, 6, k * 100), 30, `s${k}.example.com`),
    ]).flat();
    await world
      .provider({ mode: 'per-node' })
      .apply([{ kind: 'create', set: marker() }, ...sets.map((set) => ({ kind: 'create' as const, set }))]);
    const batches = world.model
      .callsOf('ChangeResourceRecordSets')
      .map((c) => (c.input as { ChangeBatch: { Changes: Change[] } }).ChangeBatch.Changes);
    expect(batches.map((b) => b.length)).toEqual([1000, 201]);
    expect(batches[0]![0]!.ResourceRecordSet!.Type).toBe('TXT');
    expect(userRecords(world.model).filter((r) => r.Type === 'A' || r.Type === 'AAAA')).toHaveLength(1200);
  });

  it('per-node: a refused batch is bisected, the other members are applied, and the refused one conflicts', async () => {
    const p = world.provider({ mode: 'per-node' });
    await p.apply([{ kind: 'create', set: a(['10.9.0.1'], 30) }]);
    const [before] = await p.read([NAME]);
    // Another writer adds member i-5 after our read: our CREATE of i-5 must fail, the rest must not.
    await world
      .provider({ mode: 'per-node' })
      .apply([
        { kind: 'update', before: before!, after: { ...a(['10.9.0.1', '10.0.0.5']), ids: { '10.0.0.5': 'i-5' } } },
      ]);
    const ips = addresses(10);
    const after: RecordSet = {
      ...a(['10.9.0.1', ...ips]),
      ids: Object.fromEntries(ips.map((ip, i) => [ip, `i-${i + 1}`])),
    };
    const calls = world.model.callsOf('ChangeResourceRecordSets').length;
    const error = await p.apply([{ kind: 'update', before: before!, after }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/1 of 10 changes conflicted.*i-5.*the other 9 were/);
    // 10 units: refused, then halves of 5 (one refused -> 3 + 2 -> ... ) until the single refused unit.
    expect(world.model.callsOf('ChangeResourceRecordSets').length - calls).toBeGreaterThan(2);
    const ids = userRecords(world.model)
      .filter((r) => r.Type === 'A')
      .map((r) => r.SetIdentifier)
      .sort();
    expect(ids).toEqual(['10.9.0.1', 'i-1', 'i-10', 'i-2', 'i-3', 'i-4', 'i-5', 'i-6', 'i-7', 'i-8', 'i-9']);
    // The registrar re-reads and re-plans: nothing left to do for these members.
    const [now] = await p.read([NAME]);
    expect(now?.values).toEqual([...after.values].sort());
  });
});
