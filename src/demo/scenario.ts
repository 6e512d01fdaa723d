/**
 * `seedkeeper demo --scenario`: a scripted failure story with an expectation at every step. Exits 0 only if
 * every expectation held. Bounds are generous multiples of the configured health timing: they check that
 * the system converges, while the benchmarks measure how fast.
 */
import type { Say } from './narrator.js';
import type { DemoWorld } from './world.js';
import { endpointKey } from '../net/endpoint.js';

export interface Expectation {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<{ ok: boolean; ms: number }> {
  const started = Date.now();
  for (let i = 0; i < 100_000 && Date.now() - started < timeoutMs; i++) {
    if (await check()) return { ok: true, ms: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ok: false, ms: Date.now() - started };
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

export async function runScenario(world: DemoWorld, say: Say): Promise<Expectation[]> {
  const results: Expectation[] = [];
  const { intervalMs, healthyAfter, unhealthyAfterMs, timeoutMs } = world.timing;
  const all = [...world.ips].sort();
  const victimIp = world.ips[world.ips.length - 1]!;
  const rest = all.filter((ip) => ip !== victimIp);
  const victim = world.sim.nodes[world.sim.nodes.length - 1]!;
  const expect = async (step: string, wanted: readonly string[], timeout: number): Promise<void> => {
    const r = await waitUntil(async () => same(await world.resolve(), wanted), timeout);
    const answer = await world.resolve();
    results.push({
      step,
      ok: r.ok,
      detail: r.ok
        ? `resolver answered ${answer.join(', ')} after ${r.ms} ms`
        : `resolver still answers ${answer.join(', ') || '(nothing)'} after ${r.ms} ms`,
    });
    say(`${r.ok ? 'PASS' : 'FAIL'}     ${step}: ${results.at(-1)!.detail}`);
  };
  const settle = 1000 + 2 * (intervalMs + timeoutMs);

  say(`scene 1  the registrar publishes every healthy node`);
  await expect('all nodes published', all, 10_000 + healthyAfter * intervalMs);

  say(`scene 2  node ${victim.id} (${victimIp}) dies`);
  await victim.stop();
  await expect('dead node removed', rest, unhealthyAfterMs + intervalMs + settle);

  say(`scene 3  node ${victim.id} comes back`);
  await victim.start();
  await expect('node restored', all, healthyAfter * intervalMs + settle + 2000);

  say('scene 4  the health checker loses its own network: every probe fails at once');
  world.probe.partition(true);
  const allUnhealthy = await waitUntil(
    () => Promise.resolve([...world.runtime.health.snapshot().values()].every((h) => h.state === 'unhealthy')),
    unhealthyAfterMs + intervalMs + settle,
  );
  await new Promise((resolve) => setTimeout(resolve, 3 * intervalMs));
  const kept = await world.resolve();
  const failOpen = (await world.runtime.metrics.failOpen.get()).values[0]?.value === 1;
  const ok4 = allUnhealthy.ok && same(kept, all) && failOpen;
  results.push({
    step: 'record kept when every probe fails (fail open)',
    ok: ok4,
    detail: `every endpoint unhealthy: ${allUnhealthy.ok}; resolver answers ${kept.join(', ')}; seedkeeper_fail_open=${failOpen ? 1 : 0}`,
  });
  say(`${ok4 ? 'PASS' : 'FAIL'}     ${results.at(-1)!.step}: ${results.at(-1)!.detail}`);
  // Endpoints recover one by one; the first ones back must not get the others removed.
  const shrunk: string[][] = [];
  const watch = (o: { plan: { published: { A: readonly string[] } } }): void => {
    if (o.plan.published.A.length < all.length) shrunk.push([...o.plan.published.A]);
  };
  world.runtime.registrar.on('reconciled', watch);
  world.probe.partition(false);
  const recovered = await waitUntil(
    () => Promise.resolve([...world.runtime.health.snapshot().values()].every((h) => h.state === 'healthy')),
    healthyAfter * intervalMs + settle + 2000,
  );
  world.runtime.registrar.off('reconciled', watch);
  const after = await world.resolve();
  const ok4b = recovered.ok && shrunk.length === 0 && same(after, all);
  results.push({
    step: 'network back: every node healthy again, record never shrank',
    ok: ok4b,
    detail: `healthy again after ${recovered.ms} ms; ${shrunk.length === 0 ? 'no reconcile published fewer addresses' : `published fewer: ${JSON.stringify(shrunk)}`}`,
  });
  say(`${ok4b ? 'PASS' : 'FAIL'}     ${results.at(-1)!.step}: ${results.at(-1)!.detail}`);

  say(`scene 5  ${victimIp} is recycled: node ${victim.id} goes away and a node of another cluster takes the address`);
  await victim.stop();
  await world.startStranger(victimIp);
  await expect('recycled address removed', rest, unhealthyAfterMs + intervalMs + settle + 2000);
  let leaked = false;
  await waitUntil(
    async () => {
      leaked ||= (await world.resolve()).includes(victimIp);
      return false;
    },
    Math.max(1500, (healthyAfter + 2) * intervalMs),
  );
  const reason = world.runtime.health.snapshot().get(endpointKey({ host: victimIp, port: world.port }))?.last;
  const ok5 = !leaked;
  results.push({
    step: "the other cluster's node is never published",
    ok: ok5,
    detail: `${victimIp} ${leaked ? 'APPEARED in' : 'stayed out of'} the record; last probe: ${reason && !reason.ok ? reason.reason : 'passed'}`,
  });
  say(`${ok5 ? 'PASS' : 'FAIL'}     ${results.at(-1)!.step}: ${results.at(-1)!.detail}`);
  return results;
}
