/**
 * Health checking: probes say pass or fail for one endpoint; the checker turns a stream of results into
 * states with hysteresis and reports transitions.
 */
export interface Endpoint {
  /** `ip:port` (IPv6 bracketed); identity of the endpoint. */
  readonly key: string;
  readonly host: string;
  readonly port: number;
  /** When known (from the cluster source), the node id the endpoint must answer with. */
  readonly expectedNodeId?: string;
}

export type ProbeResult =
  | { readonly ok: true; readonly latencyMs: number; readonly nodeId?: string; readonly clusterName?: string }
  | {
      readonly ok: false;
      readonly latencyMs: number;
      readonly reason: string;
      readonly nodeId?: string;
      readonly clusterName?: string;
    };

export interface Probe {
  readonly kind: 'tcp' | 'aerospike';
  /** Must settle within `timeoutMs`, and must not throw: failures are results. */
  check(endpoint: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult>;
}

export type HealthState = 'unknown' | 'healthy' | 'unhealthy';

export interface EndpointHealth {
  readonly endpoint: Endpoint;
  readonly state: HealthState;
  /** Epoch ms of the last state change. */
  readonly since: number;
  /** Epoch ms since when it has been healthy (undefined unless healthy). */
  readonly healthySince: number | undefined;
  readonly consecutivePasses: number;
  /** Epoch ms of the first failure of the current failing streak. */
  readonly failingSince: number | undefined;
  readonly last: ProbeResult | undefined;
  /** Node id seen by the last passing Aerospike probe. */
  readonly nodeId: string | undefined;
}

export interface HealthTransition {
  readonly endpoint: Endpoint;
  readonly from: HealthState;
  readonly to: HealthState;
  readonly reason: string;
  readonly at: number;
}

export interface HealthOptions {
  /** Probe period per endpoint. Default 1000 ms. */
  readonly intervalMs: number;
  /** Per-probe deadline. Default 500 ms. */
  readonly timeoutMs: number;
  /** Consecutive passes before an endpoint is healthy. Default 2. */
  readonly healthyAfter: number;
  /** Continuous failure before an endpoint is unhealthy; 0 = on the first failure. Default 3000 ms. */
  readonly unhealthyAfterMs: number;
  /**
   * Random spread of probe starts, as a fraction of the interval (0..0.5): a new endpoint's first probe
   * comes within jitter × interval. Periodic probes are spread by a random per-endpoint phase over the whole
   * interval and keep an exact period (see cadence.ts). Default 0.1.
   */
  readonly jitter: number;
  /** Probes in flight at once across all endpoints. Default 1024. */
  readonly maxConcurrent: number;
}

export const DEFAULT_HEALTH_OPTIONS: HealthOptions = Object.freeze({
  intervalMs: 1000,
  timeoutMs: 500,
  healthyAfter: 2,
  unhealthyAfterMs: 3000,
  jitter: 0.1,
  maxConcurrent: 1024,
});
