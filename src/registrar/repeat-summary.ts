/**
 * Log the first of a run of identical errors, then at most one summary line per period ("same error N more
 * times") instead of one line each; a different error or a success closes the run with its last count.
 * Pure decisions: the caller gives `now` and writes the lines. (The embedded server's LogLimiter rate-limits
 * lines per kind; this follows one run of identical errors, which a success or another error ends.)
 */

export const DEFAULT_SUMMARY_PERIOD_MS = 60_000;

export type RepeatDecision =
  /** A new error: log it in full (after the summary of the previous run, if any). */
  | { readonly kind: 'log'; readonly closed?: RepeatRun }
  /** The same error, and the period is over: log one summary line. */
  | { readonly kind: 'summary'; readonly run: RepeatRun }
  /** The same error within the period: log nothing. */
  | { readonly kind: 'quiet' };

/** Repeats of one error not yet logged. */
export interface RepeatRun {
  readonly key: string;
  readonly repeats: number;
  /** Since when they were counted (the last line logged about this error). */
  readonly sinceMs: number;
}

export class RepeatSummary {
  private key: string | undefined;
  private repeats = 0;
  private lastLineAt = 0;
  private readonly periodMs: number;

  constructor(periodMs: number = DEFAULT_SUMMARY_PERIOD_MS) {
    this.periodMs = periodMs;
  }

  /** An error identified by `key` happened at `now`. */
  occurred(key: string, now: number): RepeatDecision {
    if (key !== this.key) {
      const closed = this.close();
      this.key = key;
      this.lastLineAt = now;
      return closed ? { kind: 'log', closed } : { kind: 'log' };
    }
    this.repeats++;
    if (now - this.lastLineAt < this.periodMs) return { kind: 'quiet' };
    const run = { key, repeats: this.repeats, sinceMs: this.lastLineAt };
    this.repeats = 0;
    this.lastLineAt = now;
    return { kind: 'summary', run };
  }

  /** A success: returns the repeats of the run it ends that were never logged, if any. */
  resolved(): RepeatRun | undefined {
    const closed = this.close();
    this.key = undefined;
    return closed;
  }

  private close(): RepeatRun | undefined {
    const run =
      this.key !== undefined && this.repeats > 0
        ? { key: this.key, repeats: this.repeats, sinceMs: this.lastLineAt }
        : undefined;
    this.repeats = 0;
    return run;
  }
}
