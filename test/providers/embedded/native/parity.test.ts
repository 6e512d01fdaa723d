// The native fast path against the JavaScript Responder, byte for byte: whatever the engine answers itself
// must be exactly what the Responder would send, it must answer every ordinary query itself, and it must
// hand everything unusual to JavaScript (probe → null). No sockets: threads 0 opens none, probe() runs the
// same function the threads run.
import dnsPacket, { type StringAnswer } from 'dns-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { NativeUdpEngine } from '../../../../src/providers/embedded/native/engine.js';
import { Responder } from '../../../../src/providers/embedded/query.js';
import { ZoneStore } from '../../../../src/providers/embedded/zone-store.js';
import type { RecordSet } from '../../../../src/records/types.js';
import { ZONE } from '../helpers.js';
import { nativeBinding, nativeLoadMessage, optRr, plainRr, prng, question, rawMessage, wireName } from './native.js';

const MAX_UDP = 1232;
const MAX_QUERY = 4096;
const T = {
  A: 1,
  NS: 2,
  SOA: 6,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
};
const RD = 0x0100;
const CD = 0x0010;

const v4 = (n: number, net: number): string[] => Array.from({ length: n }, (_, i) => `10.${net}.0.${i + 1}`);
const RECORDS: RecordSet[] = [
  { name: ZONE, type: 'A', ttl: 30, values: v4(2, 10) },
  { name: `a1.${ZONE}`, type: 'A', ttl: 30, values: v4(1, 1) },
  { name: `a2.${ZONE}`, type: 'A', ttl: 30, values: v4(2, 2) },
  { name: `a3.${ZONE}`, type: 'A', ttl: 30, values: v4(3, 3) },
  { name: `a3.${ZONE}`, type: 'AAAA', ttl: 30, values: ['2001:db8::1', '2001:db8::2'] },
  { name: `a7.${ZONE}`, type: 'A', ttl: 45, values: v4(7, 7) },
  { name: `a20.${ZONE}`, type: 'A', ttl: 30, values: v4(20, 20) },
  { name: `v6.${ZONE}`, type: 'AAAA', ttl: 60, values: [1, 2, 3, 4, 5].map((i) => `2001:db8:6::${i}`) },
  // 600 bytes of TXT: over 512 (TC without EDNS), under 1232.
  { name: `txt.${ZONE}`, type: 'TXT', ttl: 60, values: ['hello', 'x'.repeat(600)] },
  { name: `txt.${ZONE}`, type: 'A', ttl: 30, values: v4(1, 11) },
  // Over 1232: TC at every EDNS size (ours caps them).
  { name: `huge.${ZONE}`, type: 'TXT', ttl: 60, values: ['a', 'b', 'c', 'd'].map((c) => c.repeat(400)) },
  { name: `deep.sub.${ZONE}`, type: 'A', ttl: 30, values: v4(4, 9) },
];
const SOA = { serial: 2026120501, minimum: 20, ttl: 300 };
const NS = [`ns1.${ZONE}`, 'ns2.example.net'];

function fixture(o: { rotate: boolean; records?: readonly RecordSet[] }): { store: ZoneStore; r: Responder } {
  const store = new ZoneStore({
    zone: ZONE,
    soa: SOA,
    ns: NS,
    ...(o.records === undefined ? {} : { records: o.records }),
  });
  return { store, r: new Responder(store, { maxUdpPayload: MAX_UDP, maxQueryBytes: MAX_QUERY, rotate: o.rotate }) };
}

const engines: NativeUdpEngine[] = [];
/** A socketless engine loaded with the responder's current compilation. */
function probeEngine(r: Responder): NativeUdpEngine {
  const engine = NativeUdpEngine.open(
    nativeBinding(),
    { host: '127.0.0.1', port: 0, threads: 0, maxQueryBytes: MAX_QUERY, maxUdpPayload: MAX_UDP },
    () => undefined,
  );
  engines.push(engine);
  engine.setZone(r.zone());
  return engine;
}
afterAll(() => engines.forEach((e) => e.close()));

