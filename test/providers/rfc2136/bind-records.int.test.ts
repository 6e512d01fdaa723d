// Records written through the RFC 2136 provider to a real BIND 9 primary, read back with dig, Node's
// resolver and the provider itself; SOA serial; TXT; one message for A + TXT; UDP → TCP fallback.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLASS, TYPE } from '../../../src/providers/dns-wire/constants.js';
import { encodeMessage, randomId, requestFlags } from '../../../src/providers/dns-wire/writer.js';
import { checkResponse } from '../../../src/providers/rfc2136/errors.js';
import { buildQuery } from '../../../src/providers/rfc2136/message.js';
import { exchange } from '../../../src/providers/rfc2136/transport.js';
import { signMessage, verifyResponse } from '../../../src/providers/rfc2136/tsig.js';
import type { DnsProvider } from '../../../src/providers/types.js';
import type { RecordSet } from '../../../src/records/types.js';
import { startBind, type BindServer } from '../../harness/bind.js';
import { describeIfTool } from '../../harness/require-tool.js';
import { aSet, dig, keyOf, providerFor, readSet, resolveAll, soaSerial, sorted } from './helpers.js';

const ZONE = 'seed.test';
const SIXTY = Array.from({ length: 60 }, (_, i) => `10.60.0.${i + 1}`);

