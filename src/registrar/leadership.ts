/**
 * The lease loop of one registrar replica (docs/replicas.md): read the lease record, decide (src/lease, pure),
 * write by compare-and-swap, sleep until the next renewal or look. Independent of reconciles, which ask
 * `isLeader()` before planning and `guard()` just before writing: a write carries the lease exactly as this
 * replica last wrote it, so after a pause past the lease it is refused by the DNS server, not by our clock.
 */
import { EventEmitter } from 'node:events';
import { describeError, SeedkeeperError } from '../errors.js';
import {
  decideLease,
  fenced,
  holdsLease,
  leaseRecordName,
  leaseWrite,
  parseLease,
  releaseLease,
  LeaseFormatError,
  type Lease,
  type LeaseOptions,
} from '../lease/index.js';
import type { Logger } from '../log/logger.js';
import { canonicalName } from '../records/canonical.js';
import type { RecordChange, RecordSet } from '../records/types.js';
import type { ReconcileFence } from '../reconcile/once.js';
import { ConflictError, type DnsProvider } from '../providers/types.js';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.js';
import { DIAGNOSTICS_CHANNELS, diagnosticsPublisher } from '../log/diagnostics.js';
import type { ReplicaStatusView } from '../web/registrar-view.js';

export type Role = ReplicaStatusView['role'];

/** A change of leadership: emitted as `change`, logged, and published as `leadership` on the `seedkeeper:registrar` channel. */
export interface LeadershipChange {
  readonly replica: string;
  readonly from: Role;
  readonly to: Role;
  /** Term of the lease this replica took (to leader) or last held (to follower). */
  readonly term: number | undefined;
  readonly reason: 'acquired' | 'renewal-failed' | 'lease-changed' | 'expired' | 'released';
  readonly at: number;
}

/** What /healthz, the metrics and the status page show: the status page's view of a replica, one definition. */
export type LeadershipStatus = ReplicaStatusView;

/** The replica wrote, or was about to write, without the lease: it stepped down and wrote nothing. */
export class LeaseLostError extends SeedkeeperError {
  constructor(message: string) {
    super('ERR_LEASE_LOST', message, { labels: ['retryable'] });
  }
}

export interface LeadershipOptions {
  /** The seed record (the lease lives at `_seedkeeper-lease.<name>`). */
  readonly name: string;
  readonly provider: DnsProvider;
  /** This replica's id (unique among the replicas). */
  readonly id: string;
  readonly lease: LeaseOptions;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** After a read or write error: look again this soon (never later than a renewal would be). */
const ERROR_RETRY_MS = 1000;
/** Conflicts on lease writes in a row that are retried at once; then at the renewal cadence. */
const IMMEDIATE_CONFLICT_RETRIES = 3;

const publishDiagnostics = diagnosticsPublisher(DIAGNOSTICS_CHANNELS.registrar);

export class Leadership extends EventEmitter<{ change: [LeadershipChange] }> {
  readonly id: string;
  private readonly options: LeadershipOptions;
  private readonly clock: Clock;
  private readonly leaseName: string;
  /** The lease as this replica last wrote it: the fencing token of its writes. */
  private held: Lease | undefined;
  /** The lease as last read or written, by anyone. */
  private seen: Lease | undefined;
  private role: Role = 'follower';
  private timer: TimerHandle | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private conflicts = 0;
  private lastProblem: string | undefined;

  constructor(options: LeadershipOptions) {
    super();
    this.options = options;
    this.id = options.id;
    this.clock = options.clock ?? systemClock;
    this.leaseName = canonicalName(leaseRecordName(options.name));
  }

  /** True while this replica may write: its own last write is the lease, and its clock is inside it. */
  isLeader(): boolean {
    return holdsLease(this.id, this.held, this.clock.now(), this.options.lease);
  }

  status(): LeadershipStatus {
    this.refreshRole('expired');
    const lease = this.seen;
    const live = lease !== undefined && lease.until > 0;
    return {
      replica: this.id,
      role: this.role,
      holder: lease?.holder,
      term: lease?.term,
      leaseAgeMs: live ? Math.max(0, this.clock.now() - (lease.until - this.options.lease.durationMs)) : undefined,
    };
  }

  /** What reconciles use: read the lease with the record, and fence every write with it. */
  get fence(): ReconcileFence {
    return { names: [this.leaseName], guard: (current, batch) => this.guard(current, batch) };
  }

  start(): void {
    if (this.ticking || this.timer || this.stopped) return;
    this.schedule(0);
  }

  /**
   * One step of the loop without the loop (`run --once`): read the lease and take it if it is free, expired
   * or this replica's own. True when this replica may now write; `stop()` gives the lease up again.
   */
  async tryOnce(): Promise<boolean> {
    if (this.ticking || this.timer || this.stopped) return this.isLeader();
    const step = this.tick(false);
    this.ticking = step;
    await step.finally(() => (this.ticking = undefined));
    return this.isLeader();
  }

