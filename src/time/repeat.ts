/**
 * setInterval on the one clock: `fn` every `ms` until cancelled. Each run re-arms before calling `fn`, so the
 * period holds whatever `fn` does; like the clock's timers, a pending run never keeps the process alive.
 */
import type { Clock, TimerHandle } from './clock.js';

export function repeatEvery(clock: Clock, ms: number, fn: () => void): TimerHandle {
  let cancelled = false;
  let current: TimerHandle;
  const arm = (): void => {
    current = clock.setTimer(ms, () => {
      if (cancelled) return;
      arm();
      fn();
    });
  };
  arm();
  return {
    cancel: () => {
      cancelled = true;
      current.cancel();
    },
  };
}
