// Compare-and-swap helpers over any DnsProvider, here the embedded zone store (which enforces the same
// preconditions as a real server): changes computed from what was read, bounded retries with full-jitter
// backoff on conflict, errors passed through, and the seed record never emptied by accident.
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { addAddress, CasExhaustedError, modifyRecordSet, removeAddress } from '../../src/providers/cas.js';
import { ZoneStore } from '../../src/providers/embedded/zone-store.js';
import { ConflictError, ProviderError, type DnsProvider } from '../../src/providers/types.js';
import type { RecordSet } from '../../src/records/types.js';

const ZONE = 'seed.test';
const NAME = `pool.${ZONE}`;
const A = (values: string[], ttl = 30): RecordSet => ({ name: NAME, type: 'A', ttl, values });

function memory(records: RecordSet[] = []): DnsProvider & { store: ZoneStore; applies: number } {
  const store = new ZoneStore({ zone: ZONE, records });
  const p = {
    kind: 'memory',
    zone: ZONE,
    store,
    applies: 0,
    read: async (names: readonly string[]) => {
      await yieldLoop(); // let concurrent writers interleave between read and apply
      return store.read(names);
    },
    apply: async (changes: Parameters<DnsProvider['apply']>[0]) => {
      p.applies++;
      await yieldLoop();
      return store.apply(changes);
    },
    close: () => Promise.resolve(),
  };
  return p;
}

/** A provider where someone else changes the set right after each of our first `times` reads. */
function contended(base: ReturnType<typeof memory>, times: number): DnsProvider {
  let n = 0;
  return {
    ...base,
    read: async (names) => {
      const sets = await base.read(names);
      if (n++ < times) {
        const current = base.store.read([NAME]).find((s) => s.type === 'A');
        const other = `10.9.0.${n}`;
        base.store.apply([
          current
            ? { kind: 'update', before: current, after: A([...current.values, other]) }
            : { kind: 'create', set: A([other]) },
        ]);
      }
      return sets;
    },
  };
}

const current = (p: ReturnType<typeof memory>) => p.store.read([NAME]).find((s) => s.type === 'A');

