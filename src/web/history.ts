/**
 * Short memories the registrar does not keep: each endpoint's recent verdicts (sampled on a fixed cadence,
 * so a sparkline reads as time) and the recent reconciles (identical quiet runs folded into one entry).
 * Bounded: a fixed number of samples per endpoint, endpoints only while they exist, a fixed number of runs.
 */
import { describeError } from '../errors.js';
import type { EndpointHealth } from '../health/types.js';
import type { ReconcileView } from './registrar-view.js';
import type { ReconcileEntry, VerdictSample } from './schema.js';

export interface HistoryLimits {
  /** Verdict samples kept per endpoint. */
  readonly samples: number;
  /** Reconcile entries kept. */
  readonly reconciles: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = Object.freeze({ samples: 60, reconciles: 30 });

export function reconcileEntry(outcome: ReconcileView, at: number): ReconcileEntry {
  const { plan } = outcome;
  const result =
    outcome.error !== undefined ? 'error' : plan.refused ? 'refused' : outcome.applied ? 'changed' : 'unchanged';
  return {
    at,
    trigger: outcome.trigger,
    result,
    added: outcome.applied ? [...plan.added] : [],
    removed: outcome.applied ? [...plan.removed] : [],
    deferred: [...(plan.deferred ?? [])],
    notes: plan.notes.map((n) => ({ code: n.code, message: n.message })),
    error: outcome.error === undefined ? null : describeError(outcome.error),
    repeat: 1,
  };
}

/** Two entries say the same thing (only the time and the trigger differ). */
function sameStory(a: ReconcileEntry, b: ReconcileEntry): boolean {
  const text = (e: ReconcileEntry): string =>
    JSON.stringify([e.result, e.added, e.removed, e.deferred, e.notes, e.error]);
  return a.result !== 'changed' && text(a) === text(b);
}

export class StatusHistory {
  private readonly verdicts = new Map<string, VerdictSample[]>();
  private readonly runs: ReconcileEntry[] = [];
  private changedAt: number | undefined;
  private publishedNow: { readonly A: readonly string[]; readonly AAAA: readonly string[] } | undefined;

  constructor(private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS) {}

  /** Record every endpoint's verdict now; endpoints that are gone are forgotten. */
  sample(health: ReadonlyMap<string, EndpointHealth>, at: number): void {
    for (const key of [...this.verdicts.keys()]) if (!health.has(key)) this.verdicts.delete(key);
    for (const [key, h] of health) {
      let samples = this.verdicts.get(key);
      if (!samples) this.verdicts.set(key, (samples = []));
      samples.push({ at, verdict: h.state, failing: h.failingSince !== undefined });
      if (samples.length > this.limits.samples) samples.splice(0, samples.length - this.limits.samples);
    }
  }

  samples(key: string): readonly VerdictSample[] {
    return this.verdicts.get(key) ?? [];
  }

  addReconcile(outcome: ReconcileView, at: number): void {
    const entry = reconcileEntry(outcome, at);
    if (entry.result === 'changed') this.changedAt = at;
    // A failed or refused run's plan was never applied: the record is still what the last good run left.
    if (entry.result === 'changed' || entry.result === 'unchanged') this.publishedNow = outcome.plan.published;
    const previous = this.runs[0];
    if (previous && sameStory(previous, entry)) {
      this.runs[0] = { ...entry, repeat: previous.repeat + 1 };
      return;
    }
    this.runs.unshift(entry);
    if (this.runs.length > this.limits.reconciles) this.runs.length = this.limits.reconciles;
  }

  /** Newest first. */
  reconciles(): readonly ReconcileEntry[] {
    return [...this.runs];
  }

  /** The record as the last successful reconcile left it (undefined: none yet). */
  get published(): { readonly A: readonly string[]; readonly AAAA: readonly string[] } | undefined {
    return this.publishedNow;
  }

  /** When this process last changed the record (undefined: not since start). */
  get lastChangedAt(): number | undefined {
    return this.changedAt;
  }
}
