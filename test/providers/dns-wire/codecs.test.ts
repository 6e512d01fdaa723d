// Every rdata codec against dns-packet as the oracle, both ways, inside whole messages (so names in rdata
// may be compressed); and fuzzed: decoding throws nothing but WireFormatError, and its outcome depends on no
// byte at or after the rdata's end (it never reads past it, nor past the buffer).
import dnsPacket, { type Answer } from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireFormatError } from '../../../src/errors.js';
import { canonicalIp } from '../../../src/net/ip.js';
import { encodeRdataWith, type RdataCodec } from '../../../src/providers/dns-wire/codec.js';
import {
  A,
  AAAA,
  OPT,
  SOA,
  TSIG,
  TXT,
  type EdnsOption,
  type SoaRdata,
  type TsigRdata,
} from '../../../src/providers/dns-wire/codecs.js';
import { CLASS, TYPE } from '../../../src/providers/dns-wire/constants.js';
import { encodeName, NAME } from '../../../src/providers/dns-wire/name.js';
import { decodeMessage, type WireRecord } from '../../../src/providers/dns-wire/reader.js';
import { encodeMessage, encodeRr, optRecord } from '../../../src/providers/dns-wire/writer.js';

const OWNER = 'db.seed.test';
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const domain = fc.domain().map((d) => d.toLowerCase());
const soaArb: fc.Arbitrary<SoaRdata> = fc.record({
  mname: domain,
  rname: domain,
  serial: u32,
  refresh: u32,
  retry: u32,
  expire: u32,
  minimum: u32,
});
const txtArb = fc.string({ unit: 'grapheme', maxLength: 300 });
// Option codes dns-packet leaves undecoded (it parses client subnet, keepalive, padding, tag).
const optionsArb: fc.Arbitrary<EdnsOption[]> = fc.array(
  fc.record({
    code: fc.integer({ min: 65001, max: 65534 }),
    data: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  }),
  { maxLength: 4 },
);
const tsigArb: fc.Arbitrary<TsigRdata> = fc.record({
  algorithm: fc.constantFrom('hmac-sha256', 'hmac-sha512'),
  timeSigned: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  fudge: fc.integer({ min: 0, max: 0xffff }),
  mac: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  originalId: fc.integer({ min: 0, max: 0xffff }),
  error: fc.integer({ min: 0, max: 0xffff }),
  otherData: fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a)),
});

/** Our one-record response message; dns-packet decodes it. */
function ourMessage(
  type: number,
  rdata: Buffer,
  klass: number = CLASS.IN,
  ttl = 30,
): ReturnType<typeof dnsPacket.decode> {
  const answer = encodeRr(encodeName(OWNER), type, klass, ttl, rdata);
  const header = encodeMessage({ id: 1, flags: 0x8400 });
  header.writeUInt16BE(1, type === TYPE.OPT ? 10 : 6);
  return dnsPacket.decode(Buffer.concat([header, answer]));
}

/** The first record of a message dns-packet wrote (names compressed where it can), decoded by us. */
function theirRecord(
  answer: Answer,
  section: 'answers' | 'additionals' = 'answers',
): { raw: Buffer; record: WireRecord } {
  const raw = dnsPacket.encode({
    type: 'response',
    id: 1,
    questions: [{ type: 'A', name: OWNER }],
    [section]: [answer],
  });
  const m = decodeMessage(raw);
  return { raw, record: (section === 'answers' ? m.answers : m.additionals)[0]! };
}

const ours = <T>(codec: RdataCodec<T>, raw: Buffer, r: WireRecord): T =>
  codec.decode(raw, r.rdataOffset, r.rdataOffset + r.rdata.length);

