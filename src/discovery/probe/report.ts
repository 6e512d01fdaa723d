/**
 * The probe report: what each seed led to, the cluster found, and problems with a suggested fix. Plain
 * data, ready for JSON; the CLI renders it as text.
 */
export type SeedKind =
  /** The seed address is one the node advertises for itself. */
  | 'direct'
  /** Not the node's own address, and repeated connections reached different nodes: a load balancer. */
  | 'load-balancer'
  /** Not the node's own address, but always the same node: NAT, an extra listener, or a one-node LB. */
  | 'alias'
  /** The node advertises no address, so we cannot tell. */
  | 'unknown';

export interface AttemptReport {
  readonly address: string;
  readonly outcome: 'node' | 'failed' | 'no-answer' | 'not-tried';
  readonly ms: number;
  readonly error?: string;
  readonly nodeId?: string;
}

export interface SeedReport {
  readonly seed: string;
  /** Every address the seed resolved to. */
  readonly addresses: readonly string[];
  readonly resolveError?: string;
  readonly reached: boolean;
  readonly loadBalancer: boolean;
  readonly kind: SeedKind | undefined;
  readonly nodeId: string | undefined;
  /** What the node answering this seed advertises as its own address(es). */
  readonly advertised: readonly string[];
  /** The address used instead of the seed after a redirect. */
  readonly redirectedTo: string | undefined;
  readonly attempts: readonly AttemptReport[];
}

export interface NodeReport {
  readonly nodeId: string;
  readonly address: string;
  readonly port: number;
  readonly reachable: boolean;
  readonly aliases: readonly string[];
  readonly build: string | undefined;
  readonly clusterName: string | undefined;
  /** How we learned of it: a seed, or a peer list (naming the reporting node). */
  readonly source: string;
}

export type WarningCode =
  | 'seed-unresolved'
  | 'seed-address-failed'
  | 'seed-address-silent'
  | 'seed-unreachable'
  | 'load-balancer'
  | 'loopback-load-balancer'
  | 'advertised-unreachable'
  | 'no-access-address'
  | 'peer-unreachable'
  | 'oversized-peer-list'
  | 'peer-entry-invalid'
  | 'long-negative-ttl'
  | 'cluster-name-mismatch'
  | 'mixed-cluster-names'
  | 'dns-seed-ports'
  | 'no-node';

export interface ProbeWarning {
  readonly code: WarningCode;
  /** `error` problems make `probe` exit non-zero; `warning` and `info` do not. */
  readonly severity: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly fix?: string;
  readonly nodeId?: string;
  readonly address?: string;
}

export interface ProbeReport {
  readonly seeds: readonly SeedReport[];
  readonly nodes: readonly NodeReport[];
  readonly warnings: readonly ProbeWarning[];
  readonly clusterName: string | undefined;
  readonly timings: {
    /** From the start to the first validated node; undefined when none. */
    readonly firstNodeMs: number | undefined;
    /** From the start to the complete cluster map. */
    readonly clusterMs: number;
  };
  /** True when at least one node was reached and no problem is an error. */
  readonly ok: boolean;
}
