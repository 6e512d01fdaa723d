/**
 * The registrar writing to Route 53 (the real SDK client, answered by the stateful in-memory model of Route 53):
 * the shared record follows the simulated cluster's health, through a throttled API.
 */
import '../aws/sdk-env.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Route53Model } from '../aws/route53-model.js';
import { waitFor } from '../helpers/wait.js';
import { startRegistrarWorld, type RegistrarWorld } from './world.js';

const ZONE_ID = 'Z0SEEDKEEPER1';
let model: Route53Model | undefined;
let world: RegistrarWorld | undefined;

afterEach(async () => {
  await world?.close();
  model?.restore();
  world = model = undefined;
});

function published(m: Route53Model, name: string): string[] {
  return m
    .records(ZONE_ID)
    .filter((r) => r.Name === `${name}.` && r.Type === 'A')
    .flatMap((r) => (r.ResourceRecords ?? []).map((v) => v.Value ?? ''))
    .sort();
}

describe('registrar + simulated cluster + Route 53', () => {
  it.each(['shared', 'per-node'] as const)(
    'keeps the %s record equal to the healthy nodes, even while throttled',
    async (mode) => {
      model = new Route53Model({ zones: [{ id: ZONE_ID, name: 'r53.test' }], insyncAfterPolls: 1 });
      model.install();
      const m = model;
      const record = 'seed.r53.test';
      world = await startRegistrarWorld({
        ipBase: 120,
        record,
        config: { provider: { type: 'route53', hostedZoneId: ZONE_ID, zone: 'r53.test', mode, requestsPerSecond: 5 } },
      });
      const w = world;
      await waitFor(() => published(m, record).length === 3, { what: 'all nodes in Route 53', timeoutMs: 15_000 });
      expect(published(m, record)).toEqual([...w.ips].sort());
      expect(m.records(ZONE_ID).find((r) => r.Name === `_seedkeeper.${record}.`)?.ResourceRecords?.[0]?.Value).toBe(
        '"seedkeeper/v1 owner=e2e"',
      );
      if (mode === 'per-node') {
        const perNode = m.records(ZONE_ID).filter((r) => r.Name === `${record}.` && r.Type === 'A');
        expect(perNode).toHaveLength(3);
        for (const r of perNode) expect(r).toMatchObject({ MultiValueAnswer: true, SetIdentifier: expect.any(String) });
      }

      model.injectThrottling(3);
      await w.sim.nodes[2]!.stop();
      await waitFor(() => published(m, record).length === 2, {
        what: 'the stopped node to leave Route 53',
        timeoutMs: 15_000,
      });
      expect(published(m, record)).not.toContain(w.ips[2]);
      expect(m.calls.some((c) => c.error !== undefined)).toBe(true);
    },
  );
});
