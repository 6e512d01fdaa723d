// `watch` against a simulated node and the embedded DNS server: the node leaves the record after being
// unavailable for X (not on a shorter blip), comes back after recovering, leaves early on a spot interruption
// notice (served by the fake IMDS) and stays out, and deregisters when stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import type { WatchSettings } from '../../src/agent/watch.js';
import type { AgentEvents } from '../../src/agent/events.js';
import { createImdsClient, type SpotInstanceAction } from '../../src/agent/imds.js';
import { createDnsTarget } from '../../src/agent/targets/dns.js';
import type { WatchOutcome } from '../../src/agent/watch.js';
import { createEmbeddedProvider } from '../../src/providers/embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../src/providers/embedded/server.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { waitFor } from '../helpers/wait.js';
import { startFakeImds, type FakeImds } from './fake-imds.js';

const RECORD = 'db.seed.test';
const OTHER = '198.51.100.1';
const ME = '192.0.2.10';

let dns: EmbeddedDnsServer;
let sim: SimCluster;
let imds: FakeImds | undefined;
let controller: AbortController;
let watching: Promise<WatchOutcome> | undefined;

beforeEach(async () => {
  // Another node is already published (with the marker), so removing ours never empties the record.
  dns = await startEmbeddedDnsServer({
    zone: 'seed.test',
    port: 0,
    records: [
      { name: RECORD, type: 'A', ttl: 30, values: [OTHER] },
      { name: `_seedkeeper.${RECORD}`, type: 'TXT', ttl: 30, values: ['seedkeeper/v1 owner=test'] },
    ],
  });
  sim = await startSimCluster({ nodes: 1, clusterName: 'sim' });
  controller = new AbortController();
});

afterEach(async () => {
  controller.abort();
  await watching?.catch(() => undefined);
  watching = undefined;
  await imds?.close();
  imds = undefined;
  await sim.stop();
  await dns.stop();
});

const published = (): string[] =>
  dns.store
    .read([RECORD])
    .find((s) => s.type === 'A')
    ?.values.slice() ?? [];

function startWatch(
  watch: Partial<WatchSettings>,
  spot?: (signal: AbortSignal) => Promise<SpotInstanceAction | undefined>,
) {
  const node = sim.nodes[0]!;
  const target = createDnsTarget({ provider: createEmbeddedProvider(dns), name: RECORD, ttl: 30, ownerId: 'test' });
  const agent = new Agent({
    target,
    identity: { id: node.id, address: ME, port: node.address.port },
    probeHost: node.address.host,
    clusterName: 'sim',
    wait: { timeoutMs: 5000, intervalMs: 50 },
    watch: {
      intervalMs: 50,
      unavailableAfterMs: 300,
      healthyAfter: 2,
      spotCheckMs: 0,
      shutdownTimeoutMs: 2000,
      ...watch,
    },
    ...(spot ? { spot } : {}),
  });
  const events: { name: keyof AgentEvents; payload: unknown; at: number }[] = [];
  for (const name of [
    'registered',
    'deregistered',
    'renewed',
    'down',
    'unavailable',
    'recovered',
    'spotNotice',
    'targetError',
    'stopping',
  ] as const) {
    agent.on(name, (payload: unknown) => events.push({ name, payload, at: performance.now() }));
  }
  watching = agent.watch(controller.signal);
  return { agent, events, node };
}