  /** Stop the loop; if this replica holds the lease, give it up (until=0) so a follower takes over at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    await this.ticking;
    const release = releaseLease(this.id, this.held);
    if (release === undefined) return;
    this.held = undefined;
    try {
      await this.options.provider.apply([leaseWrite(this.options.name, release.expected, release.next)]);
      this.seen = release.next;
      this.options.logger.info(
        { replica: this.id, term: release.next.term },
        `replica ${this.id} released the lease (term ${release.next.term})`,
      );
    } catch (error) {
      // Someone else moved it, or the store is down: the lease then runs out by itself.
      this.options.logger.warn(
        { replica: this.id, error: describeError(error) },
        'releasing the lease failed; it expires by itself',
      );
    }
    this.setRole('follower', 'released');
  }

  /** Called by reconciles just before a write (see ReconcileFence). */
  private guard(current: readonly RecordSet[], batch: readonly RecordChange[]): readonly RecordChange[] {
    const held = this.held;
    const { lease: read } = this.leaseIn(current);
    // The lease as read may be an older version of mine (a renewal landed while the record was read): fence
    // with what was read; the server refuses it if the lease has moved on, and the reconcile re-reads.
    const mine =
      held !== undefined && read !== undefined && read.holder === this.id && read.term === held.term && read.until > 0;
    if (mine && holdsLease(this.id, read, this.clock.now(), this.options.lease))
      return fenced(this.options.name, read, batch);
    if (mine && this.isLeader())
      throw new LeaseLostError(
        `not writing ${this.options.name} this time: the lease read is an older, expiring version of this replica's own`,
      );
    const why =
      held === undefined
        ? 'this replica does not hold the lease'
        : mine
          ? "the lease ran out by this replica's clock"
          : 'the lease record changed';
    this.stepDown(mine ? 'expired' : 'lease-changed', read);
    throw new LeaseLostError(`not writing ${this.options.name}: ${why}`);
  }

  /** A fenced write was refused, or the lease was seen to change: stop writing until the loop says otherwise. */
  private stepDown(reason: LeadershipChange['reason'], seen: Lease | undefined): void {
    this.held = undefined;
    if (seen !== undefined) this.seen = seen;
    this.setRole('follower', reason);
    if (!this.stopped) this.schedule(0);
  }

  private leaseIn(current: readonly RecordSet[]): { lease: Lease | undefined } {
    const set = current.find((s) => s.type === 'TXT' && canonicalName(s.name) === this.leaseName);
    if (set === undefined) return { lease: undefined };
    if (set.values.length !== 1)
      throw new LeaseFormatError('fields', `${set.values.length} TXT values at ${this.leaseName}; expected one`);
    return { lease: parseLease(set.values[0]) };
  }

  private schedule(ms: number): void {
    this.timer?.cancel();
    this.timer = this.clock.setTimer(ms, () => {
      this.timer = undefined;
      if (this.ticking || this.stopped) return;
      this.ticking = this.tick().finally(() => (this.ticking = undefined));
    });
  }

  private async tick(loop = true): Promise<void> {
    const { provider, name, lease: timing } = this.options;
    let next: number;
    try {
      const { lease } = this.leaseIn(await provider.read([this.leaseName]));
      this.seen = lease;
      const now = this.clock.now();
      const decision = decideLease(this.id, lease, now, timing);
      if (decision.action === 'follow') {
        if (this.held !== undefined) this.stepDown('lease-changed', lease);
        next = decision.checkAt - now;
      } else if (decision.action === 'keep') {
        this.held = decision.lease;
        next = decision.renewAt - now;
      } else {
        await provider.apply([leaseWrite(name, decision.expected, decision.next)]);
        this.held = this.seen = decision.next;
        next = timing.renewEveryMs;
      }
      this.conflicts = 0;
      this.lastProblem = undefined;
    } catch (error) {
      next = this.failed(error);
    }
    if (this.stopped) return;
    this.refreshRole('expired');
    if (!loop) return;
    // Wake when the part of the lease we may act in ends too, so the role never lags the clock.
    const actUntil =
      this.held && this.role === 'leader' ? this.held.until - timing.skewMarginMs - this.clock.now() : Infinity;
    this.schedule(Math.max(0, Math.min(next, actUntil)));
  }

  private failed(error: unknown): number {
    const { logger, lease: timing } = this.options;
    if (error instanceof ConflictError) {
      // Someone else moved the lease between our read and our write: never keep writing from the old read.
      if (this.held !== undefined) this.stepDown('lease-changed', undefined);
      return ++this.conflicts <= IMMEDIATE_CONFLICT_RETRIES ? 0 : timing.renewEveryMs;
    }
    const described = describeError(error);
    if (described !== this.lastProblem) {
      this.lastProblem = described;
      if (error instanceof LeaseFormatError)
        logger.error(
          { replica: this.id, record: this.leaseName, error: described },
          `the lease record ${this.leaseName} is not a lease; no replica writes until an operator deletes it`,
        );
      else logger.warn({ replica: this.id, error: described }, 'reading or writing the lease failed; retrying');
    }
    if (this.held !== undefined && this.role === 'leader' && !this.isLeader())
      this.setRole('follower', 'renewal-failed');
    return error instanceof LeaseFormatError ? timing.renewEveryMs : Math.min(ERROR_RETRY_MS, timing.renewEveryMs);
  }

  private refreshRole(reason: LeadershipChange['reason']): void {
    const leader = this.isLeader();
    if (leader && this.role === 'follower') this.setRole('leader', 'acquired');
    else if (!leader && this.role === 'leader') this.setRole('follower', reason);
  }

  private setRole(to: Role, reason: LeadershipChange['reason']): void {
    if (this.role === to) return;
    const change: LeadershipChange = {
      replica: this.id,
      from: this.role,
      to,
      term: this.held?.term ?? this.seen?.term,
      reason,
      at: this.clock.now(),
    };
    this.role = to;
    const { logger } = this.options;
    if (to === 'leader')
      logger.info(
        { replica: this.id, term: change.term, event: 'leadership' },
        `replica ${this.id} is now the leader (term ${change.term})`,
      );
    else
      logger.warn(
        { replica: this.id, term: change.term, reason, event: 'leadership' },
        `replica ${this.id} is now a follower (${reason})`,
      );
    publishDiagnostics('leadership', change);
    this.emit('change', change);
  }
}
