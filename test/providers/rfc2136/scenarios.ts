/**
 * The compare-and-swap and TSIG scenarios every RFC 2136 server must pass, written once and run against
 * BIND 9 (bind-cas.int.test.ts) and Knot (knot-cas.int.test.ts). The caller wraps them in describeIfTool.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addAddress, modifyRecordSet, removeAddress } from '../../../src/providers/cas.js';
import { createTsigKey, type TsigKey } from '../../../src/providers/rfc2136/key.js';
import { ConflictError, ProviderError, type DnsProvider } from '../../../src/providers/types.js';
import {
  aSet,
  dig,
  keyOf,
  providerFor,
  readSet,
  resolveAll,
  soaSerial,
  sorted,
  wrongSecretKey,
  type ZoneServer,
} from './helpers.js';

export interface ScenarioExpectations {
  /** Code of the error an unsigned update gets (BIND: REFUSED, Knot: NOTAUTH). */
  readonly unsignedCode: string;
  /**
   * Code of the error a signed update for a zone the server does not serve gets (BIND: a signed NOTAUTH,
   * ERR_DNS_NOTAUTH; Knot answers unsigned, which cannot be trusted: ERR_TSIG_RESPONSE).
   */
  readonly otherZoneCode: string;
}

const WRITERS = 8;

async function expectError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

