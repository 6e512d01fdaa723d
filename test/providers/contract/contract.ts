/**
 * The contract every DnsProvider (src/providers/types.ts) must pass, written once and run against each
 * provider: embedded.test.ts, route53.test.ts (both modes), rfc2136.int.test.ts (real BIND 9 and Knot).
 * A new provider starts here: give it a `ContractSubject` and call `providerContract` in a new file.
 *
 * Only the DnsProvider interface is used. "Someone else" is a second provider on the same backend, and
 * "what is really there" is read by a third, fresh one (so no provider cache can hide a missed write).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConflictError, type DnsProvider } from '../../../src/providers/types.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../../src/records/limits.js';
import type { RecordChange, RecordSet } from '../../../src/records/types.js';

export interface ContractBackend {
  /** The zone the providers may change. */
  readonly zone: string;
  /** A new provider on the backend; the contract closes every provider it asks for. */
  provider(): DnsProvider;
  stop(): Promise<void>;
}

export type ContractClause = 'read' | 'cas' | 'batch' | 'marker' | 'limits';

export interface ContractSubject {
  /** Starts the backend (a server, a model) once for the whole contract. */
  start(): Promise<ContractBackend>;
  /**
   * Clauses this provider is known to break today, each with the reason. They run as `it.fails`: the
   * suite stays green and reports the gap, and turns red the day the provider is fixed, so the entry
   * gets removed. Never add one to make a new provider pass.
   */
  readonly knownGaps?: Partial<Record<ContractClause, string>>;
}

const MARKER_VALUE = 'seedkeeper/v1 owner=contract-test generation=7';

export const aSet = (name: string, values: readonly string[], ttl = 30): RecordSet => ({
  name,
  type: 'A',
  ttl,
  values,
});
const aaaaSet = (name: string, values: readonly string[], ttl = 30): RecordSet => ({ name, type: 'AAAA', ttl, values });
const txtSet = (name: string, values: readonly string[], ttl = 30): RecordSet => ({ name, type: 'TXT', ttl, values });
const plain = (sets: readonly RecordSet[]): RecordSet[] =>
  sets
    .map(({ name, type, ttl, values }) => ({ name, type, ttl, values }))
    .sort((x, y) => `${x.name} ${x.type}`.localeCompare(`${y.name} ${y.type}`));

/** `n` distinct addresses in 10.77.0.0/16, in canonical (sorted) order. */
export function manyAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `10.77.${Math.floor((i + 1) / 256)}.${(i + 1) % 256}`).sort();
}

