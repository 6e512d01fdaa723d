// Every answer a server can give to an UPDATE or a query, mapped to success, ConflictError or a typed
// error with a stable code, labels and a message that names server, zone, key and records.
import { describe, expect, it } from 'vitest';
import type { DecodedMessage } from '../../../src/providers/dns-wire/reader.js';
import { checkResponse, PrerequisiteError, type ResponseContext } from '../../../src/providers/rfc2136/errors.js';
import type { TsigRecord, TsigVerdict } from '../../../src/providers/rfc2136/tsig.js';
import { ConflictError, ProviderError } from '../../../src/providers/types.js';

const message = (rcode: number): DecodedMessage => ({
  id: 1,
  flags: 0x8000 | rcode,
  qr: true,
  opcode: 5,
  aa: false,
  tc: false,
  rcode,
  questions: [],
  answers: [],
  authorities: [],
  additionals: [],
});
const key = { name: 'seed-key', algorithm: 'hmac-sha256' };
const update: ResponseContext = {
  what: 'update',
  server: '192.0.2.53:53',
  zone: 'seed.test',
  key,
  subject: 'api.seed.test A (expected {10.0.0.1})',
};
const tsigError = (error: number, otherData = Buffer.alloc(0)): TsigVerdict => ({
  ok: false,
  reason: 'error',
  detail: 'x',
  tsig: { error, otherData, fudge: 300, timeSigned: 1_700_000_000 } as TsigRecord,
});

function thrown(fn: () => void): ProviderError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected an error');
}

describe('checkResponse', () => {
  it('NOERROR is success; NXDOMAIN is success for a query (absent name)', () => {
    expect(() => checkResponse(message(0), undefined, update)).not.toThrow();
    expect(() => checkResponse(message(3), undefined, { ...update, what: 'query' })).not.toThrow();
  });

  it.each([
    [8, 'NXRRSET'],
    [7, 'YXRRSET'],
    [3, 'NXDOMAIN'],
    [6, 'YXDOMAIN'],
  ])('a failed prerequisite (rcode %i, %s) is a ConflictError naming the record', (rcode, name) => {
    const error = thrown(() => checkResponse(message(rcode), undefined, update));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toBeInstanceOf(PrerequisiteError);
    expect(error.code).toBe('ERR_CONFLICT');
    expect(error.hasLabel('retryable')).toBe(true);
    expect(error.message).toContain('api.seed.test A (expected {10.0.0.1})');
    expect(error.message).toContain(name);
  });

  it.each([
    [
      5,
      undefined,
      'ERR_DNS_REFUSED',
      'usage',
      /refused the update of zone seed\.test \(REFUSED\): check allow-update \/ update-policy for key seed-key/,
    ],
    [9, undefined, 'ERR_DNS_NOTAUTH', 'usage', /192\.0\.2\.53:53 is not authoritative for zone seed\.test \(NOTAUTH\)/],
    [10, undefined, 'ERR_DNS_NOTZONE', 'usage', /not inside zone seed\.test .*\(NOTZONE\)/],
    [2, undefined, 'ERR_DNS_SERVFAIL', 'retryable', /failed to process the update .*\(SERVFAIL\)/],
    [1, undefined, 'ERR_DNS_FORMERR', undefined, /could not parse our update .*\(FORMERR\)/],
    [4, undefined, 'ERR_DNS_NOTIMP', 'usage', /does not implement dynamic updates \(RFC 2136\) for zone seed\.test/],
    [11, undefined, 'ERR_DNS_RCODE', undefined, /answered the update .* with RCODE11/],
    [
      9,
      tsigError(16),
      'ERR_TSIG_BADSIG',
      'usage',
      /rejected the signature of key seed-key \(NOTAUTH\/BADSIG\): the key secret does not match the server's/,
    ],
    [
      9,
      tsigError(17),
      'ERR_TSIG_BADKEY',
      'usage',
      /does not know TSIG key seed-key with algorithm hmac-sha256 \(NOTAUTH\/BADKEY\)/,
    ],
    [
      9,
      tsigError(18, Buffer.from([0, 0, 0x65, 0x53, 0xf1, 0x00])),
      'ERR_TSIG_BADTIME',
      'usage',
      /\(NOTAUTH\/BADTIME\): our clock and the server's differ by more than 300 s \(server time 2023-/,
    ],
    [9, tsigError(22), 'ERR_TSIG_BADTRUNC', 'usage', /BADTRUNC/],
    [
      0,
      { ok: false, reason: 'missing', detail: 'the response is not signed' },
      'ERR_TSIG_RESPONSE',
      'retryable,badPeer',
      /cannot be trusted: the response is not signed \(it answered NOERROR/,
    ],
    [
      9,
      { ok: false, reason: 'missing', detail: 'the response is not signed' },
      'ERR_TSIG_RESPONSE',
      'retryable,badPeer',
      /\(it answered NOTAUTH; servers answer unsigned when they do not serve zone seed\.test or do not know key seed-key/,
    ],
    [
      0,
      { ok: false, reason: 'mac', detail: 'the response MAC does not verify' },
      'ERR_TSIG_RESPONSE',
      'retryable,badPeer',
      /cannot be trusted: the response MAC does not verify/,
    ],
  ] as const)('rcode %i with TSIG verdict %j → %s (%s)', (rcode, verdict, code, label, text) => {
    const error = thrown(() => checkResponse(message(rcode), verdict, update));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^rfc2136: /);
    expect(error.message).toMatch(text);
    expect([...error.labels]).toEqual(label === undefined ? [] : label.split(','));
  });

  it('says when an update was refused for want of a key, and queries point at allow-query', () => {
    const unsigned = { ...update, key: undefined };
    expect(thrown(() => checkResponse(message(5), undefined, unsigned)).message).toMatch(
      /the update was not signed; configure a TSIG key/,
    );
    expect(thrown(() => checkResponse(message(9), undefined, unsigned)).message).toMatch(
      /requires a TSIG key for updates/,
    );
    expect(thrown(() => checkResponse(message(5), undefined, { ...update, what: 'query' })).message).toMatch(
      /refused the query .* check its allow-query/,
    );
    expect(thrown(() => checkResponse(message(8), undefined, { ...update, what: 'query' })).code).toBe('ERR_DNS_RCODE');
  });
});