describeIfTool(['named', 'nsupdate', 'dig', 'timeout'])('rfc2136 provider against BIND 9: records', () => {
  let bind: BindServer;
  let provider: DnsProvider;

  beforeAll(async () => {
    bind = await startBind({ records: [{ name: 'big', type: 'A', value: '10.60.0.1' }] });
    provider = providerFor(bind, await keyOf(bind));
  });
  afterAll(async () => {
    await provider?.close();
    await bind?.stop();
  });

  it('adds, replaces and deletes a set; dig, the Node resolver and read() agree; the serial increases', async () => {
    const name = `api.${ZONE}`;
    const s0 = await soaSerial(bind);
    await provider.apply([{ kind: 'create', set: aSet(name, ['127.0.0.12', '127.0.0.11'], 60) }]);
    const s1 = await soaSerial(bind);
    expect(s1).toBeGreaterThan(s0);
    expect(sorted(await dig(bind, name, 'A'))).toEqual(['127.0.0.11', '127.0.0.12']);
    expect(await resolveAll(bind, name, 'A')).toEqual(['127.0.0.11', '127.0.0.12']);
    const created = await readSet(provider, name, 'A');
    expect(created).toEqual({ name, type: 'A', ttl: 60, values: ['127.0.0.11', '127.0.0.12'] });
    expect((await bind.resolver().resolve4(name, { ttl: true }))[0]?.ttl).toBe(60);

    await provider.apply([{ kind: 'update', before: created!, after: aSet(name, ['127.0.0.13'], 30) }]);
    const s2 = await soaSerial(bind);
    expect(s2).toBeGreaterThan(s1);
    expect(await dig(bind, name, 'A')).toEqual(['127.0.0.13']);
    expect(await resolveAll(bind, name, 'A')).toEqual(['127.0.0.13']);
    expect(await readSet(provider, name, 'A')).toEqual(aSet(name, ['127.0.0.13'], 30));

    await provider.apply([{ kind: 'delete', set: aSet(name, ['127.0.0.13'], 30) }]);
    expect(await soaSerial(bind)).toBeGreaterThan(s2);
    expect(await dig(bind, name, 'A')).toEqual([]);
    expect(await resolveAll(bind, name, 'A')).toEqual([]);
    expect(await provider.read([name])).toEqual([]);
  });

  it('writes AAAA and a long TXT (split into 255-byte strings) with the A set in one message', async () => {
    const name = `mixed.${ZONE}`;
    const owner = `heritage=seedkeeper,v=1,${'x'.repeat(300)}`;
    const sets: RecordSet[] = [
      aSet(name, ['10.9.0.1']),
      { name, type: 'AAAA', ttl: 30, values: ['2001:db8:0:0::1', '2001:db8::2'] },
      { name, type: 'TXT', ttl: 30, values: [owner] },
    ];
    const s0 = await soaSerial(bind);
    await provider.apply(sets.map((set) => ({ kind: 'create' as const, set })));
    expect(await soaSerial(bind)).toBe(s0 + 1); // one message, one serial bump
    expect(await resolveAll(bind, name, 'AAAA')).toEqual(['2001:db8::1', '2001:db8::2']);
    expect((await bind.resolver().resolveTxt(name)).map((parts) => parts.join(''))).toEqual([owner]);
    expect((await bind.resolver().resolveTxt(name))[0]?.map((p) => p.length)).toEqual([255, owner.length - 255]);
    const read = await provider.read([name]);
    expect(sorted(read.map((s) => s.type))).toEqual(['A', 'AAAA', 'TXT']);
    expect(read.find((s) => s.type === 'TXT')?.values).toEqual([owner]);
    // Compare-and-swap on the TXT with the exact set read.
    const txt = read.find((s) => s.type === 'TXT')!;
    await provider.apply([{ kind: 'update', before: txt, after: { ...txt, values: ['heritage=seedkeeper,v=1'] } }]);
    expect(await dig(bind, name, 'TXT')).toEqual(['"heritage=seedkeeper,v=1"']);
  });

  it('a batch that deletes and re-creates one set in order is applied as one replacement', async () => {
    const name = `fold.${ZONE}`;
    await bind.setRecords('fold', 'A', ['10.7.0.1']);
    await provider.apply([
      { kind: 'delete', set: aSet(name, ['10.7.0.1']) },
      { kind: 'create', set: aSet(name, ['10.7.0.2']) },
    ]);
    expect(await dig(bind, name, 'A')).toEqual(['10.7.0.2']);
  });

  it('falls back to TCP: 60 A records do not fit a 512-byte UDP answer, nor the update replacing them', async () => {
    const name = `big.${ZONE}`;
    const via: unknown[] = [];
    const logger = {
      info: (o: Record<string, unknown>) => via.push(o.via),
      warn: () => undefined,
      debug: () => undefined,
    };
    const logged = providerFor(bind, await keyOf(bind), { logger });
    const before = await readSet(logged, name, 'A');
    await logged.apply([{ kind: 'update', before: before!, after: aSet(name, SIXTY) }]); // > 512 bytes
    expect(via).toEqual(['tcp']);
    const { message } = buildQuery(name, 'A');
    const answer = await exchange({ host: bind.host, port: bind.port }, message, { timeoutMs: 2000 });
    expect(answer.truncatedUdp).toBe(true);
    expect(answer.via).toBe('tcp');
    expect(answer.raw.length).toBeGreaterThan(512);
    expect(answer.decoded.answers).toHaveLength(60);
    expect((await readSet(provider, name, 'A'))?.values).toEqual(sorted(SIXTY));
    expect(await resolveAll(bind, name, 'A')).toEqual(sorted(SIXTY));
  });

  it('a record outside the zone the server sees is NOTZONE; a zone the server does not serve is NOTAUTH', async () => {
    // Our provider never sends an out-of-zone record (validate.ts); craft one to see BIND's answer mapped.
    const other = providerFor(bind, await keyOf(bind), { zone: 'elsewhere.test' });
    const notauth = await other
      .apply([{ kind: 'create', set: aSet('x.elsewhere.test', ['10.0.0.1']) }])
      .catch((e: unknown) => e);
    expect(notauth).toMatchObject({ code: 'ERR_DNS_NOTAUTH' });
    expect((notauth as Error).message).toContain('not authoritative for zone elsewhere.test');
    const key = await keyOf(bind);
    const unsigned = encodeMessage({
      id: randomId(),
      flags: requestFlags(5),
      questions: [{ name: ZONE, type: TYPE.SOA, klass: CLASS.IN }],
      authorities: [
        { name: 'x.elsewhere.test', type: TYPE.A, klass: CLASS.IN, ttl: 30, rdata: Buffer.from([10, 0, 0, 1]) },
      ],
    });
    const signed = signMessage(unsigned, key);
    const answer = await exchange({ host: bind.host, port: bind.port }, signed.message, { timeoutMs: 2000 });
    expect(answer.decoded.rcode).toBe(10);
    const verdict = verifyResponse(answer.raw, answer.decoded, signed);
    expect(verdict.ok).toBe(true);
    const ctx = { what: 'update' as const, server: 'bind', zone: ZONE, key, subject: 'x.elsewhere.test A' };
    expect(() => checkResponse(answer.decoded, verdict, ctx)).toThrow(
      expect.objectContaining({ code: 'ERR_DNS_NOTZONE' }),
    );
  });
});