/** The error `promise` rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => expect.fail(`expected a rejection, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

export function providerContract(subject: ContractSubject): void {
  let backend: ContractBackend;
  const opened: DnsProvider[] = [];
  const open = (): DnsProvider => {
    const p = backend.provider();
    opened.push(p);
    return p;
  };
  const name = (label: string): string => `${label}.${backend.zone}`;
  /** What is really there, through a provider that has never seen these names. */
  const truth = async (...names: string[]): Promise<RecordSet[]> => plain(await open().read(names));
  const clause = (id: ContractClause, title: string, body: () => Promise<void>): void => {
    const gap = subject.knownGaps?.[id];
    if (gap === undefined) it(title, body);
    else it.fails(`${title} [known gap: ${gap}]`, body);
  };

  beforeAll(async () => {
    backend = await subject.start();
  });
  afterAll(async () => {
    await Promise.all(opened.map((p) => p.close()));
    await backend?.stop();
  });

  clause(
    'read',
    'reads nothing at names that hold nothing, and reads back A, AAAA and TXT sets as written',
    async () => {
      const p = open();
      expect(await p.read([name('read-absent')])).toEqual([]);
      const sets = [
        aSet(name('read'), ['10.1.0.1', '10.1.0.2']),
        aaaaSet(name('read'), ['2001:db8::1']),
        txtSet(name('read-txt'), [MARKER_VALUE], 60),
      ];
      expect(await p.apply(sets.map((set) => ({ kind: 'create', set })))).toEqual({ applied: 3 });
      expect(plain(await p.read([name('read'), name('read-txt'), name('read-absent')]))).toEqual(plain(sets));
      expect(await truth(name('read'), name('read-txt'))).toEqual(plain(sets));
    },
  );

  clause(
    'cas',
    'compare-and-swap: an update, delete or create against a set someone else changed fails with ConflictError and applies nothing',
    async () => {
      const mine = open();
      const theirs = open();
      const before = aSet(name('cas'), ['10.2.0.1', '10.2.0.2']);
      await mine.apply([{ kind: 'create', set: before }]);
      const changed = aSet(name('cas'), ['10.2.0.1', '10.2.0.3']);
      await theirs.apply([{ kind: 'update', before, after: changed }]);
      const stale: RecordChange[] = [
        { kind: 'update', before, after: aSet(name('cas'), ['10.2.0.1', '10.2.0.2', '10.2.0.9']) },
        { kind: 'delete', set: before },
        { kind: 'create', set: aSet(name('cas'), ['10.2.0.9']) },
      ];
      for (const change of stale) {
        const error = await rejection(mine.apply([change]));
        expect(error, `${change.kind} of a stale set`).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).code).toBe('ERR_CONFLICT');
        expect(await truth(name('cas'))).toEqual([changed]);
      }
      // With the set as it now is, the same change goes through.
      await mine.apply([{ kind: 'update', before: changed, after: before }]);
      expect(await truth(name('cas'))).toEqual([before]);
    },
  );

  clause(
    'batch',
    'applies a batch atomically: the records and their marker together, or nothing when one change is stale',
    async () => {
      const p = open();
      const record = aSet(name('batch'), ['10.3.0.1', '10.3.0.2']);
      const marker = txtSet(name('_seedkeeper.batch'), [MARKER_VALUE]);
      expect(
        await p.apply([
          { kind: 'create', set: record },
          { kind: 'create', set: marker },
        ]),
      ).toEqual({ applied: 2 });
      expect(await truth(name('batch'), name('_seedkeeper.batch'))).toEqual(plain([marker, record]));

      // Second change stale (the marker is not what we claim): the first must not be applied either.
      const error = await rejection(
        p.apply([
          { kind: 'update', before: record, after: aSet(name('batch'), ['10.3.0.1', '10.3.0.2', '10.3.0.3']) },
          {
            kind: 'update',
            before: txtSet(name('_seedkeeper.batch'), ['seedkeeper/v1 owner=someone-else']),
            after: marker,
          },
        ]),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(await truth(name('batch'), name('_seedkeeper.batch'))).toEqual(plain([marker, record]));
    },
  );

  clause(
    'marker',
    'keeps the ownership marker exactly (spaces and = included) and changes it only by compare-and-swap',
    async () => {
      const p = open();
      const v1 = txtSet(name('_seedkeeper.marker'), [MARKER_VALUE]);
      await p.apply([{ kind: 'create', set: v1 }]);
      expect(await truth(name('_seedkeeper.marker'))).toEqual([v1]);
      const v2 = txtSet(name('_seedkeeper.marker'), ['seedkeeper/v1 owner=contract-test generation=8']);
      await p.apply([{ kind: 'update', before: v1, after: v2 }]);
      expect(await rejection(p.apply([{ kind: 'update', before: v1, after: v2 }]))).toBeInstanceOf(ConflictError);
      expect(await truth(name('_seedkeeper.marker'))).toEqual([v2]);
      await p.apply([{ kind: 'delete', set: v2 }]);
      expect(await truth(name('_seedkeeper.marker'))).toEqual([]);
    },
  );

  clause('limits', 'declares sane limits and holds a set at its declared maximum of values', async () => {
    const p = open();
    const limits = p.limits ?? DEFAULT_PROVIDER_LIMITS;
    for (const n of [limits.maxValuesPerSet, limits.maxSetWireBytes, limits.maxChangesPerBatch]) {
      expect(Number.isInteger(n) && n > 0).toBe(true);
    }
    // An A answer record is 16 bytes on the wire (compressed owner name): keep within the byte limit too.
    const n = Math.min(limits.maxValuesPerSet, Math.floor(limits.maxSetWireBytes / 16));
    const full = aSet(name('limits'), manyAddresses(n));
    await p.apply([{ kind: 'create', set: full }]);
    expect(await truth(name('limits'))).toEqual([full]);
  });
}
