// TSIG (RFC 8945) in isolation: a hand-assembled MAC vector, request → response round trips for both
// algorithms, and every way a response can be wrong (tampered, truncated, stale, unsigned, other key).
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLASS, TSIG_ERROR, TYPE } from '../../../src/providers/dns-wire/constants.js';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';
import { encodeMessage, encodeRecord } from '../../../src/providers/dns-wire/writer.js';
import { createTsigKey, type TsigKey } from '../../../src/providers/rfc2136/key.js';
import { buildQuery } from '../../../src/providers/rfc2136/message.js';
import { signMessage, verifyRequest, verifyResponse, type SignedMessage } from '../../../src/providers/rfc2136/tsig.js';

const NOW = 1_700_000_000_000;
const keyOf = (algorithm: 'hmac-sha256' | 'hmac-sha512', name = 'test-key'): TsigKey =>
  createTsigKey(name, algorithm, Buffer.alloc(32, 7));

/** A server's answer to `request`: one A record, signed with `key` over the request's MAC. */
function answer(request: SignedMessage, key: TsigKey, options: { error?: number; nowMs?: number } = {}): Buffer {
  const q = decodeMessage(request.message).questions[0]!;
  const unsigned = encodeMessage({
    id: request.id,
    flags: 0x8400,
    questions: [q],
    answers: [{ name: q.name, type: TYPE.A, klass: CLASS.IN, ttl: 30, rdata: Buffer.from([10, 0, 0, 1]) }],
  });
  return signMessage(unsigned, key, {
    requestMac: request.mac,
    nowMs: options.nowMs ?? NOW,
    ...(options.error ? { error: options.error } : {}),
  }).message;
}

const verdictOf = (raw: Buffer, request: SignedMessage, nowMs = NOW) =>
  verifyResponse(raw, decodeMessage(raw), request, { nowMs });

/** Replaces the MAC of the message's trailing TSIG record (keeping everything else). */
function withMac(raw: Buffer, mac: Buffer): Buffer {
  const d = decodeMessage(raw);
  const t = d.additionals.at(-1)!;
  const algEnd = t.rdata.indexOf(0) + 1;
  const fixed = t.rdata.subarray(0, algEnd + 8);
  const macSize = t.rdata.readUInt16BE(algEnd + 8);
  const tail = t.rdata.subarray(algEnd + 10 + macSize);
  const size = Buffer.alloc(2);
  size.writeUInt16BE(mac.length);
  const rdata = Buffer.concat([fixed, size, mac, tail]);
  return Buffer.concat([
    raw.subarray(0, t.offset),
    encodeRecord({ name: t.name, type: t.type, klass: t.klass, ttl: t.ttl, rdata }),
  ]);
}

describe('TSIG signing', () => {
  it('matches a MAC assembled by hand from RFC 8945 §4.3.3', () => {
    const key = createTsigKey('k', 'hmac-sha256', Buffer.from('secret'));
    const unsigned = buildQuery('a.seed.test', 'A', 0x1234).message;
    const signed = signMessage(unsigned, key, { nowMs: 0x0000_6500_0000 * 1000, fudge: 300 });
    const variables =
      '016b00' + // key name "k."
      '00ff' + // class ANY
      '00000000' + // TTL 0
      '0b686d61632d73686132353600' + // algorithm "hmac-sha256."
      '000065000000' + // time signed (48 bits)
      '012c' + // fudge 300
      '0000' + // error
      '0000'; // other len
    const expected = createHmac('sha256', 'secret').update(unsigned).update(Buffer.from(variables, 'hex')).digest();
    expect(signed.mac).toEqual(expected);
    const d = decodeMessage(signed.message);
    expect(d.additionals).toHaveLength(1);
    expect(d.additionals[0]).toMatchObject({ name: 'k', type: TYPE.TSIG, klass: CLASS.ANY, ttl: 0 });
    expect(signed.message.subarray(0, 10)).toEqual(unsigned.subarray(0, 10));
    expect(signed.message.subarray(12, unsigned.length)).toEqual(unsigned.subarray(12));
    expect(signed.message.readUInt16BE(10)).toBe(1);
  });

  it.each(['hmac-sha256', 'hmac-sha512'] as const)(
    '%s: a server verifies the request and the client verifies the answer',
    (algorithm) => {
      const key = keyOf(algorithm);
      const request = signMessage(buildQuery('a.seed.test', 'A').message, key, { nowMs: NOW });
      const server = verifyRequest(request.message, decodeMessage(request.message), key, { nowMs: NOW + 5000 });
      expect(server.ok).toBe(true);
      expect(request.mac).toHaveLength(algorithm === 'hmac-sha256' ? 32 : 64);
      expect(verdictOf(answer(request, key), request)).toMatchObject({ ok: true });
    },
  );
});

