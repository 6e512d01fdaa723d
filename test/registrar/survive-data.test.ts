/**
 * Nothing that arrives from a source or from a provider's data stops the registrar; only its own
 * configuration can, and only before its first successful reconcile. Unit level: a fake health view, the
 * embedded zone store as the provider (with its real limits and checks).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import type { EndpointHealth } from '../../src/health/types.js';
import { ZoneStore } from '../../src/providers/embedded/zone-store.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../src/records/limits.js';
import { ProviderError, type DnsProvider } from '../../src/providers/types.js';
import type { RecordChange } from '../../src/records/types.js';
import { classifyReconcileError } from '../../src/registrar/error-policy.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/registrar/metrics.js';
import { Registrar, type HealthView } from '../../src/registrar/registrar.js';
import type { Candidate, Source } from '../../src/sources/types.js';

const NAME = 'seed.survive.test';
const ZONE = 'survive.test';

function healthyView(): HealthView {
  let endpoints: Map<string, EndpointHealth> = new Map();
  return {
    setEndpoints(list) {
      endpoints = new Map(
        list.map((endpoint, i) => [
          endpoint.key,
          {
            endpoint,
            state: 'healthy',
            since: i,
            healthySince: i,
            consecutivePasses: 2,
            failingSince: undefined,
            last: undefined,
            nodeId: undefined,
          },
        ]),
      );
    },
    snapshot: () => endpoints,
    on: () => undefined,
    start: () => undefined,
    stop: () => Promise.resolve(),
  };
}

function sourceOf(candidates: () => readonly Candidate[]): Source {
  return { kind: 'static', start: () => Promise.resolve(), candidates, close: () => Promise.resolve() };
}

function storeProvider(): DnsProvider & { readonly store: ZoneStore } {
  const store = new ZoneStore({ zone: ZONE });
  return {
    kind: 'embedded',
    limits: DEFAULT_PROVIDER_LIMITS,
    zone: ZONE,
    store,
    read: (names) => Promise.resolve(store.read(names)),
    apply: (changes) => Promise.resolve(store.apply(changes)),
    close: () => Promise.resolve(),
  };
}

function registrarWith(provider: DnsProvider, candidates: () => readonly Candidate[]): Registrar {
  return new Registrar({
    name: NAME,
    sources: [sourceOf(candidates)],
    health: healthyView(),
    provider,
    policy: { mode: 'sync', ttl: 30, ownerId: 'survive', maxRemovalsPerCycle: 2, maxRecordSize: 0 },
    intervalMs: 60_000,
    debounceMs: 1,
    logger: createLogger('silent'),
    metrics: createMetrics(),
    outage: { unhealthyAfterMs: 1000, recoveryWindowMs: 5000 },
  });
}

const many = (count: number): Candidate[] =>
  Array.from({ length: count }, (_, i) => ({
    address: `10.1.${(i + 1) >> 8}.${(i + 1) & 255}`,
    port: 3000,
    source: 'static',
  }));
const published = (provider: ReturnType<typeof storeProvider>): readonly string[] =>
  provider.store.read([NAME]).find((s) => s.type === 'A')?.values ?? [];

describe('registrar: data never stops it', () => {
  it('publishes a stable 400-member subset of 450 healthy members and keeps running', async () => {
    const provider = storeProvider();
    const registrar = registrarWith(provider, () => many(450));
    const fatal: unknown[] = [];
    registrar.on('fatal', (e) => fatal.push(e));
    await registrar.start();
    try {
      const first = await registrar.reconcile('test');
      expect(first.error).toBeUndefined();
      const values = published(provider);
      expect(values).toHaveLength(400);
      expect(first.plan.notes.map((n) => n.code)).toContain('provider-limit');
      const second = await registrar.reconcile('test');
      expect(second.plan.changes).toEqual([]);
      expect(published(provider)).toEqual(values);
      expect(fatal).toEqual([]);
      expect(registrar.isRunning).toBe(true);
      const metrics = await (
        registrar as unknown as { options: { metrics: ReturnType<typeof createMetrics> } }
      ).options.metrics.registry.metrics();
      expect(metrics).toMatch(/seedkeeper_members_left_out\{family="ipv4",reason="provider-limit"\} 50/);
    } finally {
      await registrar.stop();
    }
  });

  it('survives a provider that refuses a write as invalid (a usage error caused by data)', async () => {
    const provider = storeProvider();
    const refusing: DnsProvider = {
      ...provider,
      apply: () =>
        Promise.reject(
          new ProviderError('embedded', 'ERR_INVALID_RECORD', 'seed A: 401 values, at most 400', { labels: ['usage'] }),
        ),
    };
    const registrar = registrarWith(refusing, () => many(3));
    const fatal: unknown[] = [];
    registrar.on('fatal', (e) => fatal.push(e));
    await registrar.start();
    try {
      const outcome = await registrar.reconcile('test');
      expect(outcome.error).toBeInstanceOf(ProviderError);
      expect(fatal).toEqual([]);
      expect(registrar.isRunning).toBe(true);
      expect(registrar.state().lastError).toBe(outcome.error);
    } finally {
      await registrar.stop();
    }
  });

  it('survives a source whose candidates() throws, and a candidate that is not an address', async () => {
    const provider = storeProvider();
    let mode: 'throw' | 'garbage' | 'ok' = 'throw';
    const registrar = registrarWith(provider, () => {
      if (mode === 'throw') throw new Error('source exploded');
      return mode === 'garbage' ? [{ address: 'not-an-ip', port: 3000, source: 'static' }] : many(2);
    });
    await registrar.start();
    try {
      expect((await registrar.reconcile('test')).error).toBeInstanceOf(Error);
      mode = 'garbage';
      expect((await registrar.reconcile('test')).error).toBeDefined();
      mode = 'ok';
      expect((await registrar.reconcile('test')).error).toBeUndefined();
      expect(published(provider)).toEqual(['10.1.0.1', '10.1.0.2']);
      expect(registrar.isRunning).toBe(true);
    } finally {
      await registrar.stop();
    }
  });

  it('stops only for a configuration error before its first successful reconcile', () => {
    const badKey = new ProviderError('rfc2136', 'ERR_TSIG_BADKEY', 'unknown key', { labels: ['usage'] });
    expect(classifyReconcileError(badKey, { everSucceeded: false })).toBe('fatal');
    expect(classifyReconcileError(new ConfigError('provider.zone', 'bad'), { everSucceeded: false })).toBe('fatal');
    expect(classifyReconcileError(badKey, { everSucceeded: true })).toBe('survive');
    const tooMany = new ProviderError('embedded', 'ERR_INVALID_RECORD', 'too many values', { labels: ['usage'] });
    expect(classifyReconcileError(tooMany, { everSucceeded: false })).toBe('survive');
    expect(classifyReconcileError(new Error('socket hang up'), { everSucceeded: false })).toBe('survive');
  });
});

describe('registrar: a server that acknowledges writes and applies nothing', () => {
  it('compares the next read with what was written, warns, counts it and shows it in its state', async () => {
    const provider = storeProvider();
    const writes: RecordChange[][] = [];
    const lying: DnsProvider = {
      ...provider,
      apply: (changes) => (writes.push([...changes]), Promise.resolve({ applied: changes.length })),
    };
    const registrar = registrarWith(lying, () => many(2));
    await registrar.start();
    try {
      const first = await registrar.reconcile('test');
      expect(first.applied).toBe(true);
      expect(registrar.state().writesNotVisible).toBe(0);
      const second = await registrar.reconcile('test');
      expect(second.writeNotVisible?.sets.join('\n')).toContain(
        'seed.survive.test A: wrote 10.1.0.1, 10.1.0.2; read back (no set)',
      );
      expect(registrar.state().writesNotVisible).toBe(1);
      const text = await (
        registrar as unknown as { options: { metrics: ReturnType<typeof createMetrics> } }
      ).options.metrics.registry.metrics();
      expect(text).toMatch(/seedkeeper_write_not_visible_total 1/);
      expect(writes).toHaveLength(2);
    } finally {
      await registrar.stop();
    }
  });

  it('does not count a write that another writer changed since (the record holds something else)', async () => {
    const provider = storeProvider();
    const registrar = registrarWith(provider, () => many(2));
    await registrar.start();
    try {
      await registrar.reconcile('test');
      const [set] = provider.store.read([NAME]).filter((s) => s.type === 'A');
      provider.store.apply([{ kind: 'update', before: set!, after: { ...set!, values: ['10.1.0.1', '10.1.0.9'] } }]);
      const next = await registrar.reconcile('test');
      expect(next.writeNotVisible).toBeUndefined();
      expect(registrar.state().writesNotVisible).toBe(0);
    } finally {
      await registrar.stop();
    }
  });
});
