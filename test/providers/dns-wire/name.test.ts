// The per-packet question-name reader and the generic readName run on one label reader: they agree on
// every question name, and lowerQuestionName never accepts what readName rejects or a compressed name.
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireFormatError } from '../../../src/errors.js';
import { lowerQuestionName, readName } from '../../../src/providers/dns-wire/name.js';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';

const header = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

describe('dns-wire names', () => {
  it('lowerQuestionName agrees with readName on the question name, ASCII letters lowercased', () => {
    const question = fc.oneof(
      fc
        .domain()
        .map((name) =>
          dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: name.toUpperCase() }] }),
        ),
      fc.uint8Array({ maxLength: 80 }).map((a) => Buffer.concat([header, Buffer.from(a)])),
    );
    const out = Buffer.alloc(256);
    fc.assert(
      fc.property(question, (msg) => {
        const w = lowerQuestionName(msg, out);
        let read: { name: string; end: number } | undefined;
        try {
          read = readName(msg, 12);
        } catch (error) {
          expect(error).toBeInstanceOf(WireFormatError);
        }
        if (w < 0) {
          expect(read === undefined || msg.subarray(12, read.end).some((b) => b >= 0xc0)).toBe(true);
          return;
        }
        expect(read).toBeDefined();
        expect(read!.end).toBe(12 + w);
        const asciiLower = msg.subarray(12, 12 + w).map((b) => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b));
        expect(out.subarray(0, w).equals(asciiLower)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('says where a message is malformed: section and offset', () => {
    const cut = Buffer.concat([
      Buffer.from([0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0]),
      Buffer.from([1, 97, 0, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10]),
    ]);
    const error = (() => {
      try {
        decodeMessage(cut);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as WireFormatError;
    expect(error).toBeInstanceOf(WireFormatError);
    expect(error).toMatchObject({ code: 'ERR_DNS_WIRE', section: 'answer', offset: 25 });
    expect(error.message).toMatch(/^answer: rdata of the record at 12 runs past the end/);
    expect(error.hasLabel('badPeer')).toBe(true);
  });
});
