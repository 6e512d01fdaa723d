/**
 * The one clock: what time it is, how to wait, and how to arm a timer. Product code takes a `Clock` (default
 * `systemClock`) instead of calling Date.now / setTimeout directly, so tests drive time with `ManualClock`
 * (src/time/manual-clock.ts) instead of sleeping.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (wall clock, as Date.now). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` once after `ms` unless cancelled. Unref'd: a pending timer never keeps the process alive. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: async (ms: number, signal?: AbortSignal): Promise<void> => {
    await sleepFor(Math.max(0, ms), undefined, signal ? { signal } : undefined);
  },
  setTimer: (ms: number, fn: () => void): TimerHandle => {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
});
