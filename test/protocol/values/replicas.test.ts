import { describe, expect, it } from 'vitest';
import { InfoParseError } from '../../../src/protocol/errors.js';
import {
  BITMAP_BYTES,
  PARTITION_COUNT,
  emptyBitmap,
  formatReplicas,
  formatReplicasAll,
  formatReplicasMaster,
  ownsPartition,
  parseReplicas,
  parseReplicasAll,
  parseReplicasMaster,
  partitionOfDigest,
  setPartition,
  type NamespaceReplicas,
} from '../../../src/protocol/values/replicas.js';
import { PORTS, capturedValue } from '../fixture-data.js';

const ALL = `${'/'.repeat(682)}8=`;
const NONE = `${'A'.repeat(683)}=`;

function bitmapOf(partitions: readonly number[]): Buffer {
  const bitmap = emptyBitmap();
  for (const p of partitions) setPartition(bitmap, p);
  return bitmap;
}

describe('replicas: captured cluster (RF 2)', () => {
  const maps = PORTS.map((port) => parseReplicas(capturedValue(port, 'replicas')));

  it('each node reports namespace test, AP, two 512-byte columns', () => {
    for (const map of maps) {
      expect(map).toHaveLength(1);
      expect(map[0]!.namespace).toBe('test');
      expect(map[0]!.regime).toBe(0);
      expect(map[0]!.columns).toHaveLength(2);
      for (const column of map[0]!.columns) expect(column.length).toBe(BITMAP_BYTES);
    }
  });

  it('every partition has exactly one master and one prole, on different nodes', () => {
    const wrong: number[] = [];
    for (let p = 0; p < PARTITION_COUNT; p++) {
      const masters = maps.filter((m) => ownsPartition(m[0]!.columns[0]!, p));
      const proles = maps.filter((m) => ownsPartition(m[0]!.columns[1]!, p));
      if (masters.length !== 1 || proles.length !== 1 || masters[0] === proles[0]) wrong.push(p);
    }
    expect(wrong).toEqual([]);
  });

  it('reproduces the captured replies byte for byte', () => {
    for (const port of PORTS) {
      const value = capturedValue(port, 'replicas');
      expect(formatReplicas(parseReplicas(value))).toBe(value);
    }
  });
});

describe('replicas: grammar', () => {
  it('parses the spec example (one node owns all 4096)', () => {
    const [ns] = parseReplicas(`test:0,1,${ALL}`);
    expect(ns!.columns[0]!.every((b) => b === 0xff)).toBe(true);
    expect(ownsPartition(ns!.columns[0]!, 4095)).toBe(true);
  });

  it('parses several namespaces, SC regimes, and a tolerated trailing ";"', () => {
    const list = parseReplicas(`test:0,2,${ALL},${NONE};bar:7,1,${NONE};`);
    expect(list.map((n) => [n.namespace, n.regime, n.columns.length])).toEqual([
      ['test', 0, 2],
      ['bar', 7, 1],
    ]);
    expect(parseReplicas('')).toEqual([]);
  });

  const long = 'n'.repeat(32);
  it.each([
    ['bitmap too short', `test:0,1,${ALL.slice(1)}`],
    ['bitmap too long', `test:0,1,${ALL}A`],
    ['non-base64 character', `test:0,1,${'*'.repeat(683)}=`],
    ['url-safe alphabet', `test:0,1,${'_'.repeat(683)}=`],
    ['missing padding', `test:0,1,${'A'.repeat(684)}`],
    ['zero columns', 'test:0,0'],
    ['more columns than announced', `test:0,1,${ALL},${ALL}`],
    ['fewer columns than announced', `test:0,2,${ALL}`],
    ['256 columns', `test:0,256,${ALL}`],
    ['namespace of 32 characters', `${long}:0,1,${ALL}`],
    ['empty namespace', `:0,1,${ALL}`],
    ['no colon', `test,0,1,${ALL}`],
    ['bad regime', `test:x,1,${ALL}`],
    ['negative regime', `test:-1,1,${ALL}`],
    ['regime over u32', `test:4294967296,1,${ALL}`],
    ['duplicate namespace', `test:0,1,${ALL};test:0,1,${ALL}`],
    ['empty entry', `test:0,1,${ALL};;bar:0,1,${ALL}`],
    ['only a separator', ';'],
    ['missing regime (replicas-all shape)', `test:1,${ALL}`],
    ['error value', 'ERROR:4:unrecognized command'],
  ])('rejects %s', (_name, value) => {
    expect(() => parseReplicas(value)).toThrow(InfoParseError);
  });

  it('rejects more than 32 namespaces', () => {
    const value = Array.from({ length: 33 }, (_, i) => `ns${i}:0,1,${NONE}`).join(';');
    expect(() => parseReplicas(value)).toThrow(/more than 32 namespaces/);
    const ok = Array.from({ length: 32 }, (_, i) => `ns${i}:0,1,${NONE}`).join(';');
    expect(parseReplicas(ok)).toHaveLength(32);
  });

  it('accepts a 31-character namespace and 255 columns', () => {
    const cols = Array.from({ length: 255 }, () => NONE).join(',');
    expect(parseReplicas(`${'n'.repeat(31)}:0,255,${cols}`)[0]!.columns).toHaveLength(255);
  });
});