describe('modifyRecordSet', () => {
  it('creates, updates, deletes, and does nothing when the set already is as wanted', async () => {
    const p = memory();
    expect(await modifyRecordSet(p, NAME, 'A', () => A(['10.0.0.1']))).toMatchObject({
      attempts: 1,
      change: { kind: 'create' },
    });
    expect(await modifyRecordSet(p, NAME, 'A', (s) => ({ ...s!, values: [...s!.values, '10.0.0.2'] }))).toMatchObject({
      change: { kind: 'update' },
      set: A(['10.0.0.1', '10.0.0.2']),
    });
    expect(await modifyRecordSet(p, NAME, 'A', (s) => s)).toMatchObject({ attempts: 1, change: undefined });
    expect(p.applies).toBe(2);
    expect(await modifyRecordSet(p, NAME, 'A', () => undefined)).toMatchObject({
      change: { kind: 'delete' },
      set: undefined,
    });
    expect(current(p)).toBeUndefined();
  });

  it('re-reads and retries after each conflict, keeping the other writers changes', async () => {
    const base = memory([A(['10.0.0.1'])]);
    const result = await addAddress(contended(base, 3), NAME, '10.0.0.2', 30, { random: () => 0 });
    expect(result.attempts).toBe(4);
    expect(current(base)?.values).toEqual(['10.0.0.1', '10.0.0.2', '10.9.0.1', '10.9.0.2', '10.9.0.3']);
  });

  it('backs off with full jitter: random(0, min(max, base * 2^n))', async () => {
    const base = memory([A(['10.0.0.1'])]);
    const t0 = Date.now();
    await addAddress(contended(base, 4), NAME, '10.0.0.2', 30, {
      baseDelayMs: 10,
      maxDelayMs: 40,
      random: () => 0.999,
    });
    const elapsed = Date.now() - t0; // ceilings 10, 20, 40, 40 → about 110 ms
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(1000);
  });

  it('gives up after maxAttempts with the last conflict as the cause', async () => {
    const base = memory([A(['10.0.0.1'])]);
    const error = await addAddress(contended(base, 100), NAME, '10.0.0.2', 30, {
      maxAttempts: 3,
      random: () => 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CasExhaustedError);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as CasExhaustedError).attempts).toBe(3);
    expect((error as Error).message).toMatch(/pool\.seed\.test A: still conflicting after 3 attempts/);
    expect((error as Error).cause).toBeInstanceOf(ConflictError);
    expect(base.applies).toBe(3);
  });

  it('passes other errors through at once, and rejects a mutate that changes the name or type', async () => {
    const p = memory();
    const failing: DnsProvider = {
      ...p,
      apply: () => Promise.reject(new ProviderError('memory', 'ERR_DNS_REFUSED', 'refused', { labels: ['usage'] })),
    };
    await expect(addAddress(failing, NAME, '10.0.0.1', 30)).rejects.toMatchObject({ code: 'ERR_DNS_REFUSED' });
    await expect(
      modifyRecordSet(p, NAME, 'A', () => ({ ...A(['10.0.0.1']), name: `other.${ZONE}` })),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_RECORD' });
  });

  it('stops when aborted during the backoff', async () => {
    const base = memory([A(['10.0.0.1'])]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 30);
    await expect(
      addAddress(contended(base, 100), NAME, '10.0.0.2', 30, {
        baseDelayMs: 1000,
        maxDelayMs: 1000,
        random: () => 0.999,
        signal: controller.signal,
      }),
    ).rejects.toThrow('shutting down');
  });

  it(`converges with 8 concurrent writers on one store`, async () => {
    const p = memory([A(['10.8.0.100'])]);
    const mine = Array.from({ length: 8 }, (_, i) => `10.8.0.${i + 1}`);
    await Promise.all(mine.map((ip) => addAddress(p, NAME, ip, 30)));
    expect(current(p)?.values).toEqual([...mine, '10.8.0.100'].sort());
    await Promise.all(mine.map((ip) => removeAddress(p, NAME, ip)));
    expect(current(p)?.values).toEqual(['10.8.0.100']);
  });
});

describe('addAddress / removeAddress', () => {
  it('adds to A or AAAA by family, in canonical form; adding again changes nothing', async () => {
    const p = memory();
    await addAddress(p, NAME, '2001:DB8:0::1', 60);
    expect(p.store.read([NAME])).toEqual([{ name: NAME, type: 'AAAA', ttl: 60, values: ['2001:db8::1'] }]);
    expect(await addAddress(p, NAME, '2001:db8::1', 60)).toMatchObject({ change: undefined });
    await addAddress(p, `${NAME}.`, '10.0.0.1', 60);
    expect(current(p)).toEqual(A(['10.0.0.1'], 60));
    await expect(addAddress(p, NAME, 'nope', 60)).rejects.toMatchObject({ code: 'ERR_INVALID_RECORD' });
  });

  it('removes only its own address; absent is nothing to do', async () => {
    const p = memory([A(['10.0.0.1', '10.0.0.2'])]);
    await removeAddress(p, NAME, '10.0.0.2');
    expect(current(p)?.values).toEqual(['10.0.0.1']);
    expect(await removeAddress(p, NAME, '10.0.0.9')).toMatchObject({ change: undefined });
    expect(await removeAddress(p, `none.${ZONE}`, '10.0.0.9')).toMatchObject({ change: undefined });
  });

  it('refuses to remove the last address unless allowEmpty', async () => {
    const p = memory([A(['10.0.0.1'])]);
    const error = await removeAddress(p, NAME, '10.0.0.1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_LAST_ADDRESS' });
    expect((error as ProviderError).hasLabel('usage')).toBe(true);
    expect((error as Error).message).toMatch(/10\.0\.0\.1 is its last address.*allowEmpty: true/);
    expect(current(p)?.values).toEqual(['10.0.0.1']);
    expect(await removeAddress(p, NAME, '10.0.0.1', { allowEmpty: true })).toMatchObject({
      change: { kind: 'delete' },
    });
    expect(current(p)).toBeUndefined();
  });
});
