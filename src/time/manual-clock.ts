/**
 * A clock that moves only when told: `advance(ms)` fires due timers and sleeps in time order. For tests and
 * simulations (the chaos and spec runners); lives next to the real clock so both share one interface.
 */
import type { Clock, TimerHandle } from './clock.js';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly fire: () => void;
}

export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const entry: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fire: fn };
    this.#pending.push(entry);
    return { cancel: () => void (this.#pending = this.#pending.filter((p) => p !== entry)) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const onAbort = (): void => {
        timer.cancel();
        reject(abortError(signal!));
      };
      const timer = this.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#pending.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way in (time, arming) order; awaits a microtask
   * turn after each so code resumed by a sleep can arm its next timer before time moves on.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + Math.max(0, ms);
    for (let fired = 0; fired < 1_000_000; fired++) {
      const next = this.#pending.reduce<Pending | undefined>(
        (a, p) => (!a || p.at < a.at || (p.at === a.at && p.seq < a.seq) ? p : a),
        undefined,
      );
      if (!next || next.at > target) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fire();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}

/** A few macrotask-free turns so promise chains started by a fired timer run to their next await. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