const hex = (b: Buffer | null): string => (b === null ? 'null' : b.toString('hex'));
/** Alternating letter case (0x20 randomisation as resolvers do it). */
const mixCase = (s: string): string => [...s].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');

interface Edns {
  readonly size: number;
  readonly flags?: number;
  readonly rdata?: Buffer;
}
function build(name: string, qtype: number, o: { id: number; flags: number; qclass: number; edns?: Edns }): Buffer {
  const body = [question(name, qtype, o.qclass)];
  if (o.edns) body.push(optRr(o.edns));
  return rawMessage({ id: o.id, flags: o.flags, ar: o.edns ? 1 : 0, body });
}

const EXISTING = [
  ZONE,
  ...['a1', 'a2', 'a3', 'a7', 'a20', 'v6', 'txt', 'huge', 'sub', 'deep.sub'].map((l) => `${l}.${ZONE}`),
];
const MISSING = [`nope.${ZONE}`, `x.a3.${ZONE}`, `NOPE.deeper.sub.${ZONE}`, `A1X.Seed.Test`];
const OUTSIDE = ['example.com', 'test', '.', 'eed.test', `${ZONE}.example`, 'xseed.test'];
const NAMES = [...EXISTING, ...EXISTING.map(mixCase), ...MISSING, ...OUTSIDE];
const TYPES = [T.A, T.AAAA, T.TXT, T.SOA, T.NS, T.ANY, T.MX];
// A cookie option (code 10, 8 bytes): rdata the fast path must skip, not misread.
const COOKIE = Buffer.from('000a00080102030405060708', 'hex');
const EDNS: (Edns | undefined)[] = [
  undefined,
  { size: 0 },
  { size: 512 },
  { size: 1232 },
  { size: 4096 },
  { size: 4096, flags: 0x8000, rdata: COOKIE },
];
// Bits a query may carry that the response must not echo (AA TC RA Z AD) next to RD/CD, which it must.
const FLAGS = [0, RD, CD, RD | CD, 0x0400 | 0x0200 | 0x0080 | 0x0040 | 0x0020 | RD];
const CLASSES = [1, 255];

function ordinaryQueries(): Buffer[] {
  const out: Buffer[] = [];
  let id = 1;
  for (const name of NAMES)
    for (const qtype of TYPES)
      for (const edns of EDNS)
        for (const flags of FLAGS)
          for (const qclass of CLASSES) out.push(build(name, qtype, { id: id++ & 0xffff, flags, qclass, edns }));
  return out;
}

