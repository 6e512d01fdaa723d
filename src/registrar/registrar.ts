/**
 * The controller: sources -> health -> plan -> provider, on an interval and (debounced) on every health or
 * membership change. One reconcile is idempotent and holds no DNS state between runs: it reads the
 * provider, plans, and applies with compare-and-swap, so several replicas can run at once.
 */
import { EventEmitter } from 'node:events';
import { describeError, SeedkeeperError } from '../errors.js';
import { calculatePlan } from '../plan/calculate.js';
import type { Plan } from '../plan/types.js';
import { ConflictError } from '../providers/types.js';
import { Backoff, type BackoffPolicy } from '../time/backoff.js';
import { systemClock, type Clock } from '../time/clock.js';
import { classifyReconcileError } from './error-policy.js';
import { OutageGuard } from './outage-guard.js';
import { publishedAddresses, reconcileOnce } from '../reconcile/once.js';
import { PortNotices, publishedPortAdvice } from './port-notices.js';
import { RepeatSummary, type RepeatRun } from './repeat-summary.js';
import { WriteCheck, type WriteNotVisible } from './write-check.js';
import {
  DEFAULT_RETRY_BACKOFF,
  type ReconcileOutcome,
  type RegistrarEvents,
  type RegistrarOptions,
  type RegistrarState,
} from './registrar-types.js';
import { endpointOf, mergeCandidates } from './candidates.js';
import { LeaseLostError } from './leadership.js';
import { validateRegistrarOptions } from './options.js';
import { DIAGNOSTICS_CHANNELS, diagnosticsPublisher } from '../log/diagnostics.js';

const publishDiagnostics = diagnosticsPublisher(DIAGNOSTICS_CHANNELS.registrar);

export type {
  HealthView,
  ReconcileOutcome,
  RegistrarEvents,
  RegistrarOptions,
  RegistrarState,
  RetryBackoffOptions,
} from './registrar-types.js';
export { DEFAULT_RETRY_BACKOFF } from './registrar-types.js';
export { mergeCandidates } from './candidates.js';

export class Registrar extends EventEmitter<RegistrarEvents> {
  private readonly options: RegistrarOptions;
  private intervalTimer: NodeJS.Timeout | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileOutcome> | undefined;
  private pendingTrigger: string | undefined;
  private stopped = false;
  private started = false;
  private lastOutcome: ReconcileOutcome | undefined;
  private readonly guard: OutageGuard;
  private readonly writeCheck = new WriteCheck();
  private everSucceeded = false;
  private writesNotVisible = 0;
  private lastWriteNotVisible: WriteNotVisible | undefined;
  private readonly retry: Backoff;
  private readonly repeats: RepeatSummary;
  private readonly clock: Clock;
  private readonly portNotices = new PortNotices();

  /** Emit a typed event, also on the `seedkeeper:registrar` diagnostics channel (`fatal` carries `{ error }`). */
  private report<K extends keyof RegistrarEvents>(event: K, payload: RegistrarEvents[K][0]): void {
    publishDiagnostics(event, event === 'fatal' ? { error: payload } : (payload as object));
    (this.emit as (event: K, payload: RegistrarEvents[K][0]) => boolean)(event, payload);
  }

  constructor(options: RegistrarOptions) {
    super();
    validateRegistrarOptions(options);
    this.options = options;
    this.guard = new OutageGuard(options.outage);
    // The interval retries anyway: no pause is longer than it.
    const retry = options.retry ?? DEFAULT_RETRY_BACKOFF;
    // Equal jitter: replicas do not retry in step, and a pause never collapses to zero (the storm again).
    const policy: BackoffPolicy = {
      baseMs: Math.min(retry.baseMs, options.intervalMs),
      maxMs: Math.min(retry.maxMs, options.intervalMs),
      jitter: 'equal',
    };
    this.retry = new Backoff(policy, options.random);
    this.repeats = new RepeatSummary(options.errorSummaryPeriodMs);
    this.clock = options.clock ?? systemClock;
  }

  get last(): ReconcileOutcome | undefined {
    return this.lastOutcome;
  }

  get isRunning(): boolean {
    return this.started && !this.stopped;
  }

  /** What the status page shows; read-only copies of the registrar's inputs and last result. */
  state(): RegistrarState {
    const { name, policy, sources, health, outage } = this.options;
    return {
      name,
      policy,
      unhealthyAfterMs: outage.unhealthyAfterMs,
      sources: sources.map((s) => ({ kind: s.kind, candidates: [...s.candidates()] })),
      health: health.snapshot(),
      last: this.lastOutcome,
      outage: this.guard.phase,
      running: this.isRunning,
      writesNotVisible: this.writesNotVisible,
      lastWriteNotVisible: this.lastWriteNotVisible,
      lastError: this.lastOutcome?.error,
      replicas: this.options.leadership?.status(),
    };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { health, metrics, logger } = this.options;
    health.on('transition', (t) => {
      metrics.healthTransitions.inc({ to: t.to });
      logger.info(
        { endpoint: t.endpoint.key, from: t.from, to: t.to, reason: t.reason },
        `endpoint ${t.endpoint.key} is ${t.to}`,
      );
      this.report('transition', t);
      this.schedule('health');
    });
    for (const source of this.options.sources) await source.start(() => this.schedule('source'));
    health.start();
    this.schedule('start');
    // A real, ref'd timer (not the clock's unref'd one): the registrar's loop is what keeps `run` alive.
    this.intervalTimer = setInterval(() => this.schedule('interval'), this.options.intervalMs);
    this.options.leadership?.start();
  }

