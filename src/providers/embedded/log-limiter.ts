/**
 * Log lines a hostile peer can trigger (refused connections, timeouts, socket errors) go through here: per
 * kind, the first is logged, the next ones within `intervalMs` are only counted, and the following line says
 * how many were left out. Kinds are a fixed set chosen by the code, never a peer's address, so memory stays
 * bounded however many peers there are.
 */
type LogFn = (obj: Record<string, unknown>, msg: string) => void;

export class LogLimiter {
  readonly #log: LogFn;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #last = new Map<string, number>();
  readonly #suppressed = new Map<string, number>();

  constructor(log: LogFn, intervalMs: number, now: () => number = Date.now) {
    this.#log = log;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Logs `msg` unless a line of this `kind` was logged less than the interval ago; returns whether it logged. */
  note(kind: string, fields: Record<string, unknown>, msg: string): boolean {
    const now = this.#now();
    const last = this.#last.get(kind);
    if (last !== undefined && now - last < this.#intervalMs) {
      this.#suppressed.set(kind, (this.#suppressed.get(kind) ?? 0) + 1);
      return false;
    }
    this.#last.set(kind, now);
    const suppressed = this.#suppressed.get(kind) ?? 0;
    this.#suppressed.delete(kind);
    this.#log(
      { ...fields, ...(suppressed > 0 ? { suppressed } : {}) },
      suppressed > 0 ? `${msg} (and ${suppressed} more since the last such line)` : msg,
    );
    return true;
  }
}
