/**
 * Two registrar replicas (built from real configs) against one real BIND 9 primary: exactly one leads and
 * writes, the follower health-checks and writes nothing, /healthz and the metrics say which is which, and
 * when the leader shuts down cleanly it releases the lease and the follower takes over at once and keeps the
 * record true.
 */
import { afterEach, expect, it } from 'vitest';
import type { LeadershipChange } from '../../src/registrar/leadership.js';
import { startBind, type BindServer } from '../harness/bind.js';
import { describeIfTool } from '../harness/require-tool.js';
import { waitFor } from '../helpers/wait.js';
import { startRegistrarWorld, type RegistrarWorld } from './world.js';

let bind: BindServer | undefined;
const worlds: RegistrarWorld[] = [];

afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
  await bind?.stop();
  bind = undefined;
});

async function get(w: RegistrarWorld, path: string): Promise<{ status: number; body: string }> {
  const http = w.runtime.http!;
  const res = await fetch(`http://${http.host}:${http.port}${path}`);
  return { status: res.status, body: await res.text() };
}

const metric = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

describeIfTool(['named', 'dig'])('registrar replicas + BIND 9', () => {
  it('one leader writes, the follower stands by, and takes over at once when the leader shuts down', async () => {
    bind = await startBind({ zone: 'seed.test' });
    const record = `db.${bind.zone}`;
    const provider = {
      type: 'rfc2136',
      server: `127.0.0.1:${bind.port}`,
      zone: bind.zone,
      key: { file: bind.keyFile },
    };
    const replicas = (id: string): Record<string, unknown> => ({
      enabled: true,
      id,
      leaseMs: 2000,
      renewMs: 500,
      skewMs: 200,
    });
    const a = await startRegistrarWorld({
      ipBase: 130,
      record,
      resolverServer: `127.0.0.1:${bind.port}`,
      config: { provider, replicas: replicas('replica-a') },
    });
    worlds.push(a);
    await waitFor(() => a.runtime.leadership?.isLeader(), { what: 'replica A to lead' });
    const events: LeadershipChange[] = [];
    // Replica B health-checks A's nodes (its own simulated node is not in its sources).
    const b = await startRegistrarWorld({
      ipBase: 140,
      nodes: 1,
      record,
      resolverServer: `127.0.0.1:${bind.port}`,
      config: { provider, replicas: replicas('replica-b') },
      sources: () => [{ type: 'static', addresses: a.ips, port: a.port }],
      before: (runtime) => Promise.resolve(void runtime.leadership?.on('change', (c) => events.push(c))),
    });
    worlds.push(b);
    await waitFor(async () => (await a.resolve()).length === 3, { what: 'all nodes published at BIND' });
    await waitFor(() => b.runtime.leadership?.status().holder === 'replica-a', { what: 'B to see A as the holder' });
    await waitFor(() => [...b.runtime.health.snapshot().values()].filter((h) => h.state === 'healthy').length === 3, {
      what: 'B to health-check the nodes',
    });

    // Who is who: /healthz (200 for both) and the metrics.
    expect(await get(a, '/healthz')).toMatchObject({
      status: 200,
      body: expect.stringMatching(/^ok leader replica=replica-a term=1 lease-age=/),
    });
    expect(await get(b, '/healthz')).toMatchObject({
      status: 200,
      body: expect.stringMatching(/^ok follower replica=replica-b leader=replica-a term=1 /),
    });
    const metricsA = (await get(a, '/metrics')).body;
    const metricsB = (await get(b, '/metrics')).body;
    expect(metric(metricsA, 'seedkeeper_lease_held')).toBe(1);
    expect(metric(metricsB, 'seedkeeper_lease_held')).toBe(0);
    expect(metric(metricsB, 'seedkeeper_lease_term')).toBe(1);
    expect(metric(metricsA, 'seedkeeper_record_changes_total')).toBeGreaterThan(0);
    // The follower planned and wrote nothing.
    expect(metric(metricsB, 'seedkeeper_record_changes_total')).toBe(0);

    // A shuts down cleanly: it releases the lease; B takes over within one renew interval (+ I/O) and writes.
    const stoppedAt = Date.now();
    worlds.splice(worlds.indexOf(a), 1);
    await a.runtime.close();
    await waitFor(() => b.runtime.leadership?.isLeader(), { what: 'B to take over', intervalMs: 5 });
    expect(Date.now() - stoppedAt).toBeLessThan(500 + 1000);
    expect(events).toEqual([
      expect.objectContaining({ replica: 'replica-b', from: 'follower', to: 'leader', term: 2, reason: 'acquired' }),
    ]);
    expect(
      b.logs.some((l) => l.event === 'leadership' && /replica-b is now the leader \(term 2\)/.test(String(l.msg))),
    ).toBe(true);
    expect(a.logs.some((l) => /released the lease/.test(String(l.msg)))).toBe(true);

    await a.sim.nodes[0]!.stop();
    await waitFor(async () => (await b.resolve()).length === 2, { what: 'the new leader to drop the stopped node' });
    expect(await b.resolve()).not.toContain(a.ips[0]);
    await a.sim.stop();
  });
});
