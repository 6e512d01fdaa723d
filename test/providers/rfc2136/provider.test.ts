// The provider without a real server: secure-by-default construction, input checks, and what it makes of
// answers a real server would not normally give (not authoritative, unsigned or tampered signatures,
// SERVFAIL, silence). Real servers: bind-*.int.test.ts and knot-cas.int.test.ts.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';
import { encodeMessage } from '../../../src/providers/dns-wire/writer.js';
import { createTsigKey } from '../../../src/providers/rfc2136/key.js';
import { createRfc2136Provider, type Rfc2136ProviderOptions } from '../../../src/providers/rfc2136/provider.js';
import { signMessage, verifyRequest } from '../../../src/providers/rfc2136/tsig.js';
import type { ProviderError } from '../../../src/providers/types.js';
import { closeFakes, fake, frame, type Reply } from './fake-dns.js';
import { forgeAnswer } from './forger.js';

const ZONE = 'seed.test';
const key = createTsigKey('seed-key', 'hmac-sha256', randomBytes(32));
const base = { server: { host: '127.0.0.1', port: 53 }, zone: ZONE, key };
const create = {
  kind: 'create' as const,
  set: { name: `api.${ZONE}`, type: 'A' as const, ttl: 30, values: ['10.0.0.1'] },
};

afterEach(closeFakes);

