/** `run` says what clients will dial (members sharing one IP, a port that is not 3000) once, not every cycle. */
import { describe, expect, it } from 'vitest';
import { buildWarnings } from '../../src/discovery/probe/warnings.js';
import type { NodeReport } from '../../src/discovery/probe/report.js';
import { ZoneStore } from '../../src/providers/embedded/zone-store.js';
import { DEFAULT_PROVIDER_LIMITS } from '../../src/records/limits.js';
import type { DnsProvider } from '../../src/providers/types.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/registrar/metrics.js';
import { Registrar } from '../../src/registrar/registrar.js';
import { healthyView } from '../helpers/healthy-view.js';
import type { Candidate } from '../../src/sources/types.js';

const NAME = 'seed.ports.test';

describe('port advice in run and probe', () => {
  it('run logs each distinct advice once over several reconciles', async () => {
    const store = new ZoneStore({ zone: 'ports.test' });
    const provider: DnsProvider = {
      kind: 'embedded',
      limits: DEFAULT_PROVIDER_LIMITS,
      zone: 'ports.test',
      read: (names) => Promise.resolve(store.read(names)),
      apply: (changes) => Promise.resolve(store.apply(changes)),
      close: () => Promise.resolve(),
    };
    const candidates: Candidate[] = [4101, 4102, 4103].map((port) => ({ address: '10.0.0.1', port, source: 'static' }));
    const lines: { msg: string; code?: string }[] = [];
    const registrar = new Registrar({
      name: NAME,
      sources: [
        {
          kind: 'static',
          start: () => Promise.resolve(),
          candidates: () => candidates,
          close: () => Promise.resolve(),
        },
      ],
      health: healthyView(),
      provider,
      policy: { mode: 'sync', ttl: 30, ownerId: 'ports', maxRemovalsPerCycle: 2, maxRecordSize: 0 },
      intervalMs: 60_000,
      debounceMs: 1,
      logger: createLogger('info', {
        write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]),
      }),
      metrics: createMetrics(),
      outage: { unhealthyAfterMs: 1000, recoveryWindowMs: 5000 },
    });
    for (let i = 0; i < 5; i++) expect((await registrar.reconcile('interval')).error).toBeUndefined();
    const advice = lines.filter((l) => l.code === 'shared-ip' || l.code === 'non-default-port');
    expect(advice.map((l) => l.code)).toEqual(['shared-ip', 'non-default-port']);
    expect(advice[0]!.msg).toContain(`clients given ${NAME} will dial 10.0.0.1:3000`);
    await registrar.stop();
  });

  it('probe adds an info warning, worded for DNS seeding, when nodes share an IP on different ports', () => {
    const node = (port: number): NodeReport => ({
      nodeId: `N${port}`,
      address: '127.0.0.1',
      port,
      reachable: true,
      aliases: [],
      build: undefined,
      clusterName: 'c',
      source: 'seed',
    });
    const warnings = buildWarnings({
      seeds: [],
      perSeed: [],
      nodes: [node(4101), node(4102)],
      issues: [],
      mismatches: [],
      expectedClusterName: undefined,
    });
    const ports = warnings.filter((w) => w.code === 'dns-seed-ports');
    expect(ports.map((w) => w.severity)).toEqual(['info', 'info']);
    expect(ports[0]!.message).toMatch(
      /^if clients seed by a DNS name listing these nodes: 2 members differ only by port \(127\.0\.0\.1:4101, 127\.0\.0\.1:4102\).*will dial 127\.0\.0\.1:3000/,
    );
    expect(ports[1]!.message).toMatch(/clients given only NAME will dial port 3000/);
  });
});