describe('agent watch', () => {
  it('removes the node after X unavailable, not on a shorter blip, and restores it after recovery', async () => {
    // X is 2 s so that a blip, however slowly a loaded machine restarts the node, stays far below it.
    const X = 2000;
    const { events, node } = startWatch({ unavailableAfterMs: X });
    await waitFor(() => published().includes(ME), { what: 'the node registered' });
    expect(events[0]).toMatchObject({ name: 'registered', payload: { reason: 'start' } });

    // A blip shorter than X keeps the node in the record: once it is over, wait past X (from the first
    // failure): had the blip counted as unavailable, the event would have come by then.
    await node.stop();
    await waitFor(() => events.some((e) => e.name === 'down'), { what: 'the first failed probe' });
    await node.start();
    await new Promise((r) => setTimeout(r, X + 500));
    expect(published()).toContain(ME);
    expect(events.some((e) => e.name === 'unavailable')).toBe(false);

    // Taken before stop() begins: under load stop() can take a while, and probes fail during it. The count
    // starts when the first failing probe started, at most one probe timeout (100 ms) before this.
    const stoppedAt = performance.now();
    await node.stop();
    await waitFor(() => !published().includes(ME), { what: 'the node to leave the record' });
    const left = events.find((e) => e.name === 'deregistered')!;
    expect(left.payload).toMatchObject({ reason: 'unavailable', member: { address: ME } });
    expect(left.at - stoppedAt).toBeGreaterThanOrEqual(X - 250); // never before X (order, not speed)
    expect(published()).toEqual([OTHER]);

    await node.start();
    await waitFor(() => published().includes(ME), { what: 'the node back in the record' });
    expect(events.filter((e) => e.name === 'registered').at(-1)?.payload).toMatchObject({ reason: 'recovered' });
    expect(events.some((e) => e.name === 'recovered')).toBe(true);

    controller.abort();
    const outcome = await watching!;
    expect(outcome.shutdown).toBe('deregistered');
    expect(published()).toEqual([OTHER]);
    expect(events.at(-1)).toMatchObject({ name: 'deregistered', payload: { reason: 'shutdown' } });
  });

  it('a spot interruption notice deregisters early, and the node stays out while healthy', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url });
    const { events } = startWatch({ spotCheckMs: 100, unavailableAfterMs: 60_000 }, (signal) =>
      client.spotInstanceAction({ signal }),
    );
    await waitFor(() => published().includes(ME), { what: 'the node registered' });
    await new Promise((r) => setTimeout(r, 250)); // a few polls without a notice (404)
    expect(published()).toContain(ME);

    imds.spot = { action: 'terminate', time: '2030-01-01T00:02:00Z' };
    const noticedAt = performance.now();
    await waitFor(() => !published().includes(ME), { what: 'early deregistration on the spot notice' });
    expect(performance.now() - noticedAt).toBeLessThan(2000);
    expect(events.find((e) => e.name === 'spotNotice')?.payload).toMatchObject({ notice: { action: 'terminate' } });
    expect(events.find((e) => e.name === 'deregistered')?.payload).toMatchObject({ reason: 'spot' });

    await new Promise((r) => setTimeout(r, 400)); // still healthy, still out
    expect(published()).toEqual([OTHER]);
    expect(events.filter((e) => e.name === 'registered')).toHaveLength(1);

    controller.abort();
    const outcome = await watching!;
    expect(outcome).toMatchObject({ shutdown: 'deregistered', spotNotice: { action: 'terminate' } });
    expect(imds.log.filter((e) => e.method === 'GET' && e.token === undefined)).toEqual([]);
  });

  it('renews its registration every renewMs, which also repairs a record edited behind its back', async () => {
    const { events } = startWatch({ renewMs: 150 });
    await waitFor(() => published().includes(ME), { what: 'the node registered' });
    await waitFor(() => events.some((e) => e.name === 'renewed'), { what: 'a renewal' });
    const current = dns.store.read([RECORD]).find((s) => s.type === 'A')!;
    dns.store.apply([
      { kind: 'update', before: current, after: { name: RECORD, type: 'A', ttl: 30, values: [OTHER] } },
    ]);
    expect(published()).toEqual([OTHER]);
    await waitFor(() => published().includes(ME), { what: 'the renewal to put the address back' });
    expect(events.filter((e) => e.name === 'registered')).toHaveLength(1);
  });

  it('retries a failing target with backoff and reports it', async () => {
    const { events, node } = startWatch({ unavailableAfterMs: 0 });
    await waitFor(() => published().includes(ME), { what: 'the node registered' });
    // Make our address the last one: deregistration is refused (fail open) and retried with backoff.
    dns.store.apply([
      {
        kind: 'update',
        before: dns.store.read([RECORD]).find((s) => s.type === 'A')!,
        after: { name: RECORD, type: 'A', ttl: 30, values: [ME] },
      },
    ]);
    await node.stop();
    await waitFor(() => events.filter((e) => e.name === 'targetError').length >= 2, {
      what: 'two failed deregistrations',
    });
    const [first, second] = events
      .filter((e) => e.name === 'targetError')
      .map((e) => e.payload as AgentEvents['targetError'][0]);
    expect(first).toMatchObject({ op: 'deregister', error: { code: 'ERR_LAST_ADDRESS' }, retryInMs: 50 });
    expect(second!.retryInMs).toBe(100);
    expect(published()).toEqual([ME]);

    controller.abort();
    expect((await watching!).shutdown).toBe('kept-last');
  });
});

