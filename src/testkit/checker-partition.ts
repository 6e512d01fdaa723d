/**
 * A probe decorator that can cut the health checker off from the network: while cut, every probe fails
 * the way it would if the checker's own network were down (nothing answers), though the nodes are fine.
 */
import type { Endpoint, Probe, ProbeResult } from '../health/types.js';

export interface PartitionableProbe extends Probe {
  /** Cut (true) or restore (false) the checker's network. */
  partition(cut: boolean): void;
  readonly partitioned: boolean;
}

export function partitionable(inner: Probe): PartitionableProbe {
  let cut = false;
  return {
    kind: inner.kind,
    get partitioned() {
      return cut;
    },
    partition(value: boolean) {
      cut = value;
    },
    check(endpoint: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
      if (!cut) return inner.check(endpoint, timeoutMs, signal);
      return Promise.resolve({ ok: false, latencyMs: timeoutMs, reason: 'network unreachable (checker partitioned)' });
    },
  };
}
