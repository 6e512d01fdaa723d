import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireFormatError } from '../../../src/errors.js';
import { canonicalIp, ipv4Bytes, ipv6Bytes } from '../../../src/net/ip.js';
import { encodeRdataWith } from '../../../src/providers/dns-wire/codec.js';
import { TXT } from '../../../src/providers/dns-wire/codecs.js';
import { encodeName, namePointer } from '../../../src/providers/dns-wire/name.js';
import { optRecord } from '../../../src/providers/dns-wire/writer.js';

const txtRdata = (value: string): Buffer => encodeRdataWith(TXT, value);

function bytesToIpv6(b: Buffer): string {
  return Array.from({ length: 8 }, (_, i) => b.readUInt16BE(i * 2).toString(16)).join(':');
}

describe('dns-wire writer', () => {
  it('encodes IPv6 text of every form to the same 16 bytes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        expect(canonicalIp(bytesToIpv6(ipv6Bytes(ip)))).toBe(canonicalIp(ip));
      }),
      { numRuns: 2000 },
    );
    expect(ipv6Bytes('::').equals(Buffer.alloc(16))).toBe(true);
    expect(
      ipv6Bytes('::ffff:1.2.3.4')
        .subarray(10)
        .equals(Buffer.from([0xff, 0xff, 1, 2, 3, 4])),
    ).toBe(true);
    expect(() => ipv6Bytes('1.2.3.4')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => ipv6Bytes('fe80::1%lo')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(ipv4Bytes('10.0.0.255').equals(Buffer.from([10, 0, 0, 255]))).toBe(true);
  });

  it('encodes names, pointers, TXT strings and OPT', () => {
    expect(encodeName('a.bc')).toEqual(Buffer.from([1, 97, 2, 98, 99, 0]));
    expect(encodeName('')).toEqual(Buffer.from([0]));
    expect(() => encodeName(`${'x'.repeat(64)}.test`)).toThrow(WireFormatError);
    expect(() => encodeName(Array.from({ length: 130 }, () => 'x').join('.'))).toThrow(WireFormatError);
    expect(namePointer(12)).toEqual(Buffer.from([0xc0, 0x0c]));
    expect(txtRdata('')).toEqual(Buffer.from([0]));
    expect(txtRdata('x'.repeat(256))).toEqual(
      Buffer.concat([Buffer.from([255]), Buffer.alloc(255, 'x'), Buffer.from([1, 120])]),
    );
    expect(optRecord(1232)).toEqual(Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]));
    expect(optRecord(1232, 1)[5]).toBe(1);
  });
});
