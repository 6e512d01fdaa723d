import { describe, expect, it } from 'vitest';
import { ZoneStore } from '../../../src/providers/embedded/zone-store.js';
import { ConflictError, ProviderError } from '../../../src/providers/types.js';
import type { RecordChange, RecordSet } from '../../../src/records/types.js';

const a = (name: string, values: string[], ttl = 30): RecordSet => ({ name, type: 'A', ttl, values });
const seedA = a('seed.db.test', ['10.0.0.1', '10.0.0.2']);

function store(records: RecordSet[] = [seedA]): ZoneStore {
  return new ZoneStore({ zone: 'db.test', records, soa: { serial: 100 } });
}

describe('ZoneStore', () => {
  it('holds canonical sets, SOA defaults and the NS set', () => {
    const s = new ZoneStore({ zone: 'DB.test.', records: [a('Seed.DB.test.', ['10.0.0.2', '10.0.0.1', '10.0.0.2'])] });
    const snap = s.snapshot();
    expect(s.zone).toBe('db.test');
    expect(snap.soa).toMatchObject({
      mname: 'ns.db.test',
      rname: 'hostmaster.db.test',
      refresh: 3600,
      retry: 600,
      expire: 86_400,
      minimum: 5,
      ttl: 30,
    });
    expect(Math.abs(snap.soa.serial - Date.now() / 1000)).toBeLessThan(60);
    expect(snap.ns).toEqual(['ns.db.test']);
    expect(s.read(['SEED.db.test'])).toEqual([a('seed.db.test', ['10.0.0.1', '10.0.0.2'])]);
    expect(
      new ZoneStore({ zone: 'db.test', soa: { rname: 'ops@example.com', serial: 5 } }).snapshot().soa,
    ).toMatchObject({ rname: 'ops.example.com', serial: 5 });
  });

  it('knows empty non-terminals as existing names', () => {
    const snap = store([a('x.y.z.db.test', ['10.0.0.9'])]).snapshot();
    expect([...snap.names].sort()).toEqual(['db.test', 'x.y.z.db.test', 'y.z.db.test', 'z.db.test']);
  });

  it('applies a batch atomically and bumps the serial once', () => {
    const s = store();
    const before = s.snapshot();
    const result = s.apply([
      { kind: 'update', before: seedA, after: a('seed.db.test', ['10.0.0.3']) },
      {
        kind: 'create',
        set: { name: '_owner.seed.db.test', type: 'TXT', ttl: 30, values: ['heritage=seedkeeper,v=1'] },
      },
      { kind: 'create', set: { name: 'seed.db.test', type: 'AAAA', ttl: 30, values: ['2001:DB8::1'] } },
    ]);
    expect(result).toEqual({ applied: 3 });
    expect(s.serial).toBe(101);
    expect(s.read(['seed.db.test', '_owner.seed.db.test'])).toEqual([
      a('seed.db.test', ['10.0.0.3']),
      { name: 'seed.db.test', type: 'AAAA', ttl: 30, values: ['2001:db8::1'] },
      { name: '_owner.seed.db.test', type: 'TXT', ttl: 30, values: ['heritage=seedkeeper,v=1'] },
    ]);
    // The old snapshot is untouched (readers never see half a change).
    expect(before.soa.serial).toBe(100);
    expect(before.sets.size).toBe(1);
    expect(Object.isFrozen(s.snapshot())).toBe(true);
  });

  it('accepts equal sets in another spelling as preconditions (canonicalSet)', () => {
    const s = store();
    s.apply([{ kind: 'delete', set: a('SEED.db.test.', ['10.0.0.2', '10.0.0.1', '10.0.0.1']) }]);
    expect(s.read(['seed.db.test'])).toEqual([]);
  });

  it('runs changes in order on a working copy: delete then create of one set is a swap', () => {
    const s = store();
    s.apply([
      { kind: 'delete', set: seedA },
      { kind: 'create', set: a('seed.db.test', ['10.0.0.7'], 60) },
    ]);
    expect(s.read(['seed.db.test'])).toEqual([a('seed.db.test', ['10.0.0.7'], 60)]);
    expect(s.serial).toBe(101);
  });

  const conflicts: [string, RecordChange][] = [
    ['create of an existing set', { kind: 'create', set: a('seed.db.test', ['10.0.0.9']) }],
    [
      'update from a stale set',
      { kind: 'update', before: a('seed.db.test', ['10.0.0.1']), after: a('seed.db.test', ['10.0.0.9']) },
    ],
    [
      'update with another TTL',
      {
        kind: 'update',
        before: a('seed.db.test', ['10.0.0.1', '10.0.0.2'], 60),
        after: a('seed.db.test', ['10.0.0.9']),
      },
    ],
    [
      'update of a missing set',
      { kind: 'update', before: a('new.db.test', ['10.0.0.1']), after: a('new.db.test', ['10.0.0.9']) },
    ],
    ['delete of a superset', { kind: 'delete', set: a('seed.db.test', ['10.0.0.1', '10.0.0.2', '10.0.0.3']) }],
    ['delete of a missing set', { kind: 'delete', set: a('gone.db.test', ['10.0.0.1']) }],
  ];
  it.each(conflicts)('%s: ConflictError, nothing changes, serial stays', (_what, bad) => {
    const s = store();
    const before = s.snapshot();
    const good: RecordChange = { kind: 'create', set: a('other.db.test', ['10.0.0.5']) };
    expect(() => s.apply([good, bad])).toThrow(ConflictError);
    expect(s.snapshot()).toBe(before);
    expect(s.serial).toBe(100);
    try {
      s.apply([bad]);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_CONFLICT', provider: 'embedded' });
      expect((error as ConflictError).hasLabel('retryable')).toBe(true);
    }
  });

  it('rejects names outside the zone with ERR_NOT_IN_ZONE and changes nothing', () => {
    const s = store();
    const before = s.snapshot();
    for (const name of ['seed.other.test', 'test', 'xdb.test']) {
      expect(() =>
        s.apply([
          { kind: 'create', set: a('ok.db.test', ['10.0.0.1']) },
          { kind: 'create', set: a(name, ['10.0.0.1']) },
        ]),
      ).toThrow(expect.objectContaining({ code: 'ERR_NOT_IN_ZONE' }));
    }
    expect(() => s.read(['seed.example.com'])).toThrow(expect.objectContaining({ code: 'ERR_NOT_IN_ZONE' }));
    expect(s.snapshot()).toBe(before);
  });

  const invalid: [string, RecordSet][] = [
    ['IPv6 in an A set', a('x.db.test', ['::1'])],
    ['IPv4 in an AAAA set', { name: 'x.db.test', type: 'AAAA', ttl: 30, values: ['10.0.0.1'] }],
    ['a scoped IPv6 address', { name: 'x.db.test', type: 'AAAA', ttl: 30, values: ['fe80::1%eth0'] }],
    ['not an address', a('x.db.test', ['10.0.0.256'])],
    ['no values', a('x.db.test', [])],
    ['negative TTL', a('x.db.test', ['10.0.0.1'], -1)],
    ['fractional TTL', a('x.db.test', ['10.0.0.1'], 1.5)],
    ['a bad label', a('x y.db.test', ['10.0.0.1'])],
    ['an empty label', a('x..db.test', ['10.0.0.1'])],
    ['a label over 63', a(`${'x'.repeat(64)}.db.test`, ['10.0.0.1'])],
    ['a TXT value over 4000 bytes', { name: 'x.db.test', type: 'TXT', ttl: 30, values: ['é'.repeat(2001)] }],
    ['an unsupported type', { name: 'x.db.test', type: 'MX' as 'A', ttl: 30, values: ['10.0.0.1'] }],
  ];
  it.each(invalid)('rejects %s with ERR_INVALID_RECORD', (_what, set) => {
    const s = store();
    expect(() => s.apply([{ kind: 'create', set }])).toThrow(ProviderError);
    expect(() => s.apply([{ kind: 'create', set }])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_RECORD' }));
    expect(s.serial).toBe(100);
  });

  it('rejects updates that change the name or type, unknown kinds, and bad constructor input', () => {
    const s = store();
    expect(() => s.apply([{ kind: 'update', before: seedA, after: a('other.db.test', ['10.0.0.1']) }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_RECORD' }),
    );
    expect(() => s.apply([{ kind: 'upsert', set: seedA } as unknown as RecordChange])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_RECORD' }),
    );
    expect(() => new ZoneStore({ zone: 'bad zone' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ZONE' }));
    expect(() => new ZoneStore({ zone: 'db.test', records: [seedA, seedA] })).toThrow(/given twice/);
    expect(() => new ZoneStore({ zone: 'db.test', soa: { minimum: -5 } })).toThrow(/soa.minimum/);
    expect(() => new ZoneStore({ zone: 'db.test', soa: { serial: 2 ** 32 } })).toThrow(/soa.serial/);
    expect(() => new ZoneStore({ zone: 'db.test', ns: [] })).toThrow(/name server/);
  });

  it('an empty batch changes nothing and keeps the serial', () => {
    const s = store();
    expect(s.apply([])).toEqual({ applied: 0 });
    expect(s.serial).toBe(100);
  });

  it('wraps the serial at 2^32', () => {
    const s = new ZoneStore({ zone: 'db.test', soa: { serial: 0xffffffff } });
    s.apply([{ kind: 'create', set: seedA }]);
    expect(s.serial).toBe(0);
  });
});