describe('replicas: formatting and the older commands', () => {
  const list: NamespaceReplicas[] = [
    { namespace: 'test', regime: 0, columns: [bitmapOf([0, 1, 4095]), bitmapOf([2])] },
    { namespace: 'sc', regime: 3, columns: [bitmapOf([7, 8])] },
  ];

  it('round-trips replicas, replicas-all and replicas-master', () => {
    expect(parseReplicas(formatReplicas(list))).toEqual(list);
    expect(parseReplicasAll(formatReplicasAll(list))).toEqual(list.map((ns) => ({ ...ns, regime: 0 })));
    expect(parseReplicasMaster(formatReplicasMaster(list))).toEqual(
      list.map((ns) => ({ namespace: ns.namespace, bitmap: ns.columns[0] })),
    );
  });

  it('writes the documented shapes', () => {
    const all = [{ namespace: 'test', regime: 0, columns: [Buffer.alloc(BITMAP_BYTES, 0xff)] }];
    expect(formatReplicas(all)).toBe(`test:0,1,${ALL}`);
    expect(formatReplicasAll(all)).toBe(`test:1,${ALL}`);
    expect(formatReplicasMaster(all)).toBe(`test:${ALL}`);
  });

  it('refuses to format what it could not parse back', () => {
    expect(() => formatReplicas([{ namespace: 'a;b', regime: 0, columns: [emptyBitmap()] }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => formatReplicas([{ namespace: 'a', regime: 0, columns: [] }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => formatReplicas([{ namespace: 'a', regime: 0, columns: [Buffer.alloc(10)] }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => formatReplicas([{ namespace: 'a', regime: -1, columns: [emptyBitmap()] }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('rejects a replicas-master entry with extra fields', () => {
    expect(() => parseReplicasMaster(`test:${ALL},${ALL}`)).toThrow(InfoParseError);
  });
});

describe('partition bitmaps', () => {
  it('are MSB-first within each byte', () => {
    const bitmap = emptyBitmap();
    setPartition(bitmap, 0);
    expect(bitmap[0]).toBe(0x80);
    setPartition(bitmap, 7);
    expect(bitmap[0]).toBe(0x81);
    setPartition(bitmap, 4095);
    expect(bitmap[511]).toBe(0x01);
    expect(ownsPartition(bitmap, 0)).toBe(true);
    expect(ownsPartition(bitmap, 1)).toBe(false);
    expect(ownsPartition(bitmap, 4095)).toBe(true);
  });

  it('refuses partitions outside 0..4095', () => {
    expect(() => ownsPartition(emptyBitmap(), 4096)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => setPartition(emptyBitmap(), -1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => setPartition(emptyBitmap(), 1.5)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('maps a digest to its partition: first two bytes little-endian, masked', () => {
    expect(partitionOfDigest(Uint8Array.from([0x01, 0x10, 0xaa]))).toBe(1);
    expect(partitionOfDigest(Uint8Array.from([0x34, 0x02]))).toBe(0x234);
    expect(partitionOfDigest(Uint8Array.from([0xff, 0xff]))).toBe(4095);
    expect(() => partitionOfDigest(Uint8Array.from([1]))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
