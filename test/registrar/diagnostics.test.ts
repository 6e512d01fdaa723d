import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../src/records/limits.js';
import { ConfigError } from '../../src/errors.js';
import type { DnsProvider } from '../../src/providers/types.js';
import { createMetrics } from '../../src/registrar/metrics.js';
import { Registrar } from '../../src/registrar/registrar.js';
import type { Candidate, Source } from '../../src/sources/types.js';
import { healthyView } from '../helpers/healthy-view.js';

const seen: { type?: string }[] = [];
const listener = (message: unknown): void => void seen.push(message as { type?: string });
afterEach(() => unsubscribe('seedkeeper:registrar', listener));

const source: Source = {
  kind: 'static',
  start: () => Promise.resolve(),
  candidates: (): Candidate[] => [{ address: '10.0.0.1', port: 3000, source: 'static' }],
  close: () => Promise.resolve(),
};

it('publishes reconciled and fatal on seedkeeper:registrar as { type, ...payload }', async () => {
  subscribe('seedkeeper:registrar', listener);
  const wrongZone = new ConfigError('zone', 'not this zone');
  const provider: DnsProvider = {
    kind: 'rfc2136',
    limits: DEFAULT_PROVIDER_LIMITS,
    zone: 'diag.test',
    read: () => Promise.reject(wrongZone),
    apply: (changes) => Promise.resolve({ applied: changes.length }),
    close: () => Promise.resolve(),
  };
  const registrar = new Registrar({
    name: 'seed.diag.test',
    sources: [source],
    health: healthyView(),
    provider,
    policy: { mode: 'sync', ttl: 30, ownerId: 'diag', maxRemovalsPerCycle: 2, maxRecordSize: 0 },
    intervalMs: 60_000,
    debounceMs: 1,
    logger: createLogger('silent', { write: () => undefined }),
    metrics: createMetrics(),
    outage: { unhealthyAfterMs: 1000, recoveryWindowMs: 5000 },
  });
  registrar.on('fatal', () => undefined);
  await registrar.reconcile('manual');
  await registrar.stop();
  expect(seen.map((m) => m.type)).toEqual(['reconciled', 'fatal']);
  expect(seen[0]).toMatchObject({ type: 'reconciled', trigger: 'manual', error: wrongZone });
  expect(seen[1]).toEqual({ type: 'fatal', error: wrongZone });
});
