/**
 * What the status page reads of a registrar, declared here so that src/web needs nothing from src/registrar:
 * the registrar (src/registrar/registrar.ts) satisfies these shapes as it is, and the registrar wires the
 * page up (registrar/build.ts → web/attach.ts), never the other way round.
 */
import type { EndpointHealth, HealthTransition } from '../health/types.js';
import type { Plan, PlanPolicy } from '../plan/types.js';
import type { Candidate } from '../sources/types.js';

/** The outage guard's phase: `recovering` after an outage, judged on post-outage evidence only. */
export type OutagePhaseView = 'none' | 'active' | 'recovering';

/** One reconcile as the page shows it. */
export interface ReconcileView {
  readonly trigger: string;
  readonly plan: Plan;
  readonly applied: boolean;
  readonly error?: unknown;
}

/** This replica's part in the lease (registrar replicas); absent for a single registrar. */
export interface ReplicaStatusView {
  readonly replica: string;
  readonly role: 'leader' | 'follower';
  /** The lease holder as last read or written (undefined before the first read, or when there is none). */
  readonly holder: string | undefined;
  readonly term: number | undefined;
  /** Time since the lease was last written (acquired or renewed); undefined when none is live. */
  readonly leaseAgeMs: number | undefined;
}

/** A read-only picture of the registrar, computed on demand. */
export interface RegistrarStateView {
  readonly name: string;
  readonly policy: PlanPolicy;
  /** Continuous failure before an endpoint is unhealthy (the X of "failing for N s of X"). */
  readonly unhealthyAfterMs: number;
  /** Each source with what it offers now (one address may come from several). */
  readonly sources: readonly { readonly kind: string; readonly candidates: readonly Candidate[] }[];
  readonly health: ReadonlyMap<string, EndpointHealth>;
  readonly last: ReconcileView | undefined;
  readonly outage: OutagePhaseView;
  readonly running: boolean;
  /** Acknowledged writes that the next read did not show, and the last such case. */
  readonly writesNotVisible: number;
  readonly lastWriteNotVisible: { readonly writtenAt: number; readonly sets: readonly string[] } | undefined;
  /** With replicas on: this replica's role and the lease; undefined for a single registrar. */
  readonly replicas?: ReplicaStatusView | undefined;
}

/** A registrar as the status page sees it: its state, and the two events that change what the page shows. */
export interface RegistrarView {
  state(): RegistrarStateView;
  on(event: 'reconciled', listener: (outcome: ReconcileView) => void): unknown;
  on(event: 'transition', listener: (transition: HealthTransition) => void): unknown;
  off(event: 'reconciled', listener: (outcome: ReconcileView) => void): unknown;
  off(event: 'transition', listener: (transition: HealthTransition) => void): unknown;
}
