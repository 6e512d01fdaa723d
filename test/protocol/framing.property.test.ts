/**
 * Hostile bytes at the framing and info-body layers: FrameDecoder, parseInfoResponse and matchInfoReply
 * either produce a result or throw a SeedkeeperError; valid traffic survives any chunking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeedkeeperError } from '../../src/errors.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { MessageType, decodeHeader, frame } from '../../src/protocol/header.js';
import { encodeInfoRequest, matchInfoReply, parseInfoResponse } from '../../src/protocol/info-codec.js';

const RUNS = 1000;

function rethrowUnlessOurs(error: unknown): true {
  if (error instanceof SeedkeeperError) return true;
  throw error;
}

/** Bytes that are mostly header-like: version/type bytes from a small set, then small sizes. */
const headerishArb = fc
  .tuple(
    fc.constantFrom(0, 1, 2, 3, 255),
    fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 255),
    fc.integer({ min: 0, max: 64 }),
    fc.uint8Array({ maxLength: 48 }),
  )
  .map(([version, type, size, rest]) => {
    const header = Buffer.alloc(8);
    header[0] = version;
    header[1] = type;
    header.writeUIntBE(size, 2, 6);
    return Buffer.concat([header, rest]);
  });

const chunksArb = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b)),
    headerishArb,
  ),
  { maxLength: 8 },
);

/** Split a buffer at the given fractions. */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(bytes.subarray(last, p));
    last = p;
  }
  parts.push(bytes.subarray(last));
  return parts;
}

describe('framing on hostile bytes', () => {
  it('decodeHeader accepts only well-formed headers and throws SeedkeeperError otherwise', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 10 }),
        fc.option(fc.integer({ min: 0, max: 1 << 20 })),
        (bytes, max) => {
          try {
            const h = decodeHeader(bytes, max === null ? {} : { maxBodySize: max });
            return (
              (h.version === 2 || (h.version === 0 && h.type === MessageType.Admin)) &&
              h.type >= 1 &&
              h.type <= 5 &&
              h.size === Buffer.from(bytes).readUIntBE(2, 6)
            );
          } catch (error) {
            return rethrowUnlessOurs(error);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('FrameDecoder returns frames or throws SeedkeeperError, and never returns more bytes than it got', () => {
    fc.assert(
      fc.property(chunksArb, fc.option(fc.integer({ min: 0, max: 32 })), (chunks, max) => {
        const decoder = new FrameDecoder(max === null ? {} : { maxBodySize: max });
        let received = 0;
        let returned = 0;
        try {
          for (const chunk of chunks) {
            received += chunk.length;
            for (const f of decoder.push(chunk)) {
              returned += 8 + f.body.length;
              if (f.body.length !== f.header.size) return false;
            }
          }
        } catch (error) {
          return rethrowUnlessOurs(error);
        }
        return returned + decoder.bufferedBytes === received;
      }),
      { numRuns: RUNS },
    );
  });

  it('FrameDecoder yields the original bodies however the stream is chunked', () => {
    const bodiesArb = fc.array(
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(
        bodiesArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
        (bodies, cuts) => {
          const stream = Buffer.concat(bodies.map((b) => frame(MessageType.Info, b)));
          const decoder = new FrameDecoder({ expectedType: MessageType.Info });
          const got = split(stream, cuts).flatMap((part) => decoder.push(part).map((f) => f.body));
          expect(got).toEqual(bodies);
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('info bodies on hostile input', () => {
  const textArb = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'ab:\t\n ERROR:FAIL0123456789-'), maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
  const commandsArb = fc.array(fc.constantFrom<string>('node', 'build', 'a', 'ERROR:80:x', 'bc'), { maxLength: 4 });

  it('parseInfoResponse never throws and yields lines without LF, names without TAB', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          textArb,
          fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
        ),
        (body) => {
          for (const entry of parseInfoResponse(body)) {
            if (entry.name.includes('\n') || entry.name.includes('\t') || entry.value.includes('\n')) return false;
          }
          return true;
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('matchInfoReply returns a reply or throws SeedkeeperError', () => {
    fc.assert(
      fc.property(commandsArb, textArb, (commands, body) => {
        try {
          const reply = matchInfoReply(commands, body);
          for (const command of commands) {
            try {
              reply.value(command);
            } catch (error) {
              rethrowUnlessOurs(error);
            }
          }
          return reply.entries.every((e) => commands.includes(e.name));
        } catch (error) {
          return rethrowUnlessOurs(error);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a well-formed reply to any request matches back to its values', () => {
    const safe = fc.string({ unit: fc.constantFrom(...'abcxyz:;,=-_.[]0129 '), maxLength: 20 });
    const commandArb = safe.filter((s) => s.length > 0 && !s.startsWith('ERROR') && !s.startsWith('FAIL'));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(commandArb, safe), { selector: ([c]) => c, minLength: 1, maxLength: 6 }),
        (pairs) => {
          const commands = pairs.map(([c]) => c);
          const request = encodeInfoRequest(commands);
          const body = pairs.map(([c, v]) => `${c}\t${v}\n`).join('');
          const reply = matchInfoReply(commands, Buffer.from(body));
          expect(request.toString()).toBe(commands.map((c) => `${c}\n`).join(''));
          for (const [c, v] of pairs) expect(reply.raw(c)).toBe(v);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
