/**
 * The health checker: probes every endpoint on its own cadence and keeps its state with hysteresis.
 *
 * One scheduler for all endpoints: a min-heap of endpoints waiting for their next probe and a min-heap of
 * probes in flight (keyed by their watchdog deadline), served by a single timer armed for the earliest of
 * both. At most `maxConcurrent` probes run at once; the rest wait in due order. When each endpoint is probed
 * is decided by cadence.ts: every `intervalMs` start-to-start on the endpoint's own phase (so load is spread
 * evenly), and sooner while it fails toward unhealthy, so the verdict is not a whole interval late. Every
 * state change is emitted as 'transition' right after it is applied (and published on the
 * `seedkeeper:health` diagnostics channel).
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import { describeError } from '../errors.js';
import { DIAGNOSTICS_CHANNELS, diagnosticsPublisher } from '../log/diagnostics.js';
import { firstProbeDelay, nextProbe } from './cadence.js';
import { DueHeap } from './due-heap.js';
import { checkEndpoint, Entry, sameTarget } from './entry.js';
import { initialHealth, nextHealth, transitionReason } from './hysteresis.js';
import { resolveHealthOptions } from './options.js';
import { ReadonlyMapView } from './readonly-map.js';
import type { Endpoint, EndpointHealth, HealthOptions, HealthTransition, Probe, ProbeResult } from './types.js';

export interface HealthCheckerEvents {
  transition: [transition: HealthTransition];
}

export interface HealthCheckerStats {
  readonly endpoints: number;
  readonly inFlight: number;
  readonly probesStarted: number;
  readonly passes: number;
  readonly failures: number;
  /** Probes that outlived their timeout by the grace period and were failed by the checker itself. */
  readonly overdue: number;
  /** True while the scheduler's one timer is armed. */
  readonly timerArmed: boolean;
  readonly running: boolean;
}

/** Entries due within this much of now start in the same tick. */
const TICK_SLACK_MS = 1;
/** A probe that has not settled this long after its timeout is failed by the checker. */
const WATCHDOG_GRACE_MS = 250;
/** How long stop() waits for probes in flight beyond their timeout. */
const STOP_GRACE_MS = 1000;

const publishDiagnostics = diagnosticsPublisher(DIAGNOSTICS_CHANNELS.health);

/** Epoch milliseconds that never go backwards (the global `performance`, so tests can fake it). */
const clock = (): number => performance.timeOrigin + performance.now();

