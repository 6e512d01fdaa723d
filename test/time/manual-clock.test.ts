import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/time/manual-clock.js';

describe('ManualClock', () => {
  it('fires timers in time order only when advanced', async () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push('b'));
    clock.setTimer(100, () => fired.push('a'));
    const cancelled = clock.setTimer(200, () => fired.push('never'));
    cancelled.cancel();
    await clock.advance(99);
    expect(fired).toEqual([]);
    await clock.advance(250);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(1349);
  });

  it('resumes sleepers, including loops that sleep again', async () => {
    const clock = new ManualClock();
    const woke: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        woke.push(clock.now());
      }
    })();
    await clock.advance(1000);
    await loop;
    expect(woke).toEqual([100, 200, 300]);
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const sleeping = clock.sleep(100, ac.signal);
    ac.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });
});