describe('agent watch: the spot check does not get in the way', () => {
  it('a slow spot check never delays health probes: an unavailable node leaves the record on time', async () => {
    // A metadata service that takes 4 s per answer; the probe loop must not wait for it.
    let spotCalls = 0;
    const slowSpot = async (signal: AbortSignal): Promise<undefined> => {
      spotCalls++;
      await sleep(4000, undefined, { signal }).catch(() => undefined);
      return undefined;
    };
    const { events, node } = startWatch({ spotCheckMs: 100, unavailableAfterMs: 0 }, slowSpot);
    await waitFor(() => published().includes(ME), { what: 'the node registered' });
    await node.stop();
    const stoppedAt = performance.now();
    await waitFor(() => !published().includes(ME), { what: 'the node to leave the record', timeoutMs: 10_000 });
    // Inline, the probe would have waited for the spot check (4 s); independent, it is a few intervals.
    expect(performance.now() - stoppedAt).toBeLessThan(2500);
    expect(events.find((e) => e.name === 'deregistered')?.payload).toMatchObject({ reason: 'unavailable' });
    expect(spotCalls).toBeGreaterThanOrEqual(1);
  });

  it('a garbage spot notice from IMDS is reported and polling goes on; a real notice later still takes the node out', async () => {
    imds = await startFakeImds();
    const client = createImdsClient({ endpoint: imds.url });
    imds.spot = { action: 'x', time: 'yesterday' };
    const { agent, events } = startWatch({ spotCheckMs: 50, unavailableAfterMs: 60_000 }, (signal) =>
      client.spotInstanceAction({ signal }),
    );
    const imdsErrors: unknown[] = [];
    agent.on('imdsError', ({ error }) => imdsErrors.push(error));
    await waitFor(() => published().includes(ME), { what: 'the node registered' });
    await waitFor(() => imdsErrors.length >= 3, { what: 'three polls that found garbage' });
    expect(published()).toContain(ME);
    expect(events.some((e) => e.name === 'spotNotice' || e.name === 'deregistered')).toBe(false);
    expect(imdsErrors[0]).toMatchObject({ code: 'ERR_IMDS_BAD_RESPONSE' });

    imds.spot = { action: '', time: '' };
    const seen = imdsErrors.length;
    await waitFor(() => imdsErrors.length >= seen + 2, { what: 'polls that found empty strings' });
    expect(published()).toContain(ME);

    imds.spot = { action: 'terminate', time: '2030-01-01T00:02:00Z' };
    await waitFor(() => !published().includes(ME), { what: 'deregistration on the real notice' });
    expect(events.find((e) => e.name === 'deregistered')?.payload).toMatchObject({ reason: 'spot' });
  });

  it('a spot reader that returns garbage itself is not latched either', async () => {
    const garbage = { action: 'x', time: 'yesterday' } as unknown as SpotInstanceAction;
    let calls = 0;
    const { agent, events } = startWatch({ spotCheckMs: 50, unavailableAfterMs: 60_000 }, () => {
      calls++;
      return Promise.resolve(garbage);
    });
    const imdsErrors: unknown[] = [];
    agent.on('imdsError', ({ error }) => imdsErrors.push(error));
    await waitFor(() => calls >= 3 && imdsErrors.length >= 2, { what: 'several polls of garbage' });
    expect(published()).toContain(ME);
    expect(events.some((e) => e.name === 'spotNotice')).toBe(false);
    expect(String((imdsErrors[0] as Error).message)).toMatch(
      /malformed spot interruption notice: action "x" is not stop, terminate or hibernate/,
    );
  });
});