  /** Queue a reconcile (debounced); several triggers within the debounce window make one run. */
  schedule(trigger: string): void {
    if (this.stopped) return;
    this.pendingTrigger ??= trigger;
    if (this.debounceTimer || this.running) return;
    // After failures, no trigger (health, source, interval) runs the next attempt before its backoff is over.
    const delay = Math.max(this.options.debounceMs, this.retry.waitMs(this.clock.now()));
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      const next = this.pendingTrigger ?? trigger;
      this.pendingTrigger = undefined;
      void this.reconcile(next);
    }, delay);
  }

  /** Run one reconcile now (serialised with scheduled ones). */
  reconcile(trigger = 'manual', options: { dryRun?: boolean } = {}): Promise<ReconcileOutcome> {
    if (this.running) return this.running;
    this.running = this.reconcileOnce(trigger, options.dryRun === true).finally(() => {
      this.running = undefined;
      if (this.pendingTrigger !== undefined && !this.stopped) this.schedule(this.pendingTrigger);
    });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.intervalTimer);
    clearTimeout(this.debounceTimer);
    await this.running?.catch(() => undefined);
    await this.options.health.stop();
    await Promise.all(this.options.sources.map((s) => s.close()));
  }

  /** Never rejects: whatever a source, the checker or the plan throws becomes a survived error of this reconcile. */
  private async reconcileOnce(trigger: string, dryRun: boolean): Promise<ReconcileOutcome> {
    try {
      return await this.reconcileGuarded(trigger, dryRun);
    } catch (error) {
      const outcome: ReconcileOutcome = {
        trigger,
        plan: emptyPlan(),
        applied: false,
        attempts: 0,
        candidates: [],
        error,
      };
      this.recordError(outcome, error);
      return outcome;
    }
  }

  private async reconcileGuarded(trigger: string, dryRun: boolean): Promise<ReconcileOutcome> {
    const { name, provider, policy, health, metrics, logger } = this.options;
    const timer = metrics.reconcileSeconds.startTimer();
    const candidates = mergeCandidates(this.options.sources);
    health.setEndpoints(candidates.map(endpointOf));
    metrics.candidates.set(candidates.length);
    const snapshot = health.snapshot();
    let notVisible: WriteNotVisible | undefined;
    for (const state of ['unknown', 'healthy', 'unhealthy'] as const) {
      metrics.endpoints.set({ state }, [...snapshot.values()].filter((h) => h.state === state).length);
    }
    const gate = dryRun ? undefined : this.options.leadership;
    const follower = { trigger, plan: emptyPlan(), applied: false, attempts: 0, candidates, follower: true } as const;
    if (gate && !gate.isLeader()) {
      timer();
      return follower;
    }
    const result = await reconcileOnce({
      name,
      provider,
      dryRun,
      clock: this.clock,
      ...(gate ? { fence: gate.fence } : {}),
      ...(this.options.maxConflictRetries === undefined ? {} : { maxConflictRetries: this.options.maxConflictRetries }),
      plan: (current) => {
        if (!dryRun) notVisible ??= this.writeCheck.checkRead(current);
        const { members: desired } = this.guard.desired(
          candidates,
          snapshot,
          publishedAddresses(name, current),
          this.clock.now(),
        );
        return calculatePlan({
          name,
          current,
          desired,
          candidates: candidates.length,
          policy,
          ...(provider.limits ? { limits: provider.limits } : {}),
        });
      },
      onConflict: (attempt, error) => {
        metrics.conflicts.inc();
        logger.info({ attempt, error: describeError(error) }, 'the record changed under us; re-reading');
      },
    });
    try {
      if (notVisible) this.recordNotVisible(notVisible);
      const seen = notVisible ? { writeNotVisible: notVisible } : {};
      // The lease was lost just before the write (leadership.ts logged the step-down): not an error to retry.
      if (result.error instanceof LeaseLostError) return { ...follower, attempts: result.attempts };
      if (result.error !== undefined) {
        const outcome: ReconcileOutcome = {
          trigger,
          plan: result.plan ?? emptyPlan(),
          applied: false,
          attempts: result.attempts,
          candidates,
          error: result.error,
          ...seen,
        };
        this.recordError(outcome, result.error);
        return outcome;
      }
      const plan = result.plan!;
      if (result.applied) {
        this.writeCheck.recordWrite(plan.changes, this.clock.now());
        metrics.changesApplied.inc(plan.changes.length);
        logger.info(
          { trigger, added: plan.added, removed: plan.removed, published: plan.published },
          `record ${name} updated`,
        );
      }
      const outcome: ReconcileOutcome = {
        trigger,
        plan,
        applied: result.applied,
        attempts: result.attempts,
        candidates,
        ...seen,
      };
      // Start-up ends with the first write, or the first read of a record that already holds what it should.
      if (!dryRun && (result.applied || plan.published.A.length + plan.published.AAAA.length > 0))
        this.everSucceeded = true;
      this.record(outcome, dryRun);
      return outcome;
    } finally {
      timer();
    }
  }

  private record(outcome: ReconcileOutcome, dryRun: boolean): void {
    const { metrics, logger, name } = this.options;
    const plan = outcome.plan;
    const codes = new Set(plan.notes.map((n) => n.code));
    metrics.failOpen.set(codes.has('fail-open') ? 1 : 0);
    metrics.notOwned.set(plan.refused ? 1 : 0);
    metrics.removalsDeferred.set(plan.deferred?.length ?? 0);
    metrics.published.set({ family: 'ipv4' }, plan.published.A.length);
    metrics.published.set({ family: 'ipv6' }, plan.published.AAAA.length);
    const result = plan.refused
      ? 'refused'
      : codes.has('fail-open')
        ? 'fail_open'
        : outcome.applied
          ? 'ok'
          : 'unchanged';
    metrics.reconciles.inc({ result });
    if (!plan.refused) metrics.lastSuccess.setToCurrentTime();
    metrics.leftOut.reset();
    for (const c of plan.capped ?? [])
      metrics.leftOut.set({ family: c.family === 'A' ? 'ipv4' : 'ipv6', reason: c.reason }, c.healthy - c.published);
    // Once per distinct advice, not every cycle; dry runs (plan, warm-up) leave it to their caller.
    if (!dryRun)
      for (const advice of this.portNotices.fresh(publishedPortAdvice(name, plan, outcome.candidates)))
        logger.warn({ record: name, code: advice.code }, advice.message);
    this.retry.succeeded();
    const ended = this.repeats.resolved();
    if (ended)
      logger.info({ repeats: ended.repeats }, `${repeatText(ended, this.clock.now())}; this reconcile succeeded`);
    for (const note of plan.notes) {
      if (note.code === 'not-owned') logger.error({ record: name }, note.message);
      else if (note.code === 'provider-limit') logger.warn({ record: name, capped: plan.capped }, note.message);
      else if (note.code === 'fail-open')
        logger.warn({ record: name, candidates: outcome.candidates.length }, note.message);
      else if (note.code === 'removals-capped' || note.code === 'size-capped' || note.code === 'upsert-only')
        logger.info({ record: name }, note.message);
    }
    this.lastOutcome = outcome;
    this.report('reconciled', outcome);
  }

  private recordError(outcome: ReconcileOutcome, error: unknown): void {
    const { metrics, logger } = this.options;
    const code = error instanceof SeedkeeperError ? error.code : 'ERR_UNKNOWN';
    metrics.reconciles.inc({ result: error instanceof ConflictError ? 'conflict' : 'error' });
    metrics.providerErrors.inc({ code });
    this.lastOutcome = outcome;
    this.report('reconciled', outcome);
    if (classifyReconcileError(error, { everSucceeded: this.everSucceeded }) === 'fatal') {
      logger.error(
        { error: describeError(error), code },
        'the registrar is configured wrongly (before any successful reconcile); stopping',
      );
      this.report('fatal', error);
      void this.stop();
      return;
    }
    metrics.errorsSurvived.inc({ code });
    const level = error instanceof SeedkeeperError && error.hasLabel('usage') ? 'error' : 'warn';
    const now = this.clock.now();
    const retryInMs = this.retry.failed(now);
    const described = describeError(error);
    // The first of identical errors in a row in full, then one summary line per period: no log storm.
    const decision = this.repeats.occurred(`${code} ${described}`, now);
    if (decision.kind === 'quiet') return;
    if (decision.kind === 'summary') {
      logger[level](
        { error: described, code, repeats: decision.run.repeats, retryInMs },
        `${repeatText(decision.run, now)}; retrying in ${seconds(retryInMs)}`,
      );
      return;
    }
    if (decision.closed)
      logger.info(
        { repeats: decision.closed.repeats },
        `${repeatText(decision.closed, now)} before this different error`,
      );
    logger[level](
      { error: described, code, retryInMs },
      `reconcile failed; the record stays as it is; retrying in ${seconds(retryInMs)}`,
    );
  }

  private recordNotVisible(seen: WriteNotVisible): void {
    this.writesNotVisible++;
    this.lastWriteNotVisible = seen;
    this.options.metrics.writeNotVisible.inc();
    this.options.logger.warn(
      { record: this.options.name, writtenAt: new Date(seen.writtenAt).toISOString(), sets: seen.sets },
      `the provider acknowledged a write that the next read does not show (${seen.sets.join('; ')}): the server may not be applying updates`,
    );
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function repeatText(run: RepeatRun, now: number): string {
  return `reconcile failed with the same error ${run.repeats} more time${run.repeats === 1 ? '' : 's'} in the last ${seconds(now - run.sinceMs)}`;
}

function emptyPlan(): Plan {
  return { changes: [], published: { A: [], AAAA: [] }, added: [], removed: [], notes: [], refused: false };
}
