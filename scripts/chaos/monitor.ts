/**
 * The monitor: asks the DNS server for the seed record every `periodMs` (25 ms) with a real resolver client
 * (node:dns, i.e. c-ares, pointed at the server) and judges every answer with checkAnswer. It keeps counts,
 * every violation with its time, and the newest answer (by send order) for convergence checks.
 * Bounded: at most `maxInFlight` queries outstanding (a tick with no room is counted as skipped) and at
 * most `maxTicks` ticks in its life.
 */
import { Resolver } from 'node:dns/promises';
import { canonicalIp } from '../../src/net/ip.js';
import { checkAnswer, type Answer, type Violation } from './invariants.js';

export type Query = () => Promise<Answer>;

export interface MonitorOptions {
  readonly query: Query;
  /** Addresses that may appear in the record (every member of the cluster, up or down). */
  readonly members: () => ReadonlySet<string>;
  readonly periodMs?: number;
  readonly maxInFlight?: number;
  readonly maxTicks?: number;
  readonly now?: () => number;
}

export interface MonitorCounts {
  readonly ticks: number;
  readonly skipped: number;
  /** Answers judged against the invariants (every answer that said something about the record). */
  readonly checks: number;
  readonly noAnswer: number;
  readonly byKind: Readonly<Record<Answer['kind'], number>>;
}

export const MONITOR_PERIOD_MS = 25;

export class Monitor {
  private readonly periodMs: number;
  private readonly maxInFlight: number;
  private readonly maxTicks: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private sent = 0;
  private newestSeq = -1;
  private newest: { answer: Answer; at: number } | undefined;
  private counts = {
    ticks: 0,
    skipped: 0,
    checks: 0,
    noAnswer: 0,
    byKind: { addresses: 0, nxdomain: 0, empty: 0, 'no-answer': 0 },
  };
  readonly violations: Violation[] = [];

  constructor(private readonly options: MonitorOptions) {
    this.periodMs = options.periodMs ?? MONITOR_PERIOD_MS;
    this.maxInFlight = options.maxInFlight ?? 8;
    this.maxTicks = options.maxTicks ?? 10_000_000;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One query (also called by tests without the timer). Resolves when its answer has been judged. */
  async tick(): Promise<void> {
    this.counts.ticks++;
    if (this.counts.ticks >= this.maxTicks) this.stop();
    if (this.inFlight >= this.maxInFlight) {
      this.counts.skipped++;
      return;
    }
    const seq = this.sent++;
    this.inFlight++;
    let answer: Answer;
    try {
      answer = await this.options.query();
    } catch (error) {
      answer = { kind: 'no-answer', code: String((error as NodeJS.ErrnoException).code ?? error) };
    } finally {
      this.inFlight--;
    }
    this.judge(answer, seq);
  }

  /** Judge one answer (exposed for tests that feed synthetic answers). */
  judge(answer: Answer, seq = this.sent++): void {
    const at = this.now();
    this.counts.byKind[answer.kind]++;
    if (answer.kind === 'no-answer') this.counts.noAnswer++;
    else this.counts.checks++;
    this.violations.push(...checkAnswer(answer, this.options.members(), at));
    if (seq > this.newestSeq) {
      this.newestSeq = seq;
      this.newest = { answer, at };
    }
  }

  /** A violation found outside the per-answer checks (e.g. no convergence in time). */
  report(violation: Violation): void {
    this.violations.push(violation);
  }

  latest(): { readonly answer: Answer; readonly at: number } | undefined {
    return this.newest;
  }

  snapshot(): MonitorCounts {
    return { ...this.counts, byKind: { ...this.counts.byKind } };
  }
}

/** A Query asking `server` (host:port) for the A records of `name` through node:dns (c-ares). */
export function dnsQuery(server: string, name: string, timeoutMs = 500): { query: Query; close(): void } {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server]);
  const query: Query = async () => {
    try {
      const addresses = await resolver.resolve4(name);
      return { kind: 'addresses', addresses: addresses.map(canonicalIp).sort() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      if (code === 'ENOTFOUND') return { kind: 'nxdomain' };
      if (code === 'ENODATA') return { kind: 'empty' };
      return { kind: 'no-answer', code };
    }
  };
  return { query, close: () => resolver.cancel() };
}
