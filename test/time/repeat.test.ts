import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/time/manual-clock.js';
import { repeatEvery } from '../../src/time/repeat.js';

describe('repeatEvery', () => {
  it('runs every period until cancelled, leaving no timer behind', async () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    const handle = repeatEvery(clock, 100, () => at.push(clock.now()));
    await clock.advance(350);
    expect(at).toEqual([100, 200, 300]);
    handle.cancel();
    await clock.advance(1000);
    expect(at).toHaveLength(3);
    expect(clock.pendingTimers).toBe(0);
  });
});
