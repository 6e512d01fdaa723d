/**
 * `cluster` source: the live cluster's own members, found and tended by discovery, each with its node id so
 * health can insist the address still answers as that node.
 */
import { Cluster } from '../discovery/cluster.js';
import type { DiscoveryOptions } from '../discovery/options.js';
import { checkNodeAddress } from '../net/address-policy.js';
import { systemClock, type Clock } from '../time/clock.js';
import type { Candidate, Source } from './types.js';

export interface ClusterSourceOptions {
  readonly seeds: readonly string[];
  readonly discovery?: DiscoveryOptions;
  /** Delay between attempts while the first connect fails. Default 1000 ms. */
  readonly retryMs?: number;
  /** Called when connecting fails (for logs); the source keeps retrying. */
  readonly onError?: (error: unknown) => void;
  /** Accept members on loopback addresses (tests and the demo). Default false. */
  readonly allowLoopback?: boolean;
  /** Told once per address the policy refuses (a node advertising 0.0.0.0, a link-local address...). */
  readonly onRefused?: (nodeId: string, address: string, reason: string) => void;
  /** Waits between connect attempts (tests). Default systemClock. */
  readonly clock?: Clock;
}

export function createClusterSource(options: ClusterSourceOptions): Source & { readonly cluster: Cluster } {
  const cluster = new Cluster(options.seeds, options.discovery ?? {});
  let stopped = false;
  const clock = options.clock ?? systemClock;
  const closing = new AbortController();
  // The last good list survives a transient empty map (every node lost while re-seeding).
  let last: readonly Candidate[] = [];

  const policy = { allowLoopback: options.allowLoopback === true };
  const refused = new Set<string>();
  const snapshot = (): readonly Candidate[] => {
    const candidates: Candidate[] = [];
    for (const n of cluster.nodes) {
      const verdict = checkNodeAddress(n.address.host, policy);
      if (verdict.ok) {
        candidates.push({
          address: verdict.address,
          port: n.address.port,
          id: n.nodeId,
          expectedNodeId: n.nodeId,
          source: 'cluster',
        });
      } else if (refused.size < 1024 && !refused.has(`${n.nodeId} ${n.address.host}`)) {
        refused.add(`${n.nodeId} ${n.address.host}`);
        options.onRefused?.(n.nodeId, n.address.host, verdict.reason);
      }
    }
    if (candidates.length > 0) last = Object.freeze(candidates);
    return last;
  };

  const connect = async (onChange: () => void): Promise<void> => {
    // A fixed pause, not a backoff: the cluster is expected to appear, and the registrar waits for it.
    while (!stopped) {
      try {
        await cluster.connect();
        cluster.startTending();
        onChange();
        return;
      } catch (error) {
        if (stopped) return;
        options.onError?.(error);
        try {
          await clock.sleep(options.retryMs ?? 1000, closing.signal);
        } catch {
          return; // closed while waiting
        }
      }
    }
  };

  return {
    kind: 'cluster',
    cluster,
    start(onChange) {
      for (const event of ['nodeAdded', 'nodeRemoved', 'nodeAddressChanged'] as const)
        cluster.on(event, () => onChange());
      // Connecting may take a while (or fail until the cluster appears): never block the registrar on it.
      void connect(onChange);
      return Promise.resolve();
    },
    candidates: snapshot,
    async close() {
      stopped = true;
      closing.abort();
      await cluster.close();
    },
  };
}
