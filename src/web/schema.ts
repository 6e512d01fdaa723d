/**
 * The JSON document of `GET /v1/status` (and of every `status` server-sent event), version 1. Additive
 * changes keep `schema: "seedkeeper.status/v1"`; removing or changing a field means v2. docs/status-page.md
 * describes every field.
 */
export const STATUS_SCHEMA = 'seedkeeper.status/v1';

export type Verdict = 'healthy' | 'unhealthy' | 'unknown';

/** Why a candidate is in the record or out of it (one code; `text` says it in words). */
export type WhyCode =
  | 'healthy' // healthy and published
  | 'pending' // healthy, not yet published (the next reconcile adds it)
  | 'waiting' // no verdict yet
  | 'failing' // failing, not yet for unhealthy-after: still published
  | 'unhealthy' // failed for unhealthy-after: out
  | 'other-cluster' // answers as another cluster (or another node id): out
  | 'removal-cap' // due for removal, postponed by maxRemovalsPerCycle
  | 'fail-open' // every candidate failing: record kept as last known good
  | 'recovering' // after an outage, judged on post-outage evidence only
  | 'size-cap' // healthy but left out by maxRecordSize
  | 'upsert-only' // would be removed, but the mode only adds
  | 'not-owned'; // the record is not ours: nothing is changed

export interface Why {
  readonly code: WhyCode;
  /** Whether the address is in the published record. */
  readonly published: boolean;
  readonly text: string;
}

export interface VerdictSample {
  /** Epoch ms. */
  readonly at: number;
  readonly verdict: Verdict;
  /** True when the endpoint was failing at that moment (even if still healthy). */
  readonly failing: boolean;
}

export interface CandidateStatus {
  /** `ip:port` ([v6]:port). */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly nodeId: string | null;
  /** Kinds of every source that offers it (cluster, static, aws-asg, agent). */
  readonly sources: readonly string[];
  readonly verdict: Verdict;
  /** Epoch ms of the last verdict change. */
  readonly since: number;
  readonly passes: number;
  /** How long the current failing streak lasts, ms (null when not failing). */
  readonly failingForMs: number | null;
  readonly lastProbe: { readonly ok: boolean; readonly latencyMs: number; readonly reason: string | null } | null;
  readonly why: Why;
  /** Recent verdicts, oldest first (one sample per second or so). */
  readonly history: readonly VerdictSample[];
}

export interface RecordFamily {
  readonly type: 'A' | 'AAAA';
  readonly values: readonly string[];
}

export interface RecordStatus {
  readonly name: string;
  readonly ttl: number;
  readonly families: readonly RecordFamily[];
  /** SOA serial of the zone when the provider serves it (embedded), else null. */
  readonly serial: number | null;
  /** Epoch ms of the last change this process applied (null: none since start). */
  readonly lastChangedAt: number | null;
  readonly marker: { readonly name: string; readonly value: string; readonly owned: boolean };
  readonly mode: 'sync' | 'upsert-only';
}

export interface ReconcileEntry {
  readonly at: number;
  readonly trigger: string;
  readonly result: 'changed' | 'unchanged' | 'refused' | 'error';
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly deferred: readonly string[];
  readonly notes: readonly { readonly code: string; readonly message: string }[];
  readonly error: string | null;
  /** How many identical consecutive runs this entry stands for. */
  readonly repeat: number;
}

export interface DnsAnswerStatus {
  /** `authoritative 127.0.0.1:5353` or `system resolver`. */
  readonly label: string;
  /** Server queried (`host:port`), or null for the system resolver. */
  readonly server: string | null;
  readonly addresses: readonly string[];
  /** TTL of the answer in seconds (for a caching resolver: what is left). */
  readonly ttl: number | null;
  readonly error: string | null;
  readonly at: number | null;
}

export type DifferenceKind = 'in-dns-not-member' | 'member-not-in-dns' | 'in-dns-unhealthy' | 'resolver-stale';

export interface Difference {
  readonly kind: DifferenceKind;
  readonly address: string;
  readonly text: string;
}

export interface HostsString {
  readonly client: 'node' | 'c' | 'java' | 'go' | 'python' | 'xdr';
  /** Through the seed name (follows the record). */
  readonly seed: string;
  /** The published addresses, as the record holds them now. */
  readonly direct: string;
}

export interface StatusV1 {
  readonly schema: typeof STATUS_SCHEMA;
  readonly generatedAt: number;
  readonly registrar: {
    readonly running: boolean;
    readonly outage: 'none' | 'active' | 'recovering';
    readonly unhealthyAfterMs: number;
    /**
     * Acknowledged writes that the next read did not show (a server that answers "applied" but applies
     * nothing), and the last such case: one line per set, or null.
     */
    readonly writesNotVisible: {
      readonly count: number;
      readonly last: { readonly at: number; readonly sets: readonly string[] } | null;
    };
    /** `single` without replicas; else this replica's role, the lease holder, its term and the lease's age. */
    readonly replicas: {
      readonly mode: 'single' | 'leader' | 'follower';
      readonly replica: string | null;
      readonly leader: string | null;
      readonly term: number | null;
      readonly leaseAgeMs: number | null;
    };
  };
  readonly record: RecordStatus;
  readonly candidates: readonly CandidateStatus[];
  readonly reconciles: readonly ReconcileEntry[];
  readonly clients: {
    readonly answers: readonly DnsAnswerStatus[];
    readonly differences: readonly Difference[];
    readonly hosts: readonly HostsString[];
  };
}