describe('dns-wire rdata codecs against dns-packet', () => {
  it('A and AAAA', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV6(), (v4, v6) => {
        expect(ourMessage(TYPE.A, encodeRdataWith(A, v4)).answers![0]).toMatchObject({ type: 'A', data: v4 });
        expect(
          canonicalIp((ourMessage(TYPE.AAAA, encodeRdataWith(AAAA, v6)).answers![0] as { data: string }).data),
        ).toBe(canonicalIp(v6));
        const a = theirRecord({ type: 'A', name: OWNER, ttl: 1, data: v4 });
        expect(ours(A, a.raw, a.record)).toBe(canonicalIp(v4));
        // Canonical text for dns-packet: it writes '::0:0:0:0:0:0.0.0.1' as '::'.
        const aaaa = theirRecord({ type: 'AAAA', name: OWNER, ttl: 1, data: canonicalIp(v6) });
        expect(ours(AAAA, aaaa.raw, aaaa.record)).toBe(canonicalIp(v6));
      }),
      { numRuns: 300 },
    );
    expect(() => encodeRdataWith(A, '::1')).toThrow(WireFormatError);
    expect(() => encodeRdataWith(AAAA, 'fe80::1%lo')).toThrow(WireFormatError);
  });

  it('TXT (a value split into 255-byte character-strings)', () => {
    fc.assert(
      fc.property(txtArb, (value) => {
        const rdata = encodeRdataWith(TXT, value);
        expect(rdata.length).toBe(TXT.encodingLength(value));
        const data = (ourMessage(TYPE.TXT, rdata).answers![0] as { data: Buffer[] }).data;
        expect(Buffer.concat(data).toString('utf8')).toBe(value);
        expect(data.every((b) => b.length <= 255)).toBe(true);
        const bytes = Buffer.from(value, 'utf8');
        const strings =
          bytes.length === 0
            ? [Buffer.alloc(0)]
            : Array.from({ length: Math.ceil(bytes.length / 255) }, (_, i) => bytes.subarray(i * 255, i * 255 + 255));
        const t = theirRecord({ type: 'TXT', name: OWNER, ttl: 1, data: strings });
        expect(ours(TXT, t.raw, t.record)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('NS (a name, compressed when dns-packet writes it)', () => {
    fc.assert(
      fc.property(domain, (name) => {
        const rdata = encodeRdataWith(NAME, name);
        expect(rdata.length).toBe(NAME.encodingLength(name));
        expect(ourMessage(TYPE.NS, rdata).answers![0]).toMatchObject({ type: 'NS', data: name });
        const t = theirRecord({ type: 'NS', name: OWNER, ttl: 1, data: `x.${OWNER}` });
        expect(ours(NAME, t.raw, t.record)).toBe(`x.${OWNER}`);
        const u = theirRecord({ type: 'NS', name: OWNER, ttl: 1, data: name });
        expect(ours(NAME, u.raw, u.record)).toBe(name);
      }),
      { numRuns: 300 },
    );
  });

  it('SOA', () => {
    fc.assert(
      fc.property(soaArb, (soa) => {
        const rdata = encodeRdataWith(SOA, soa);
        expect(rdata.length).toBe(SOA.encodingLength(soa));
        expect(ourMessage(TYPE.SOA, rdata).answers![0]).toMatchObject({ type: 'SOA', data: soa });
        const t = theirRecord({ type: 'SOA', name: OWNER, ttl: 1, data: soa });
        expect(ours(SOA, t.raw, t.record)).toEqual(soa);
      }),
      { numRuns: 300 },
    );
  });

  it('OPT (options; the UDP size and extended rcode in class and TTL)', () => {
    fc.assert(
      fc.property(optionsArb, fc.integer({ min: 512, max: 0xffff }), (options, size) => {
        const rdata = encodeRdataWith(OPT, options);
        expect(rdata.length).toBe(OPT.encodingLength(options));
        const opt = ourMessage(TYPE.OPT, rdata, size, 0).additionals![0] as {
          udpPayloadSize: number;
          options: EdnsOption[];
        };
        expect(opt.udpPayloadSize).toBe(size);
        expect(opt.options.map((o) => ({ code: o.code, data: Buffer.from(o.data) }))).toEqual(options);
        const t = theirRecord(
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: size,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: options as never,
          },
          'additionals',
        );
        expect(ours(OPT, t.raw, t.record)).toEqual(options);
      }),
      { numRuns: 300 },
    );
    const badvers = dnsPacket.decode(
      Buffer.concat([Buffer.from([0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1]), optRecord(1232, 1)]),
    );
    expect(badvers.additionals![0]).toMatchObject({
      type: 'OPT',
      udpPayloadSize: 1232,
      extendedRcode: 1,
      ednsVersion: 0,
      options: [],
    });
  });

  it('TSIG (dns-packet carries it as opaque rdata)', () => {
    fc.assert(
      fc.property(tsigArb, (tsig) => {
        const rdata = encodeRdataWith(TSIG, tsig);
        expect(rdata.length).toBe(TSIG.encodingLength(tsig));
        const theirs = ourMessage(TYPE.TSIG, rdata, CLASS.ANY, 0).answers![0] as { type: string; data: Buffer };
        expect(theirs.type).toBe('TSIG');
        expect(Buffer.from(theirs.data).equals(rdata)).toBe(true);
        expect(TSIG.decode(rdata, 0, rdata.length)).toEqual(tsig);
      }),
      { numRuns: 300 },
    );
  });
});

const CODECS: ReadonlyArray<readonly [string, RdataCodec<unknown>, fc.Arbitrary<Buffer>]> = [
  ['A', A, fc.ipV4().map((v) => encodeRdataWith(A, v))],
  ['AAAA', AAAA, fc.ipV6().map((v) => encodeRdataWith(AAAA, v))],
  ['TXT', TXT, txtArb.map((v) => encodeRdataWith(TXT, v))],
  ['NS', NAME, domain.map((v) => encodeRdataWith(NAME, v))],
  ['SOA', SOA, soaArb.map((v) => encodeRdataWith(SOA, v))],
  ['OPT', OPT, optionsArb.map((v) => encodeRdataWith(OPT, v))],
  ['TSIG', TSIG, tsigArb.map((v) => encodeRdataWith(TSIG, v))],
] as never;

/** A valid rdata with one byte changed or cut short, or random bytes. */
function hostile(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const bytes = fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.from(a));
  const mutated = fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, v]) => {
    const out = Buffer.from(b);
    if (out.length > 0) out[i % out.length] = v;
    return out;
  });
  const cut = fc.tuple(valid, fc.nat()).map(([b, n]) => b.subarray(0, b.length === 0 ? 0 : n % b.length));
  return fc.oneof(valid, mutated, cut, bytes);
}

type Outcome = { ok: true; value: unknown } | { ok: false };

function outcome(codec: RdataCodec<unknown>, buf: Buffer, offset: number, end: number): Outcome {
  try {
    return { ok: true, value: codec.decode(buf, offset, end) };
  } catch (error) {
    expect(error).toBeInstanceOf(WireFormatError);
    return { ok: false };
  }
}

describe('dns-wire rdata decoding of hostile input', () => {
  it.each(CODECS)('%s: only WireFormatError, and nothing from at or after the rdata end', (_name, codec, valid) => {
    const junk = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(junk, hostile(valid), junk, (prefix, rdata, suffix) => {
        const end = prefix.length + rdata.length;
        const bare = outcome(codec, Buffer.concat([prefix, rdata]), prefix.length, end);
        const padded = outcome(codec, Buffer.concat([prefix, rdata, suffix]), prefix.length, end);
        expect(padded).toEqual(bare);
      }),
      { numRuns: 1000 },
    );
  });
});
