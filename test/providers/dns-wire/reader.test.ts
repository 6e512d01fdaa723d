// The DNS message reader the RFC 2136 client uses on answers it did not ask for: every malformed input is
// a WireFormatError, never a hang or another exception; what dns-packet writes, it reads.
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRdata } from '../../../src/providers/dns-wire/rdata.js';
import { WireFormatError } from '../../../src/errors.js';
import { encodeName, readName } from '../../../src/providers/dns-wire/name.js';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';

const header = (qd: number, an = 0): Buffer => Buffer.from([0, 1, 0x80, 0, 0, qd, 0, an, 0, 0, 0, 0]);

describe('dns-wire reader', () => {
  it('reads what dns-packet writes, compressed names included', () => {
    const raw = dnsPacket.encode({
      type: 'response',
      id: 7,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [{ type: 'A', name: 'API.seed.test' }],
      answers: [
        { type: 'A', name: 'api.seed.test', ttl: 30, data: '10.0.0.1' },
        { type: 'AAAA', name: 'api.seed.test', ttl: 30, data: '2001:db8::1' },
        { type: 'TXT', name: 'api.seed.test', ttl: 30, data: ['a'.repeat(255), 'bc'] },
      ],
    });
    const m = decodeMessage(raw);
    expect(m).toMatchObject({ id: 7, qr: true, aa: true, tc: false, rcode: 0 });
    expect(m.questions).toEqual([{ name: 'api.seed.test', type: 1, klass: 1 }]);
    expect(m.answers.map((r) => r.name)).toEqual(['api.seed.test', 'api.seed.test', 'api.seed.test']);
    expect(decodeRdata('A', m.answers[0]!.rdata)).toBe('10.0.0.1');
    expect(decodeRdata('AAAA', m.answers[1]!.rdata)).toBe('2001:db8::1');
    expect(decodeRdata('TXT', m.answers[2]!.rdata)).toBe(`${'a'.repeat(255)}bc`);
  });

  it('rejects pointer loops, forward pointers, long names, cut-off records and trailing bytes', () => {
    const loop = Buffer.concat([header(1), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    const forward = Buffer.concat([header(1), Buffer.from([0xc0, 20, 0, 1, 0, 1])]);
    const long = Buffer.concat([
      header(1),
      ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 97)])),
      Buffer.from([0, 0, 1, 0, 1]),
    ]);
    const cut = Buffer.concat([header(0, 1), encodeName('a.test'), Buffer.from([0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10])]);
    const trailing = Buffer.concat([header(1), encodeName('a.test'), Buffer.from([0, 1, 0, 1, 99])]);
    const label = Buffer.concat([header(1), Buffer.from([0x40, 0, 0, 1, 0, 1])]);
    for (const bad of [loop, forward, long, cut, trailing, label, Buffer.alloc(11)])
      expect(() => decodeMessage(bad)).toThrow(WireFormatError);
  });

  it('combines the header rcode with the extended bits of an OPT record', () => {
    const raw = dnsPacket.encode({
      type: 'response',
      id: 3,
      questions: [{ type: 'A', name: 'a.seed.test' }],
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 1,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    });
    expect(decodeMessage(raw).rcode).toBe(16); // BADVERS
  });

  it('escapes dots inside labels so that one label never reads as two', () => {
    const raw = Buffer.from([3, 0x61, 0x2e, 0x62, 4, 0x54, 0x65, 0x73, 0x74, 0]);
    expect(readName(raw, 0).name).toBe('a\\.b.test');
  });

  it('never throws anything but WireFormatError on random or mutated input', () => {
    const valid = dnsPacket.encode({
      type: 'response',
      id: 1,
      questions: [{ type: 'A', name: 'a.seed.test' }],
      answers: [{ type: 'A', name: 'a.seed.test', ttl: 1, data: '10.0.0.1' }],
    });
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([i, v]) => {
        const b = Buffer.from(valid);
        b[i] = v;
        return b;
      });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
          mutated,
        ),
        (buf) => {
          try {
            decodeMessage(buf);
          } catch (error) {
            expect(error).toBeInstanceOf(WireFormatError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
