/**
 * The Lambda never asks Route 53 for more than it holds: past 100 instances in per-node mode (100 records per
 * name and type) or 400 in shared mode, and past SEEDKEEPER_MAX_RECORD_SIZE, it publishes a stable subset
 * with a `size-capped` note instead of failing every invocation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadEvent } from './helpers.js';
import { LambdaWorld, RECORD, ZONE_ID } from './world.js';

let world: LambdaWorld;
afterEach(() => world.restore());

const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(17, '0')}`);
const memberRecords = () => world.route53.records(ZONE_ID).filter((r) => r.Name === `${RECORD}.` && r.Type === 'A');
const capped = () => world.logs.filter((l) => l.note === 'size-capped');

describe('Lambda: record limits', () => {
  it('per-node with 105 instances publishes 100 (Route 53 quota), keeps them across reconciles, and says so', async () => {
    world = new LambdaWorld({ env: { SEEDKEEPER_MODE: 'per-node' } });
    world.run(...ids(105));
    const first = await world.invoke(loadEvent('scheduled'));
    expect(first.applied).toBe(true);
    expect(memberRecords()).toHaveLength(100);
    expect(capped()).toHaveLength(1);
    const published = world.published();
    const again = await world.invoke(loadEvent('scheduled'));
    expect(again.applied).toBe(false);
    expect(world.published()).toEqual(published);
  });

  it('honours SEEDKEEPER_MAX_RECORD_SIZE below the provider limit', async () => {
    world = new LambdaWorld({ env: { SEEDKEEPER_MAX_RECORD_SIZE: '3' } });
    world.run(...ids(6));
    await world.invoke(loadEvent('scheduled'));
    expect(world.published()).toHaveLength(3);
    expect(capped()).toHaveLength(1);
  });
});