export function casAndTsigScenarios(start: () => Promise<ZoneServer>, expected: ScenarioExpectations): void {
  let server: ZoneServer;
  let key: TsigKey;
  let provider: DnsProvider;
  const zone = (): string => server.zone;
  const name = (label: string): string => `${label}.${zone()}`;

  beforeAll(async () => {
    server = await start();
    key = await keyOf(server);
    provider = providerFor(server, key);
  });
  afterAll(async () => {
    await provider?.close();
    await server?.stop();
  });

  it('refuses a stale prerequisite (someone else changed the set) and changes nothing', async () => {
    await server.setRecords('stale', 'A', ['10.1.0.11', '10.1.0.12', '10.1.0.13']);
    const seen = await readSet(provider, name('stale'), 'A');
    expect(seen?.values).toEqual(['10.1.0.11', '10.1.0.12', '10.1.0.13']);
    await server.setRecords('stale', 'A', ['10.1.0.11', '10.1.0.12', '10.1.0.14']);
    const serial = await soaSerial(server);
    const error = await expectError(
      provider.apply([{ kind: 'update', before: seen!, after: aSet(name('stale'), [...seen!.values, '10.1.0.15']) }]),
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe('ERR_CONFLICT');
    expect(error.message).toContain(`${name('stale')} A`);
    expect(error.message).toContain('NXRRSET');
    expect(sorted(await dig(server, name('stale'), 'A'))).toEqual(['10.1.0.11', '10.1.0.12', '10.1.0.14']);
    expect(await soaSerial(server)).toBe(serial);
  });

  it('refuses to create a set that exists, and to delete a set that differs', async () => {
    await server.setRecords('exists', 'A', ['10.2.0.1']);
    const created = await expectError(provider.apply([{ kind: 'create', set: aSet(name('exists'), ['10.2.0.9']) }]));
    expect(created).toBeInstanceOf(ConflictError);
    expect(created.message).toContain('YXRRSET');
    const deleted = await expectError(provider.apply([{ kind: 'delete', set: aSet(name('exists'), ['10.2.0.2']) }]));
    expect(deleted).toBeInstanceOf(ConflictError);
    expect(await dig(server, name('exists'), 'A')).toEqual(['10.2.0.1']);
    await provider.apply([{ kind: 'delete', set: aSet(name('exists'), ['10.2.0.1']) }]);
    expect(await dig(server, name('exists'), 'A')).toEqual([]);
  });

  it('modifyRecordSet re-reads after a conflict and converges on both changes', async () => {
    await server.setRecords('conv', 'A', ['10.3.0.1']);
    let reads = 0;
    // Between our read and our update, another writer adds 10.3.0.2 (only the first time).
    const racing: DnsProvider = {
      ...provider,
      read: async (names) => {
        const sets = await provider.read(names);
        if (reads++ === 0) await server.setRecords('conv', 'A', ['10.3.0.1', '10.3.0.2']);
        return sets;
      },
    };
    const result = await addAddress(racing, name('conv'), '10.3.0.3', 30);
    expect(result.attempts).toBe(2);
    expect(result.change?.kind).toBe('update');
    expect(sorted(await dig(server, name('conv'), 'A'))).toEqual(['10.3.0.1', '10.3.0.2', '10.3.0.3']);
    const again = await modifyRecordSet(provider, name('conv'), 'A', (current) => current);
    expect(again).toMatchObject({ attempts: 1, change: undefined });
  });

  it(`${WRITERS} concurrent writers each add their own address: all ${WRITERS} present; then ${WRITERS} remove theirs: none lost or resurrected`, async () => {
    const seed = '10.8.0.100';
    const mine = Array.from({ length: WRITERS }, (_, i) => `10.8.0.${i + 1}`);
    await server.setRecords('pool', 'A', [seed]);
    const writers = mine.map(() => providerFor(server, key));
    try {
      // Eight writers contend for one record: give each enough attempts that a slow CI machine never runs out
      // (what is tested is that nothing is lost, not how many retries it takes).
      const patient = { maxAttempts: 24 };
      const added = await Promise.all(writers.map((w, i) => addAddress(w, name('pool'), mine[i]!, 30, patient)));
      const all = sorted([seed, ...mine]);
      expect((await readSet(provider, name('pool'), 'A'))?.values).toEqual(all);
      expect(sorted(await dig(server, name('pool'), 'A'))).toEqual(all);
      expect(await resolveAll(server, name('pool'), 'A')).toEqual(all);
      expect(added.some((r) => r.attempts > 1)).toBe(true); // they really did collide
      const removed = await Promise.all(writers.map((w, i) => removeAddress(w, name('pool'), mine[i]!, patient)));
      expect((await readSet(provider, name('pool'), 'A'))?.values).toEqual([seed]);
      expect(await dig(server, name('pool'), 'A')).toEqual([seed]);
      expect(await resolveAll(server, name('pool'), 'A')).toEqual([seed]);
      console.info(
        `${WRITERS} writers: add attempts ${added.map((r) => r.attempts).join(',')}; remove attempts ${removed.map((r) => r.attempts).join(',')}`,
      );
    } finally {
      await Promise.all(writers.map((w) => w.close()));
    }
  });

  it('removeAddress refuses to empty the record unless asked', async () => {
    await server.setRecords('last', 'A', ['10.4.0.1']);
    const error = await expectError(removeAddress(provider, name('last'), '10.4.0.1'));
    expect(error.code).toBe('ERR_LAST_ADDRESS');
    expect(await dig(server, name('last'), 'A')).toEqual(['10.4.0.1']);
    await removeAddress(provider, name('last'), '10.4.0.1', { allowEmpty: true });
    expect(await dig(server, name('last'), 'A')).toEqual([]);
  });

  it(`an unsigned update is refused (${expected.unsignedCode}) with a clear message and changes nothing`, async () => {
    await server.setRecords('auth', 'A', ['10.5.0.1']);
    const unsigned = providerFor(server, undefined);
    const error = await expectError(unsigned.apply([{ kind: 'create', set: aSet(name('auth-new'), ['10.5.0.2']) }]));
    expect(error.code).toBe(expected.unsignedCode);
    expect(error.hasLabel('usage')).toBe(true);
    expect(error.message).toMatch(/not signed|requires a TSIG key/);
    expect(await dig(server, name('auth-new'), 'A')).toEqual([]);
  });

  it('a wrong secret is rejected as BADSIG and an unknown key as BADKEY, naming the key, never the secret', async () => {
    const bad = wrongSecretKey(server);
    const cases = [
      { key: bad, code: 'ERR_TSIG_BADSIG', says: /secret does not match/ },
      {
        key: createTsigKey('nobody-knows-me', 'hmac-sha256', bad.secret),
        code: 'ERR_TSIG_BADKEY',
        says: /does not know TSIG key nobody-knows-me/,
      },
    ];
    for (const c of cases) {
      // Over UDP the unsigned BADSIG/BADKEY is not believed at once (it could be forged): the provider waits
      // for a signed answer until its deadline (attempts × timeoutMs), so keep that short here.
      const p = providerFor(server, c.key, { timeoutMs: 400 });
      const error = await expectError(
        p.apply([
          { kind: 'update', before: aSet(name('auth'), ['10.5.0.1']), after: aSet(name('auth'), ['10.5.0.9']) },
        ]),
      );
      expect(error.code).toBe(c.code);
      expect(error.message).toMatch(c.says);
      expect(error.message).toContain(c.key.name);
      expect(error.hasLabel('usage')).toBe(true);
      expect(error.message).not.toContain(c.key.secret.toString('base64'));
      expect(error.message).not.toContain(server.keySecret);
      // Reads are signed too: the server rejects them the same way.
      expect((await expectError(p.read([name('auth')]))).code).toBe(c.code);
    }
    expect(await dig(server, name('auth'), 'A')).toEqual(['10.5.0.1']);
  });

  it('a clock an hour off is rejected as BADTIME (clock skew)', async () => {
    const skewed = providerFor(server, key, { now: () => Date.now() + 3600_000 });
    const error = await expectError(
      skewed.apply([
        { kind: 'update', before: aSet(name('auth'), ['10.5.0.1']), after: aSet(name('auth'), ['10.5.0.8']) },
      ]),
    );
    expect(error.code).toBe('ERR_TSIG_BADTIME');
    expect(error.message).toMatch(/clock/);
    expect(await dig(server, name('auth'), 'A')).toEqual(['10.5.0.1']);
  });

  it('an update for a zone the server does not serve fails with a clear error', async () => {
    // Knot's answer is unsigned, so the provider waits for a signed one until its deadline: keep it short.
    const other = providerFor(server, key, { zone: 'elsewhere.test', timeoutMs: 500 });
    const error = await expectError(other.apply([{ kind: 'create', set: aSet('x.elsewhere.test', ['10.6.0.1']) }]));
    expect(error.code).toBe(expected.otherZoneCode);
    expect(error.message).toMatch(/not authoritative for zone elsewhere\.test|do not serve zone elsewhere\.test/);
  });

  it('signed reads verify the server signature', async () => {
    // Our read checks the response MAC; a provider that believed another secret would fail as above.
    expect((await readSet(provider, name('auth'), 'A'))?.values).toEqual(['10.5.0.1']);
    expect(await provider.read([name('absent-name')])).toEqual([]);
  });
}
