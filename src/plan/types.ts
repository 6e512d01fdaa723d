/**
 * Inputs and outputs of the reconcile plan: a pure function from (current records, desired members, policy)
 * to the changes one reconcile makes.
 */
import type { ProviderLimits } from '../records/limits.js';
import type { RecordChange, RecordSet } from '../records/types.js';

/** A node that is healthy and in the right cluster: may be published. */
export interface DesiredMember {
  /** IP address (v4 or v6) to publish. */
  readonly address: string;
  /** Stable identity: node id or instance id (two addresses of one node stay one member). */
  readonly id: string;
  /** Epoch ms since when it has been continuously healthy: the size cap prefers long-lived members. */
  readonly healthySince: number;
  /** Rack or availability zone, for spreading a capped record. */
  readonly rack?: string;
}

export type PlanMode =
  /** Add and remove, so the record equals the desired set. */
  | 'sync'
  /** Add only; never remove (a safe first deployment). */
  | 'upsert-only';

export interface PlanPolicy {
  readonly mode: PlanMode;
  /** TTL of the A/AAAA sets we write, seconds. */
  readonly ttl: number;
  /** Identity written in the ownership marker; replicas of one registrar deployment share it. */
  readonly ownerId: string;
  /** Most addresses removed in one reconcile; the rest wait for the next. */
  readonly maxRemovalsPerCycle: number;
  /** Publish at most this many addresses per family (0 = no cap). */
  readonly maxRecordSize: number;
}

export const DEFAULT_PLAN_POLICY: Readonly<Omit<PlanPolicy, 'ownerId'>> = Object.freeze({
  mode: 'sync',
  ttl: 30,
  maxRemovalsPerCycle: 2,
  maxRecordSize: 0,
});

export interface PlanInput {
  /** The seed record name (fully qualified). */
  readonly name: string;
  /** What the provider holds now at `name` (A, AAAA) and at the marker name (TXT). */
  readonly current: readonly RecordSet[];
  /** Healthy members of the right cluster. */
  readonly desired: readonly DesiredMember[];
  /** How many candidates the sources offered (healthy or not): tells a health outage from an empty cluster. */
  readonly candidates: number;
  readonly policy: PlanPolicy;
  /** What the provider can hold (DEFAULT_PROVIDER_LIMITS when absent): never exceeded, whatever maxRecordSize says. */
  readonly limits?: ProviderLimits;
}

/** A family with more healthy members than it may publish: who bound it and how many were left out. */
export interface CappedFamily {
  readonly family: 'A' | 'AAAA';
  readonly healthy: number;
  readonly published: number;
  readonly limit: number;
  readonly reason: 'max-record-size' | 'provider-limit';
}

export type PlanNoteCode =
  /** Nothing desired although records exist: kept the last known good set. */
  | 'fail-open'
  /** More removals were due than the cap allows. */
  | 'removals-capped'
  /** The record exists but carries no marker of ours: untouched. */
  | 'not-owned'
  /** More members than the size cap: a subset is published. */
  | 'size-capped'
  /** More members than the provider can hold in one record: a stable subset is published. */
  | 'provider-limit'
  /** upsert-only kept addresses that sync would remove. */
  | 'upsert-only'
  | 'in-sync';

export interface PlanNote {
  readonly code: PlanNoteCode;
  readonly message: string;
}

export interface Plan {
  /** Changes for the provider, in one batch (records and marker together). */
  readonly changes: readonly RecordChange[];
  /** The A and AAAA values after the changes. */
  readonly published: { readonly A: readonly string[]; readonly AAAA: readonly string[] };
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Addresses due for removal that the per-cycle cap postponed. */
  readonly deferred?: readonly string[];
  readonly notes: readonly PlanNote[];
  /** True when the plan refuses to act (the record is not ours). */
  readonly refused: boolean;
  /** Families capped by maxRecordSize or the provider's limits (absent or empty: none). */
  readonly capped?: readonly CappedFamily[];
}
