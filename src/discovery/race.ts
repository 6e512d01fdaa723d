/**
 * Race connection attempts: start them together (bounded, optionally staggered), take the first acceptable
 * result, cancel the rest. A silent address then costs nothing: it is simply still pending when another
 * address answers. Results that arrive after the race is decided are handed to `dispose`.
 */

export type AttemptStatus = 'won' | 'fallback' | 'lost' | 'failed' | 'cancelled' | 'not-started';

export interface AttemptRecord<C> {
  readonly candidate: C;
  readonly status: AttemptStatus;
  readonly error?: unknown;
  /** Milliseconds from the race start to this attempt's end (or to cancellation). */
  readonly elapsedMs: number;
}

export interface RaceOptions<T> {
  /** Attempts in flight at once. Default 32. */
  readonly maxParallel?: number;
  /** Delay between consecutive starts; 0 starts a whole batch at once. Default 0. */
  readonly staggerMs?: number;
  /**
   * Classify a success: 'win' ends the race, 'fallback' is kept in case nothing better arrives within
   * `fallbackGraceMs` (used for nodes that report no peers). Default: every success wins.
   */
  readonly classify?: (value: T) => 'win' | 'fallback';
  /** How long a fallback waits for a better result. Default 100 ms. */
  readonly fallbackGraceMs?: number;
  /** Release a success that did not win (close its connection). */
  readonly dispose?: (value: T) => void;
  readonly signal?: AbortSignal;
}

export interface RaceResult<C, T> {
  readonly winner: { readonly candidate: C; readonly value: T } | undefined;
  readonly attempts: readonly AttemptRecord<C>[];
}

export function race<C, T>(
  candidates: readonly C[],
  attempt: (candidate: C, signal: AbortSignal) => Promise<T>,
  options: RaceOptions<T> = {},
): Promise<RaceResult<C, T>> {
  const maxParallel = Math.max(1, options.maxParallel ?? 32);
  const staggerMs = Math.max(0, options.staggerMs ?? 0);
  const graceMs = options.fallbackGraceMs ?? 100;
  const classify = options.classify ?? ((): 'win' => 'win');
  const dispose = options.dispose ?? ((): void => undefined);
  const started = performance.now();
  const records = new Array<AttemptRecord<C> | undefined>(candidates.length);
  const controllers = new Map<number, AbortController>();

  return new Promise((resolve) => {
    let next = 0;
    let done = false;
    let fallback: { index: number; value: T } | undefined;
    let staggerTimer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;

    const elapsed = (): number => performance.now() - started;

    const finish = (winner: { index: number; value: T } | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(staggerTimer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const [index, controller] of controllers) {
        records[index] = { candidate: candidates[index]!, status: 'cancelled', elapsedMs: elapsed() };
        controller.abort();
      }
      controllers.clear();
      if (fallback && fallback !== winner) {
        records[fallback.index] = { ...records[fallback.index]!, status: 'lost' };
        dispose(fallback.value);
      }
      if (winner)
        records[winner.index] = { ...records[winner.index]!, status: winner === fallback ? 'fallback' : 'won' };
      const attempts = candidates.map(
        (candidate, i) => records[i] ?? { candidate, status: 'not-started' as const, elapsedMs: elapsed() },
      );
      resolve({ winner: winner && { candidate: candidates[winner.index]!, value: winner.value }, attempts });
    };

    const settleIfIdle = (): void => {
      if (!done && controllers.size === 0 && next >= candidates.length) finish(fallback);
    };

    const launch = (index: number): void => {
      const controller = new AbortController();
      controllers.set(index, controller);
      attempt(candidates[index]!, controller.signal).then(
        (value) => {
          if (done || controller.signal.aborted) {
            dispose(value);
            return;
          }
          controllers.delete(index);
          records[index] = { candidate: candidates[index]!, status: 'lost', elapsedMs: elapsed() };
          if (classify(value) === 'win') {
            finish({ index, value });
            return;
          }
          if (!fallback) {
            fallback = { index, value };
            graceTimer = setTimeout(() => finish(fallback), graceMs);
          } else {
            dispose(value);
          }
          pump();
          settleIfIdle();
        },
        (error: unknown) => {
          if (done || controller.signal.aborted) return;
          controllers.delete(index);
          records[index] = { candidate: candidates[index]!, status: 'failed', error, elapsedMs: elapsed() };
          pump();
          settleIfIdle();
        },
      );
    };

    // Start as many attempts as the parallelism and stagger allow; re-armed when a slot frees.
    const pump = (): void => {
      if (done || staggerTimer) return;
      while (next < candidates.length && controllers.size < maxParallel) {
        launch(next++);
        if (staggerMs > 0 && next < candidates.length) {
          staggerTimer = setTimeout(() => {
            staggerTimer = undefined;
            pump();
          }, staggerMs);
          return;
        }
      }
    };

    const onAbort = (): void => finish(undefined);
    if (options.signal?.aborted) {
      finish(undefined);
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    pump();
    settleIfIdle();
  });
}