export class HealthChecker extends EventEmitter<HealthCheckerEvents> {
  readonly options: HealthOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly waiting = new DueHeap<Entry>();
  private readonly running = new DueHeap<Entry>();
  private state: 'idle' | 'running' | 'stopping' = 'idle';
  private abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private inFlightCount = 0;
  private runSeq = 0;
  private counts = { probesStarted: 0, passes: 0, failures: 0, overdue: 0 };
  private idleWaiters: (() => void)[] = [];
  private stopping: Promise<void> | undefined;
  private snapshotCache: ReadonlyMap<string, EndpointHealth> | undefined;
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.state === 'running') this.pump(clock());
  };

  constructor(
    private readonly probe: Probe,
    options: Partial<HealthOptions> = {},
  ) {
    super();
    this.options = resolveHealthOptions(options);
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get stats(): HealthCheckerStats {
    return Object.freeze({
      endpoints: this.entries.size,
      inFlight: this.inFlightCount,
      ...this.counts,
      timerArmed: this.timer !== undefined,
      running: this.state === 'running',
    });
  }

  /**
   * Make the endpoint set exactly `endpoints`: new ones start unknown and are probed promptly (with jitter),
   * removed ones are no longer probed (a probe in flight is left to finish and ignored), unchanged ones keep
   * their state. An endpoint whose host, port or expected node id changed counts as new.
   */
  setEndpoints(endpoints: readonly Endpoint[]): void {
    endpoints.forEach(checkEndpoint);
    const wanted = new Map<string, Endpoint>();
    for (const endpoint of endpoints) wanted.set(endpoint.key, Object.freeze({ ...endpoint }));
    const reidentified: string[] = [];
    for (const [key, entry] of this.entries) {
      const next = wanted.get(key);
      if (next === undefined || next.host !== entry.endpoint.host || next.port !== entry.endpoint.port)
        this.drop(key, entry);
      else if (!sameTarget(entry.endpoint, next)) {
        // Same address, new identity requirement (a source learned or forgot the node id): keep the history,
        // so a verdict still needs X of continuous failure, and check the new identity at once.
        entry.health = Object.freeze({ ...entry.health, endpoint: next });
        reidentified.push(key);
      }
    }
    const now = clock();
    for (const [key, endpoint] of wanted) {
      if (this.entries.has(key)) continue;
      const entry = new Entry(initialHealth(endpoint, now), Math.random() * this.options.intervalMs);
      this.entries.set(key, entry);
      entry.due = now + this.firstDelay();
      this.waiting.push(entry);
    }
    this.snapshotCache = undefined;
    if (this.state === 'running') this.arm(now);
    for (const key of reidentified) this.probeNow(key);
  }

  /** The state of every endpoint, as an immutable map from key to an immutable value. */
  snapshot(): ReadonlyMap<string, EndpointHealth> {
    if (this.snapshotCache === undefined) {
      const map = new Map<string, EndpointHealth>();
      for (const [key, entry] of this.entries) map.set(key, entry.health);
      this.snapshotCache = new ReadonlyMapView(map);
    }
    return this.snapshotCache;
  }

  /** Start probing. Idempotent while running. */
  start(): void {
    if (this.state === 'running') return;
    // A programmer error, not a runtime condition: the caller must await stop() before starting again.
    if (this.state === 'stopping') throw new Error('HealthChecker.start() called while stop() is in progress');
    this.state = 'running';
    this.abort = new AbortController();
    // Every probe in flight may listen on this one signal (the Aerospike probe does, once per probe).
    setMaxListeners(0, this.abort.signal);
    const now = clock();
    // Endpoints that came due while stopped start promptly, spread by jitter rather than all at once.
    for (const entry of this.entries.values()) {
      if (entry.heapIndex >= 0 && entry.due < now) {
        entry.nominal = Number.NaN;
        this.waiting.update(entry, now + this.firstDelay());
      }
    }
    this.pump(now);
  }

  /**
   * Stop probing: no new probes start, probes in flight are aborted and awaited (at most the probe timeout
   * plus a grace period; a probe that still has not settled is abandoned and its result ignored).
   */
  stop(): Promise<void> {
    if (this.state === 'stopping') return this.stopping ?? Promise.resolve();
    if (this.state !== 'running') return Promise.resolve();
    this.state = 'stopping';
    this.stopping = this.finishStop().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async finishStop(): Promise<void> {
    this.disarm();
    this.abort.abort(new Error('health checker stopped'));
    if (this.inFlightCount > 0) {
      let bound: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        bound = setTimeout(resolve, this.options.timeoutMs + STOP_GRACE_MS);
      });
      clearTimeout(bound);
      this.idleWaiters = [];
    }
    for (let entry = this.running.peek(); entry !== undefined; entry = this.running.peek()) {
      this.endRun(entry);
      if (!entry.removed) this.reschedule(entry, clock());
    }
    this.state = 'idle';
  }

  /**
   * Probe `key` (or every endpoint) as soon as possible. An endpoint with a probe in flight is probed again
   * right after it. Returns false when `key` is unknown.
   */
  probeNow(key?: string): boolean {
    const targets =
      key === undefined ? [...this.entries.values()] : [this.entries.get(key)].filter((e) => e !== undefined);
    if (targets.length === 0) return key === undefined;
    const now = clock();
    for (const entry of targets) {
      if (entry.run !== 0) entry.expedite = true;
      else if (entry.heapIndex >= 0) {
        entry.nominal = Number.NaN; // an extra probe; the grid is rejoined after it
        this.waiting.update(entry, Math.min(entry.due, now));
      }
    }
    if (this.state === 'running') this.pump(now);
    return true;
  }

  private firstDelay(): number {
    return firstProbeDelay(this.options, Math.random());
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    entry.removed = true;
    this.waiting.remove(entry);
  }

  /** Fail overdue probes, start due ones while there is room, and arm the timer for what comes next. */
  private pump(now: number): void {
    for (let top = this.running.peek(); top !== undefined && top.due <= now; top = this.running.peek()) {
      this.counts.overdue++;
      const latencyMs = now - top.startedAt;
      this.settle(top, top.run, {
        ok: false,
        latencyMs,
        reason: `probe did not settle within ${Math.round(latencyMs)} ms`,
      });
    }
    this.launchDue(now);
    this.arm(now);
  }

  private launchDue(now: number): void {
    const limit = this.options.maxConcurrent;
    while (this.inFlightCount < limit) {
      const top = this.waiting.peek();
      if (top === undefined || top.due > now + TICK_SLACK_MS) return;
      this.waiting.pop();
      this.launch(top, now);
    }
  }

  private launch(entry: Entry, now: number): void {
    const run = ++this.runSeq;
    const { timeoutMs } = this.options;
    entry.run = run;
    entry.startedAt = now;
    entry.due = now + timeoutMs + WATCHDOG_GRACE_MS;
    this.running.push(entry);
    this.inFlightCount++;
    this.counts.probesStarted++;
    let result: Promise<ProbeResult>;
    try {
      result = this.probe.check(entry.endpoint, timeoutMs, this.abort.signal);
    } catch (error) {
      result = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    result.then(
      (value) => this.settle(entry, run, value),
      (error: unknown) =>
        this.settle(entry, run, {
          ok: false,
          latencyMs: clock() - now,
          reason: `probe threw: ${describeError(error)}`,
        }),
    );
  }

  private endRun(entry: Entry): void {
    entry.run = 0;
    this.running.remove(entry);
    this.inFlightCount--;
    if (this.inFlightCount === 0 && this.idleWaiters.length > 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private settle(entry: Entry, run: number, result: ProbeResult): void {
    if (entry.run !== run) return; // abandoned by the watchdog or by stop()
    this.endRun(entry);
    if (entry.removed) return;
    const now = clock();
    if (this.state !== 'running') {
      this.reschedule(entry, now);
      return;
    }
    if (result.ok) this.counts.passes++;
    else this.counts.failures++;
    const previous = entry.health;
    const next = nextHealth(previous, result, now, this.options);
    entry.health = next;
    this.snapshotCache = undefined;
    this.reschedule(entry, now);
    this.launchDue(now);
    this.arm(now);
    if (previous.state !== next.state) {
      this.publish({
        endpoint: next.endpoint,
        from: previous.state,
        to: next.state,
        reason: transitionReason(previous, next),
        at: now,
      });
    }
  }

  /** Put an idle entry back in the waiting heap at its next probe time (cadence.ts has the rules). */
  private reschedule(entry: Entry, now: number): void {
    if (entry.expedite || this.state !== 'running') {
      entry.expedite = false;
      entry.due = now;
      entry.nominal = Number.NaN;
    } else {
      const next = nextProbe({
        health: entry.health,
        startedAt: entry.startedAt,
        endedAt: now,
        nominal: entry.nominal,
        phase: entry.phase,
        options: this.options,
      });
      entry.due = next.due;
      entry.nominal = next.nominal;
    }
    this.waiting.push(entry);
  }

  private arm(now: number): void {
    let next = this.running.peek()?.due ?? Infinity;
    if (this.inFlightCount < this.options.maxConcurrent) next = Math.min(next, this.waiting.peek()?.due ?? Infinity);
    if (next === Infinity) {
      this.disarm();
      return;
    }
    if (this.timer !== undefined && this.timerAt <= next) return;
    this.disarm();
    this.timerAt = next;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(next - now)));
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private publish(transition: HealthTransition): void {
    publishDiagnostics('transition', transition);
    try {
      this.emit('transition', transition);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
