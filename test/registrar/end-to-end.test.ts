/**
 * The registrar end to end: simulated nodes, real health probes, the plan, and seedkeeper's DNS server
 * queried by a real resolver (Node's c-ares, and dig).
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReconcileOutcome } from '../../src/registrar/registrar.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { describeIfTool } from '../harness/require-tool.js';
import { waitFor } from '../helpers/wait.js';
import { RECORD, startRegistrarWorld, type RegistrarWorld } from './world.js';

let world: RegistrarWorld | undefined;
let stranger: SimCluster | undefined;

afterEach(async () => {
  await stranger?.stop();
  await world?.close();
  world = stranger = undefined;
});

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function dig(server: { host: string; port: number }, name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'dig',
      [`@${server.host}`, '-p', String(server.port), '+short', '+tries=1', '+time=2', name, 'A'],
      { timeout: 10_000 },
      (error, stdout) => {
        if (error) reject(new Error(`dig failed: ${error.message}`));
        else resolve(stdout.split('\n').filter(Boolean).sort());
      },
    );
  });
}

describe('registrar with the embedded DNS server', () => {
  it('publishes healthy nodes, removes a stopped node after it fails for X, and restores it', async () => {
    world = await startRegistrarWorld();
    const w = world;
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'all nodes published' });
    expect(await w.resolve()).toEqual(sorted(w.ips));

    const victim = w.sim.nodes[2]!;
    await victim.stop();
    await waitFor(async () => (await w.resolve()).length === 2, { what: 'the stopped node to leave the record' });
    expect(await w.resolve()).toEqual(sorted(w.ips.slice(0, 2)));
    expect(w.runtime.health.snapshot().get(`${w.ips[2]}:${w.port}`)?.state).toBe('unhealthy');

    await victim.start();
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'the node to come back' });
    const marker = await w.runtime.provider.read([`_seedkeeper.${RECORD}`]);
    expect(marker[0]?.values[0]).toMatch(/^seedkeeper\/v1 owner=e2e/);
  });

  it('keeps the record when every probe fails at once (fail open), and says so in logs and metrics', async () => {
    world = await startRegistrarWorld();
    const w = world;
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'all nodes published' });
    w.probe.partition(true);
    await waitFor(() => [...w.runtime.health.snapshot().values()].every((h) => h.state === 'unhealthy'), {
      what: 'every endpoint unhealthy',
    });
    await w.runtime.registrar.reconcile('test');
    expect(await w.resolve()).toEqual(sorted(w.ips));
    const http = w.runtime.http!;
    const metrics = await (await fetch(`http://${http.host}:${http.port}/metrics`)).text();
    expect(metrics).toMatch(/^seedkeeper_fail_open 1$/m);
    expect(w.logs.some((l) => l.level === 40 && /fail|healthy/i.test(String(l.msg)))).toBe(true);
    // Recovery: endpoints come back one by one; the first ones back must not get the others removed.
    const seen: string[][] = [];
    w.runtime.registrar.on('reconciled', (o) => seen.push([...o.plan.published.A]));
    w.probe.partition(false);
    await waitFor(() => [...w.runtime.health.snapshot().values()].every((h) => h.state === 'healthy'), {
      what: 'every endpoint healthy again',
    });
    await waitFor(
      async () =>
        /^seedkeeper_fail_open 0$/m.test(await (await fetch(`http://${http.host}:${http.port}/metrics`)).text()),
      { what: 'fail-open cleared' },
    );
    expect(await w.resolve()).toEqual(sorted(w.ips));
    for (const published of seen) expect(published).toHaveLength(3);
  });

  it('never publishes an address held by a node of another cluster', async () => {
    world = await startRegistrarWorld();
    const w = world;
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'all nodes published' });
    const recycled = w.ips[1]!;
    await w.sim.nodes[1]!.stop();
    stranger = await startSimCluster({
      nodes: 1,
      clusterName: 'other',
      nodeOptions: [{ listen: [{ host: recycled, port: w.port }] }],
    });
    await waitFor(async () => !(await w.resolve()).includes(recycled), { what: 'the recycled address to leave' });
    // Give health several intervals in which the stranger answers every probe; it must stay out.
    const seen = new Set<string>();
    for (let i = 0; i < 15; i++) {
      for (const ip of await w.resolve()) seen.add(ip);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.has(recycled)).toBe(false);
    const last = w.runtime.health.snapshot().get(`${recycled}:${w.port}`)?.last;
    expect(last?.ok).toBe(false);
    expect(last && !last.ok && last.reason).toMatch(/cluster/);
  });

  it('respects the removal cap: never more than maxRemovalsPerCycle addresses removed by one reconcile', async () => {
    // A long debounce makes one reconcile see all three failures together, so the cap has work to do; the
    // deferred removals wait for the next cycles (the cap limits removals per cycle, not per batch).
    world = await startRegistrarWorld({
      nodes: 5,
      ipBase: 50,
      config: { plan: { maxRemovalsPerCycle: 1 }, registrar: { intervalMs: 1000, debounceMs: 1500 } },
    });
    const w = world;
    await waitFor(async () => (await w.resolve()).length === 5, { what: 'all nodes published' });
    const outcomes: ReconcileOutcome[] = [];
    w.runtime.registrar.on('reconciled', (o) => outcomes.push(o));
    await Promise.all([w.sim.nodes[2]!.stop(), w.sim.nodes[3]!.stop(), w.sim.nodes[4]!.stop()]);
    await waitFor(async () => (await w.resolve()).length === 2, {
      what: 'three removals, one per reconcile',
      timeoutMs: 20_000,
    });
    const removing = outcomes.filter((o) => o.applied && o.plan.removed.length > 0);
    expect(removing.length).toBeGreaterThanOrEqual(3);
    for (const o of removing) expect(o.plan.removed.length).toBeLessThanOrEqual(1);
    expect(outcomes.some((o) => o.plan.notes.some((n) => n.code === 'removals-capped'))).toBe(true);
  });

  it('leaves a record it does not own untouched, with a clear error', async () => {
    world = await startRegistrarWorld({
      start: false,
      before: async (runtime) => {
        await runtime.provider.apply([
          { kind: 'create', set: { name: RECORD, type: 'A', ttl: 60, values: ['192.0.2.10'] } },
        ]);
      },
    });
    const w = world;
    const refused = new Promise<ReconcileOutcome>((resolve) =>
      w.runtime.registrar.on('reconciled', (o) => o.plan.refused && resolve(o)),
    );
    await w.runtime.registrar.start();
    const outcome = await refused;
    expect(outcome.plan.notes.find((n) => n.code === 'not-owned')?.message).toContain(RECORD);
    await waitFor(() => [...w.runtime.health.snapshot().values()].filter((h) => h.state === 'healthy').length === 3, {
      what: 'nodes healthy',
    });
    await w.runtime.registrar.reconcile('test');
    expect(await w.resolve()).toEqual(['192.0.2.10']);
    expect(w.logs.some((l) => l.level === 50 && String(l.msg).includes(RECORD))).toBe(true);
    const http = w.runtime.http!;
    expect(await (await fetch(`http://${http.host}:${http.port}/metrics`)).text()).toMatch(
      /^seedkeeper_record_not_owned 1$/m,
    );
  });
});

describeIfTool(['dig'])('the record as dig sees it', () => {
  it('answers the published set with the authoritative flag', async () => {
    world = await startRegistrarWorld({ ipBase: 60 });
    const w = world;
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'all nodes published' });
    expect(await dig(w.runtime.dns!, RECORD)).toEqual(sorted(w.ips));
    await w.sim.nodes[0]!.stop();
    await waitFor(async () => (await dig(w.runtime.dns!, RECORD)).length === 2, { what: 'dig to see the removal' });
  });
});

describe('registrar with the cluster source', () => {
  it('publishes the members discovery finds through one seed, and drops a stopped member', async () => {
    world = await startRegistrarWorld({
      ipBase: 80,
      sources: (ips, port) => [
        { type: 'cluster', seeds: [`${ips[0]}:${port}`], clusterName: 'e2e', tendIntervalMs: 100 },
      ],
    });
    const w = world;
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'the discovered members published' });
    expect(await w.resolve()).toEqual(sorted(w.ips));
    await w.sim.nodes[1]!.stop();
    await waitFor(async () => (await w.resolve()).length === 2, { what: 'the stopped member to leave' });
    expect(await w.resolve()).not.toContain(w.ips[1]);
  });
});
