/**
 * Writers racing on the shared record lose nothing: each reads, adds its own address, and applies with the
 * set it read as the precondition (src/providers/cas.ts); Route 53 refuses the stale ones, which re-read.
 */
import { describe, expect, it } from 'vitest';
import { addAddress, removeAddress } from '../../../src/providers/cas.js';
import { NAME, a, addresses, plain, useWorld } from './helpers.js';

const world = useWorld();

const refused = () =>
  world.model.callsOf('ChangeResourceRecordSets').filter((c) => c.error === 'InvalidChangeBatch').length;

describe('route53 shared: concurrent writers', () => {
  it('two writers adding their own address at once both end up in the record', async () => {
    await world.provider().apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    const [one, two] = [world.provider(), world.provider()];
    const results = await Promise.all([addAddress(one, NAME, '10.0.0.2', 30), addAddress(two, NAME, '10.0.0.3', 30)]);
    expect(plain(await one.read([NAME]))).toEqual([a(['10.0.0.1', '10.0.0.2', '10.0.0.3'])]);
    // They really raced: one compare-and-swap lost and was retried.
    expect(refused()).toBeGreaterThanOrEqual(1);
    expect(Math.max(...results.map((r) => r.attempts))).toBeGreaterThanOrEqual(2);
  });

  it('two writers creating the record at once: the loser re-reads and adds to it', async () => {
    const [one, two] = [world.provider(), world.provider()];
    await Promise.all([addAddress(one, NAME, '10.0.0.7', 30), addAddress(two, NAME, '10.0.0.8', 30)]);
    expect(plain(await one.read([NAME]))).toEqual([a(['10.0.0.7', '10.0.0.8'])]);
    expect(world.model.callsOf('ChangeResourceRecordSets').some((c) => c.error === 'InvalidChangeBatch')).toBe(true);
  });

  it('eight adders and two removers at once: the record ends exactly right', async () => {
    const initial = addresses(4, 4, 100);
    await world.provider().apply([{ kind: 'create', set: a(initial) }]);
    const adds = addresses(8);
    const writers = [
      ...adds.map((ip) =>
        addAddress(world.provider(), NAME, ip, 30, { maxAttempts: 30, baseDelayMs: 1, maxDelayMs: 5 }),
      ),
      ...initial
        .slice(0, 2)
        .map((ip) => removeAddress(world.provider(), NAME, ip, { maxAttempts: 30, baseDelayMs: 1, maxDelayMs: 5 })),
    ];
    await Promise.all(writers);
    const [record] = await world.provider().read([NAME]);
    expect(record?.values).toEqual([...adds, ...initial.slice(2)].sort());
    expect(refused()).toBeGreaterThanOrEqual(1);
  });
});