describe('TSIG response verification rejects', () => {
  const key = keyOf('hmac-sha256');
  const request = signMessage(buildQuery('a.seed.test', 'A').message, key, { nowMs: NOW });
  const good = answer(request, key);

  it('any changed byte (other than the header ID, which the transport checks)', () => {
    let rejected = 0;
    for (let i = 2; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i]! ^= 0x01;
      let decoded;
      try {
        decoded = decodeMessage(bad);
      } catch {
        rejected++;
        continue;
      }
      const v = verifyResponse(bad, decoded, request, { nowMs: NOW });
      expect(v.ok, `byte ${i}`).toBe(false);
      rejected++;
    }
    expect(rejected).toBe(good.length - 2);
  });

  it('a MAC made with another secret, or over another request', () => {
    const other = createTsigKey('test-key', 'hmac-sha256', randomBytes(32));
    expect(verdictOf(answer(request, other), request)).toMatchObject({ ok: false, reason: 'mac' });
    const another = signMessage(buildQuery('a.seed.test', 'A', request.id).message, key, { nowMs: NOW + 1000 });
    expect(verdictOf(answer(another, key), request)).toMatchObject({ ok: false, reason: 'mac' });
  });

  it('a truncated MAC, even a correct prefix', () => {
    const full = decodeMessage(good).additionals.at(-1)!;
    expect(full).toBeDefined();
    const d = verdictOf(good, request);
    const mac = d.ok ? d.tsig.mac : Buffer.alloc(0);
    expect(verdictOf(withMac(good, mac.subarray(0, 16)), request)).toMatchObject({ ok: false, reason: 'truncated' });
    expect(verdictOf(withMac(good, Buffer.alloc(0)), request)).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('a signature time outside the fudge', () => {
    expect(verdictOf(good, request, NOW + 299_000)).toMatchObject({ ok: true });
    expect(verdictOf(good, request, NOW + 301_000)).toMatchObject({ ok: false, reason: 'time' });
    expect(verdictOf(good, request, NOW - 301_000)).toMatchObject({ ok: false, reason: 'time' });
  });

  it('an unsigned answer, a TSIG that is not last, another key name or algorithm', () => {
    const unsigned = Buffer.from(good.subarray(0, decodeMessage(good).additionals.at(-1)!.offset));
    unsigned.writeUInt16BE(0, 10);
    expect(verdictOf(unsigned, request)).toMatchObject({ ok: false, reason: 'missing' });
    const d = decodeMessage(good);
    const t = d.additionals.at(-1)!;
    const extra = encodeRecord({ name: 'x', type: TYPE.A, klass: CLASS.IN, ttl: 0, rdata: Buffer.from([1, 2, 3, 4]) });
    const notLast = Buffer.concat([good, extra]);
    notLast.writeUInt16BE(2, 10);
    expect(verdictOf(notLast, request)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verdictOf(answer(request, keyOf('hmac-sha256', 'other-key')), request)).toMatchObject({
      ok: false,
      reason: 'key',
    });
    expect(verdictOf(answer(request, keyOf('hmac-sha512')), request)).toMatchObject({ ok: false, reason: 'algorithm' });
    expect(t.type).toBe(TYPE.TSIG);
  });

  /** A `rcode` answer to `request` carrying TSIG error `error`, signed with `signer` (its MAC replaced by `mac` when given). */
  const tsigErrorAnswer = (
    rcode: number,
    error: number,
    options: { signer?: TsigKey; mac?: Buffer; nowMs?: number } = {},
  ): Buffer => {
    const q = decodeMessage(request.message).questions[0]!;
    const raw = encodeMessage({ id: request.id, flags: 0x8000 | rcode, questions: [q] });
    const signed = signMessage(raw, options.signer ?? key, {
      requestMac: request.mac,
      nowMs: options.nowMs ?? NOW,
      error,
    }).message;
    return options.mac === undefined ? signed : withMac(signed, options.mac);
  };

  it('an unsigned NOTAUTH with BADSIG or BADKEY is reported as unsigned (RFC 8945 allows it, but it proves nothing)', () => {
    for (const error of [TSIG_ERROR.BADSIG, TSIG_ERROR.BADKEY]) {
      const v = verdictOf(tsigErrorAnswer(9, error, { mac: Buffer.alloc(0) }), request);
      expect(v).toMatchObject({ ok: false, reason: 'unsigned-error' });
      expect(v.ok ? undefined : v.tsig?.error).toBe(error);
    }
  });

  it('a TSIG error without a MAC is not read as the server speaking, unless it is NOTAUTH with BADSIG/BADKEY', () => {
    // The forgeries of the hostile-network pass: NOERROR/BADTIME and NOTAUTH/BADTIME with an empty MAC.
    expect(verdictOf(tsigErrorAnswer(0, TSIG_ERROR.BADTIME, { mac: Buffer.alloc(0) }), request)).toMatchObject({
      ok: false,
      reason: 'mac',
      detail: /without a MAC/,
    });
    expect(verdictOf(tsigErrorAnswer(9, TSIG_ERROR.BADTIME, { mac: Buffer.alloc(0) }), request)).toMatchObject({
      ok: false,
      reason: 'mac',
    });
    expect(verdictOf(tsigErrorAnswer(0, TSIG_ERROR.BADSIG, { mac: Buffer.alloc(0) }), request)).toMatchObject({
      ok: false,
      reason: 'mac',
    });
  });

  it('a signed TSIG error counts only when its MAC verifies; a BADTIME answer signed by the key is authentic', () => {
    const later = NOW + 3600_000; // the server's clock is an hour ahead of our request's time
    expect(verdictOf(tsigErrorAnswer(9, TSIG_ERROR.BADTIME, { nowMs: later }), request)).toMatchObject({
      ok: false,
      reason: 'error',
    });
    const forged = tsigErrorAnswer(9, TSIG_ERROR.BADTIME, {
      signer: createTsigKey('test-key', 'hmac-sha256', randomBytes(32)),
    });
    expect(verdictOf(forged, request)).toMatchObject({ ok: false, reason: 'mac' });
    expect(verdictOf(tsigErrorAnswer(9, TSIG_ERROR.BADSIG, { mac: randomBytes(32) }), request)).toMatchObject({
      ok: false,
      reason: 'mac',
    });
  });
});
