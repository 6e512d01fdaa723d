/**
 * Launch events that arrive while the instance is still Pending (AWS's sample Launch Successful event says
 * `StatusCode: InProgress`): the handler reconciles again shortly, a bounded number of times.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LAUNCH_RETRY_DELAYS_MS } from '../../../src/aws/lambda/launch-wait.js';
import { loadEvent } from './helpers.js';
import { GROUP, I1, I2, I3, ips, LambdaWorld } from './world.js';

let world: LambdaWorld;
afterEach(() => world.restore());

function pendingUntil(ms: number): void {
  const start = world.clock;
  world.asg.add({ id: I3, group: GROUP, privateIp: '10.0.1.13', lifecycleState: 'Pending' });
  const instance = world.asg.instances.get(I3)!;
  Object.defineProperty(instance, 'lifecycleState', {
    get: () => (world.clock - start >= ms ? 'InService' : 'Pending'),
    configurable: true,
  });
}

describe('Lambda: launch events while the instance is Pending', () => {
  it('reconciles again shortly and publishes the instance once it is InService', async () => {
    world = new LambdaWorld();
    world.run(I1, I2);
    await world.invoke(loadEvent('scheduled'));
    pendingUntil(15_000);
    const result = await world.invoke(loadEvent('launch-successful'));
    expect(world.published()).toEqual(ips(I1, I2, I3));
    expect(result.added).toEqual([ips(I3)[0]]);
    expect(world.sleeps.filter((ms) => ms >= 10_000)).toEqual([10_000, 20_000]);
  });

  it('gives up after the bounded schedule, leaving it to the next event or the periodic reconcile', async () => {
    world = new LambdaWorld();
    world.run(I1, I2);
    pendingUntil(10 * 60_000);
    await world.invoke(loadEvent('launch-successful'));
    expect(world.published()).toEqual(ips(I1, I2));
    expect(world.sleeps.filter((ms) => ms >= 10_000)).toEqual([...LAUNCH_RETRY_DELAYS_MS]);
  });

  it('does not wait when the instance is already published, or for a late event of an instance that is gone', async () => {
    world = new LambdaWorld();
    world.run(I1, I2, I3);
    await world.invoke(loadEvent('launch-successful'));
    world.asg.instances.delete(I3);
    await world.invoke(loadEvent('launch-successful'));
    expect(world.sleeps.filter((ms) => ms >= 10_000)).toEqual([]);
  });

  it('stops before the Lambda deadline', async () => {
    world = new LambdaWorld({ lambdaBudgetMs: 20_000 });
    world.run(I1, I2);
    pendingUntil(10 * 60_000);
    await world.invoke(loadEvent('launch-successful'));
    expect(world.sleeps.filter((ms) => ms >= 10_000)).toEqual([]);
  });
});