function configError(options: Partial<Rfc2136ProviderOptions>): ConfigError {
  try {
    createRfc2136Provider({ ...base, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/** Answer `request` with `rcode`, header flags `flags`, signed with `signWith` unless undefined. */
function respond(
  request: Buffer,
  rcode: number,
  options: { aa?: boolean; signWith?: typeof key; tamper?: boolean } = {},
): Buffer {
  const d = decodeMessage(request);
  const unsigned = encodeMessage({
    id: d.id,
    flags: 0x8000 | (d.opcode << 11) | (options.aa === false ? 0 : 0x0400) | rcode,
    questions: d.questions,
  });
  if (options.signWith === undefined) return unsigned;
  const verdict = verifyRequest(request, d, options.signWith);
  const out = Buffer.from(
    signMessage(unsigned, options.signWith, { requestMac: verdict.ok ? verdict.tsig.mac : Buffer.alloc(0) }).message,
  );
  if (options.tamper === true) out[out.length - 20]! ^= 1;
  return out;
}

async function providerAgainst(
  script: (request: Buffer, reply: Reply) => void,
  extra: Partial<Rfc2136ProviderOptions> = {},
) {
  const f = await fake({
    udp: (msg, reply) => script(msg, reply),
    tcp: (frames, socket) => frames.forEach((msg) => script(msg, (b) => socket.write(frame(b)))),
  });
  return createRfc2136Provider({
    ...base,
    server: { host: '127.0.0.1', port: f.port },
    timeoutMs: 200,
    udpAttempts: 2,
    ...extra,
  });
}

const failure = (p: Promise<unknown>): Promise<ProviderError> =>
  p.then(
    () => Promise.reject(new Error('expected a failure')),
    (e: ProviderError) => e,
  );

describe('construction', () => {
  it('refuses to run without a TSIG key unless allowUnsigned, saying why', () => {
    const error = configError({ key: undefined });
    expect(error.path).toBe('key');
    expect(error.message).toMatch(
      /no TSIG key for zone seed\.test: unsigned updates would let anyone who can reach 127\.0\.0\.1 change the zone.*allowUnsigned: true/,
    );
    const warnings: string[] = [];
    const p = createRfc2136Provider({
      ...base,
      key: undefined,
      allowUnsigned: true,
      logger: { warn: (_o, m) => warnings.push(m), info: () => undefined, debug: () => undefined },
    });
    expect(p).toMatchObject({ kind: 'rfc2136', zone: ZONE });
    expect(warnings).toEqual(['rfc2136: no TSIG key, updates and queries are sent unsigned (allowUnsigned)']);
  });

  it('names an IPv6 server with brackets', () => {
    const servers: unknown[] = [];
    const logger = {
      warn: (o: { server?: unknown }) => servers.push(o.server),
      info: () => undefined,
      debug: () => undefined,
    };
    createRfc2136Provider({
      ...base,
      server: { host: '2001:db8::53', port: 53 },
      key: undefined,
      allowUnsigned: true,
      logger,
    });
    expect(servers).toEqual(['[2001:db8::53]:53']);
  });

  it('checks host, port, zone, timeout and the key object', () => {
    expect(configError({ server: { host: '', port: 53 } }).path).toBe('server.host');
    expect(configError({ server: { host: '127.0.0.1', port: 70000 } }).path).toBe('server.port');
    expect(configError({ zone: 'bad zone' }).path).toBe('zone');
    expect(configError({ timeoutMs: 0 }).path).toBe('timeoutMs');
    expect(configError({ key: { ...key } }).message).toMatch(/not a TSIG key object/); // a spread copy has lost its secret
  });

  it('validates names and records before sending anything, and refuses work once closed', async () => {
    const p = createRfc2136Provider(base);
    await expect(p.read(['api.other.test'])).rejects.toMatchObject({ code: 'ERR_NOT_IN_ZONE' });
    await expect(p.apply([{ ...create, set: { ...create.set, values: ['nope'] } }])).rejects.toMatchObject({
      code: 'ERR_INVALID_RECORD',
    });
    expect(await p.apply([])).toEqual({ applied: 0 });
    await p.close();
    await expect(p.read([`api.${ZONE}`])).rejects.toMatchObject({ code: 'ERR_PROVIDER_CLOSED' });
  });
});

describe('answers', () => {
  it('applies on a signed NOERROR', async () => {
    const p = await providerAgainst((req, reply) => reply(respond(req, 0, { signWith: key })));
    expect(await p.apply([create])).toEqual({ applied: 1 });
  });

  it('does not trust an unsigned or tampered answer to a signed request', async () => {
    const unsigned = await providerAgainst((req, reply) => reply(respond(req, 0)));
    const e1 = await failure(unsigned.apply([create]));
    expect(e1.code).toBe('ERR_TSIG_RESPONSE');
    expect(e1.message).toMatch(
      /not signed \(it answered NOERROR; check that the server has key seed-key with this secret/,
    );
    const tampered = await providerAgainst((req, reply) => reply(respond(req, 0, { signWith: key, tamper: true })));
    expect((await failure(tampered.apply([create]))).message).toMatch(/MAC does not verify/);
    const otherKey = await providerAgainst((req, reply) =>
      reply(respond(req, 0, { signWith: createTsigKey('seed-key', 'hmac-sha256', randomBytes(32)) })),
    );
    expect((await failure(otherKey.read([`api.${ZONE}`]))).code).toBe('ERR_TSIG_RESPONSE');
    for (const e of [e1]) expect(e.message).not.toContain(key.secret.toString('base64'));
  });

  it('rejects a read answered without authority (not the primary)', async () => {
    const p = await providerAgainst((req, reply) => reply(respond(req, 0, { aa: false, signWith: key })));
    const error = await failure(p.read([`api.${ZONE}`]));
    expect(error.code).toBe('ERR_DNS_NOTAUTH');
    expect(error.message).toMatch(/without authority \(AA clear\): it is not the primary of zone seed\.test/);
  });

  it('SERVFAIL and silence are retryable; silence is bounded by attempts × timeout', async () => {
    const servfail = await providerAgainst((req, reply) => reply(respond(req, 2, { signWith: key })));
    const e1 = await failure(servfail.apply([create]));
    expect(e1.code).toBe('ERR_DNS_SERVFAIL');
    expect(e1.hasLabel('retryable')).toBe(true);
    const silent = await providerAgainst(() => undefined);
    const t0 = Date.now();
    const e2 = await failure(silent.apply([create]));
    expect(e2.code).toBe('ERR_DNS_TIMEOUT');
    expect(e2.hasLabel('retryable')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(2000);
    const e3 = await failure(silent.read([`api.${ZONE}`]));
    expect(e3.code).toBe('ERR_DNS_TIMEOUT');
  });
});

describe('answers that cannot be verified', () => {
  const badsig = { rcode: 9, tsigError: 16 };
  const tcpSigned = (req: Buffer, reply: Reply): void => reply(respond(req, 0, { signWith: key }));

  it('a forged unsigned NOTAUTH/BADSIG racing the signed answer is ignored and the update applies', async () => {
    const p = await providerAgainst((req, reply) => {
      reply(forgeAnswer(req, badsig));
      reply(forgeAnswer(req, { rcode: 0, tsigError: 18 }));
      setTimeout(() => reply(respond(req, 0, { signWith: key })), 30);
    });
    expect(await p.apply([create])).toEqual({ applied: 1 });
  });

  it('only forgeries until the deadline: the outcome is unknown, retryable, never usage', async () => {
    const p = await providerAgainst((req, reply) => reply(forgeAnswer(req, { rcode: 0, tsigError: 18 })));
    const error = await failure(p.apply([create]));
    expect(error.code).toBe('ERR_TSIG_RESPONSE');
    expect(error.hasLabel('retryable')).toBe(true);
    expect(error.hasLabel('usage')).toBe(false);
    expect(error.message).toMatch(
      /without a MAC.*no answer from 127\.0\.0\.1:\d+ over UDP authenticated within 2 attempt\(s\) of 200 ms; 2 answer\(s\) did not, so the outcome is unknown/,
    );
  });

  it('an unsigned NOTAUTH/BADSIG and nothing else: a usage error while the key never verified, retryable once it has', async () => {
    const script = (req: Buffer, reply: Reply): void => reply(forgeAnswer(req, badsig));
    const fresh = await providerAgainst(script);
    const atStart = await failure(fresh.apply([create]));
    expect(atStart.code).toBe('ERR_TSIG_BADSIG');
    expect(atStart.hasLabel('usage')).toBe(true);
    expect(atStart.message).toMatch(/no answer signed with this key has verified yet: check the key/);

    // Reads (TCP) verify, proving the key; then updates (UDP) get only unsigned BADSIG.
    const f = await fake({
      udp: (msg, reply) => script(msg, reply),
      tcp: (frames, socket) => frames.forEach((msg) => tcpSigned(msg, (b) => socket.write(frame(b)))),
    });
    const proven = createRfc2136Provider({
      ...base,
      server: { host: '127.0.0.1', port: f.port },
      timeoutMs: 200,
      udpAttempts: 2,
    });
    expect(await proven.read([`api.${ZONE}`])).toEqual([]);
    const later = await failure(proven.apply([create]));
    expect(later.code).toBe('ERR_TSIG_BADSIG');
    expect(later.hasLabel('usage')).toBe(false);
    expect(later.hasLabel('retryable')).toBe(true);
    expect(later.message).toMatch(
      /cannot be verified \(forged, or the server's key changed\), and this key has worked before: retrying/,
    );
  });
});