describe('native fast path parity with the Responder', () => {
  it('the native UDP engine is built and loads', () => {
    const { ok, message } = nativeLoadMessage();
    expect(ok, message).toBe(true);
  });

  it('answers every ordinary query itself, with exactly the Responder bytes', () => {
    const { r } = fixture({ rotate: false, records: RECORDS });
    const engine = probeEngine(r);
    const queries = ordinaryQueries();
    const bad: string[] = [];
    const rcodes = new Set<number>();
    let truncated = 0;
    for (const q of queries) {
      const want = r.respond(q, false);
      const got = engine.probe(q);
      if (want === null || got === null || !got.equals(want)) {
        if (bad.length < 20) bad.push(`query ${hex(q)}\n  responder ${hex(want)}\n  native    ${hex(got)}`);
        continue;
      }
      rcodes.add(want[3]! & 0xf);
      if ((want[2]! & 0x02) !== 0) truncated++;
    }
    expect(bad, `${bad.length} mismatches of ${queries.length}`).toEqual([]);
    // The matrix really covered answers, NXDOMAIN, REFUSED and truncation.
    expect([...rcodes].sort()).toEqual([0, 3, 5]);
    expect(truncated).toBeGreaterThan(100);
    expect(queries.length).toBeGreaterThan(10_000);
  });

  it('answers a query padded with trailing bytes up to maxQueryBytes like the Responder', () => {
    const { r } = fixture({ rotate: false, records: RECORDS });
    const engine = probeEngine(r);
    const base = build(`a3.${ZONE}`, T.A, { id: 7, flags: RD, qclass: 1, edns: { size: 1232 } });
    const padded = Buffer.concat([base, Buffer.alloc(MAX_QUERY - base.length, 0xee)]);
    expect(padded.length).toBe(MAX_QUERY);
    const got = engine.probe(padded);
    expect(got).not.toBeNull();
    expect(hex(got)).toBe(hex(r.respond(padded, false)));
  });

  it('rotates A/AAAA answers in the same sequence as a fresh Responder', () => {
    const { r } = fixture({ rotate: true, records: RECORDS });
    const engine = probeEngine(r); // fresh: its probe turn starts at 0, like the Responder's
    // Interleaved names share the one turn counter on both sides; single-body answers do not advance it.
    const names: [string, number][] = [
      [`a20.${ZONE}`, T.A],
      [`a3.${ZONE}`, T.A],
      [`a1.${ZONE}`, T.A],
      [`v6.${ZONE}`, T.AAAA],
      [`txt.${ZONE}`, T.TXT],
      [`A7.seed.TEST`, T.A],
    ];
    const firstOfA20 = new Set<string>();
    // 120 interleaved queries, then 40 for the 20-value set alone (its every starting point).
    for (let i = 0; i < 160; i++) {
      const [name, qtype] = i < 120 ? names[i % names.length]! : names[0]!;
      const q = build(name, qtype, { id: i, flags: RD, qclass: 1, edns: i % 3 === 0 ? undefined : { size: 1232 } });
      const want = r.respond(q, false)!;
      const got = engine.probe(q);
      expect(hex(got), `query ${i}: ${name} ${qtype} ${hex(q)}`).toBe(hex(want));
      if (i >= 120) firstOfA20.add((dnsPacket.decode(want).answers![0] as StringAnswer).data);
    }
    // It did rotate: the 20-value set started at many different addresses.
    expect(firstOfA20.size).toBeGreaterThanOrEqual(16);
  });

  it('hands every unusual query to JavaScript', () => {
    const { r } = fixture({ rotate: false, records: RECORDS });
    const engine = probeEngine(r);
    const q = question(`a3.${ZONE}`, T.A);
    const opt = optRr({ size: 1232 });
    const aRdata = Buffer.of(10, 0, 0, 1);
    const withEdns = rawMessage({ ar: 1, body: [q, opt] });
    const plain = rawMessage({ body: [q] });
    const cases: [string, Buffer][] = [
      ['QR set', rawMessage({ flags: 0x8000, body: [q] })],
      ['QR and RD set', rawMessage({ flags: 0x8000 | RD, body: [q] })],
      ...[1, 2, 4, 5, 15].map((op): [string, Buffer] => [`opcode ${op}`, rawMessage({ flags: op << 11, body: [q] })]),
      ['qdcount 0, no question', rawMessage({ qd: 0, body: [] })],
      ['qdcount 0, a question present', rawMessage({ qd: 0, body: [q] })],
      ['qdcount 2', rawMessage({ qd: 2, body: [q, question(`a1.${ZONE}`, T.A)] })],
      ['ancount 1', rawMessage({ an: 1, body: [q, plainRr(`a3.${ZONE}`, T.A, aRdata)] })],
      ['nscount 1', rawMessage({ ns: 1, body: [q, plainRr(ZONE, T.NS, wireName(`ns1.${ZONE}`))] })],
      ['two OPT records', rawMessage({ ar: 2, body: [q, opt, opt] })],
      ['OPT then an A record', rawMessage({ ar: 2, body: [q, opt, plainRr(`a3.${ZONE}`, T.A, aRdata)] })],
      ['an A record then OPT', rawMessage({ ar: 2, body: [q, plainRr(`a3.${ZONE}`, T.A, aRdata), opt] })],
      ['OPT version 1 (BADVERS)', rawMessage({ ar: 1, body: [q, optRr({ version: 1 })] })],
      ['OPT version 255', rawMessage({ ar: 1, body: [q, optRr({ version: 255 })] })],
      ['OPT owned by x.', rawMessage({ ar: 1, body: [q, optRr({ name: wireName('x') })] })],
      ['OPT owned by a pointer', rawMessage({ ar: 1, body: [q, optRr({ name: Buffer.of(0xc0, 0x0c) })] })],
      ['a non-OPT additional record', rawMessage({ ar: 1, body: [q, plainRr(`a3.${ZONE}`, T.A, aRdata)] })],
      ['qtype OPT', rawMessage({ body: [question(`a3.${ZONE}`, T.OPT)] })],
      ['qtype OPT with EDNS', rawMessage({ ar: 1, body: [question(`a3.${ZONE}`, T.OPT), opt] })],
      ...[T.AXFR, T.IXFR, T.MAILA, T.MAILB].flatMap((t) =>
        [ZONE, `a3.${ZONE}`, `nope.${ZONE}`, 'example.com'].map((n): [string, Buffer] => [
          `qtype ${t} for ${n}`,
          rawMessage({ body: [question(n, t)] }),
        ]),
      ),
      ...[0, 2, 3, 4, 254, 0xffff].map((c): [string, Buffer] => [
        `class ${c}`,
        rawMessage({ body: [question(`a3.${ZONE}`, T.A, c)] }),
      ]),
      ['class CH outside the zone', rawMessage({ body: [question('version.bind', T.TXT, 3)] })],
      ['a pointer as the question name', rawMessage({ body: [Buffer.of(0xc0, 0x0c, 0, 1, 0, 1)] })],
      [
        'a label then a pointer',
        rawMessage({ body: [Buffer.concat([Buffer.from('\x02a3', 'latin1'), Buffer.of(0xc0, 0x0c, 0, 1, 0, 1)])] }),
      ],
      [
        'a reserved label type (0x40)',
        rawMessage({ body: [Buffer.concat([Buffer.of(0x40), Buffer.alloc(64, 0x61), Buffer.of(0, 0, 1, 0, 1)])] }),
      ],
      ['arcount 1 with no record', rawMessage({ ar: 1, body: [q] })],
      ['OPT rdata longer than the packet', rawMessage({ ar: 1, body: [q, optRr({ rdata: COOKIE }).subarray(0, 15)] })],
      ['longer than maxQueryBytes', Buffer.concat([withEdns, Buffer.alloc(MAX_QUERY + 1 - withEdns.length)])],
      ...[plain, withEdns].flatMap((full) =>
        Array.from({ length: full.length }, (_, n): [string, Buffer] => [
          `the first ${n} of ${full.length} bytes`,
          full.subarray(0, n),
        ]),
      ),
    ];
    const answered = cases.filter(([, pkt]) => engine.probe(pkt) !== null).map(([what, pkt]) => `${what}: ${hex(pkt)}`);
    expect(answered).toEqual([]);
    // The Responder (JavaScript's side) takes them without throwing.
    for (const [, pkt] of cases) expect(() => r.respond(pkt, false)).not.toThrow();
  });

  it('hands a zone that is not loaded to JavaScript (SERVFAIL is the Responder’s)', () => {
    const { r } = fixture({ rotate: false }); // no records: not loaded
    const engine = probeEngine(r);
    for (const name of [ZONE, `a3.${ZONE}`, `nope.${ZONE}`, 'example.com']) {
      const q = build(name, T.A, { id: 9, flags: RD, qclass: 1 });
      expect(engine.probe(q), name).toBeNull();
    }
    expect(r.respond(build(`a3.${ZONE}`, T.A, { id: 9, flags: 0, qclass: 1 }), false)![3]! & 0xf).toBe(2);
  });

  it('answers the new records once setZone is given the changed store, and not before', () => {
    const { store, r } = fixture({ rotate: false, records: RECORDS });
    const engine = probeEngine(r);
    const ask = (name: string): Buffer => build(name, T.A, { id: 3, flags: RD, qclass: 1, edns: { size: 1232 } });
    const values = (reply: Buffer | null): string[] =>
      dnsPacket.decode(reply!).answers!.map((a) => (a as StringAnswer).data);
    const before = store.read([`a3.${ZONE}`]).find((s) => s.type === 'A')!;
    const after: RecordSet = { ...before, values: ['192.0.2.1', '192.0.2.2'] };
    const added: RecordSet = { name: `new.${ZONE}`, type: 'A', ttl: 30, values: ['192.0.2.9'] };
    store.apply([
      { kind: 'update', before, after },
      { kind: 'create', set: added },
    ]);
    // The image is a copy: until setZone the engine still answers the old zone.
    expect(values(engine.probe(ask(`a3.${ZONE}`)))).toEqual(v4(3, 3));
    expect(engine.probe(ask(`new.${ZONE}`))![3]! & 0xf).toBe(3);
    engine.setZone(r.zone());
    for (const name of [`a3.${ZONE}`, `new.${ZONE}`, `a20.${ZONE}`, `gone.${ZONE}`, ZONE]) {
      const q = ask(name);
      expect(hex(engine.probe(q)), name).toBe(hex(r.respond(q, false)));
    }
    expect(values(engine.probe(ask(`a3.${ZONE}`)))).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(values(engine.probe(ask(`new.${ZONE}`)))).toEqual(['192.0.2.9']);
    // And a deletion: the name goes, NXDOMAIN with the new serial's SOA, as the Responder says.
    store.apply([{ kind: 'delete', set: added }]);
    engine.setZone(r.zone());
    const gone = ask(`new.${ZONE}`);
    expect(engine.probe(gone)![3]! & 0xf).toBe(3);
    expect(hex(engine.probe(gone))).toBe(hex(r.respond(gone, false)));
  });

  it('never differs from the Responder on 20,000 mutated queries (seeded)', () => {
    const { r } = fixture({ rotate: false, records: RECORDS });
    const engine = probeEngine(r);
    const all = ordinaryQueries();
    const bases = all.filter((_, i) => i % 29 === 0);
    const rand = prng(0x5eed_2026);
    const int = (n: number): number => Math.floor(rand() * n);
    const mutate = (src: Buffer): Buffer => {
      let b = Buffer.from(src);
      for (let k = 1 + int(3); k > 0; k--) {
        switch (int(9)) {
          case 0: // one byte anywhere
            if (b.length > 0) b[int(b.length)] = int(256);
            break;
          case 1: // one bit
            if (b.length > 0) b[int(b.length)]! ^= 1 << int(8);
            break;
          case 2: // cut short
            b = b.subarray(0, int(b.length + 1));
            break;
          case 3: // trailing bytes
            b = Buffer.concat([b, Buffer.from(Array.from({ length: 1 + int(20) }, () => int(256)))]);
            break;
          case 4: // a count (qd, an, ns, ar) set small
            if (b.length >= 12) b.writeUInt16BE(int(4), 4 + 2 * int(4));
            break;
          case 5: // the flags word
            if (b.length >= 4) b.writeUInt16BE(int(0x10000), 2);
            break;
          case 6: // one byte inserted
            {
              const at = int(b.length + 1);
              b = Buffer.concat([b.subarray(0, at), Buffer.of(int(256)), b.subarray(at)]);
            }
            break;
          case 7: // a byte of the question's tail or the OPT (type, class, size, version): the fields the fast path reads
            if (b.length > 16) b[b.length - 1 - int(16)] = [0, 1, 0x29, 0xff, 0xfc, 3][int(6)]!;
            break;
          default: // letter case inside the name
            if (b.length > 13) b[12 + int(Math.min(30, b.length - 12))]! ^= 0x20;
        }
      }
      return b;
    };
    const bad: string[] = [];
    let fast = 0;
    let toJs = 0;
    for (let i = 0; i < 20_000; i++) {
      const m = mutate(bases[int(bases.length)]!);
      const got = engine.probe(m);
      const want = r.respond(m, false);
      if (got === null) {
        toJs++;
        continue;
      }
      fast++;
      if (want === null || !got.equals(want))
        if (bad.length < 20) bad.push(`query ${hex(m)}\n  responder ${hex(want)}\n  native    ${hex(got)}`);
    }
    expect(bad).toEqual([]);
    // Both sides of the split were exercised.
    expect(fast).toBeGreaterThan(1000);
    expect(toJs).toBeGreaterThan(1000);
  });
});
