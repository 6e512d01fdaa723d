/**
 * A Clock over time the test owns: a sleep (or timer) moves that time forward at once instead of waiting, so
 * code that paces itself runs at full speed while its arithmetic on time stays exact.
 */
import type { Clock } from '../../src/time/clock.js';

export function jumpingClock(read: () => number, jump: (ms: number) => void): Clock {
  return {
    now: read,
    sleep: (ms, signal) => {
      signal?.throwIfAborted();
      jump(Math.max(0, ms));
      return Promise.resolve();
    },
    setTimer: (ms, fn) => {
      let live = true;
      void Promise.resolve().then(() => {
        if (!live) return;
        jump(Math.max(0, ms));
        fn();
      });
      return { cancel: () => void (live = false) };
    },
  };
}
