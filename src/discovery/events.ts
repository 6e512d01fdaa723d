/**
 * Typed cluster events, one naming scheme. Every event is also published on the `seedkeeper:discovery`
 * diagnostics channel, which costs nothing when nobody subscribes.
 */
import { DIAGNOSTICS_CHANNELS, diagnosticsPublisher } from '../log/diagnostics.js';
import { EventEmitter } from 'node:events';
import type { HostPort } from '../net/endpoint.js';
import type { NodeDescription } from './description.js';

export type NodeRemovalReason = 'unreachable' | 'not-listed' | 'node-id-changed' | 'cluster-name-changed' | 'closed';

export interface ClusterEvents {
  nodeAdded: { readonly node: NodeDescription };
  nodeRemoved: { readonly node: NodeDescription; readonly reason: NodeRemovalReason };
  nodeAddressChanged: { readonly nodeId: string; readonly previous: HostPort; readonly current: HostPort };
  /** A seed address led to a load balancer or NAT; we now use the node's own address. */
  seedRedirected: { readonly seed: string; readonly from: HostPort; readonly to: HostPort; readonly nodeId: string };
  clusterNameMismatch: {
    readonly address: HostPort;
    readonly nodeId: string;
    readonly expected: string;
    readonly received: string | undefined;
  };
  /** Every node is gone; re-seeding starts. */
  clusterLost: { readonly lastNodes: readonly string[] };
  /** A re-seed attempt failed; the next one is in `delayMs`. */
  reseedFailed: { readonly attempt: number; readonly delayMs: number; readonly error: unknown };
  /** Re-seeding found the cluster again. */
  reseeded: { readonly attempt: number; readonly nodes: readonly string[] };
  /**
   * A node listed more peers than `maxPeersPerNode`: only `accepted` of them are used. Emitted once per node
   * and list size, so a node that keeps sending a huge list does not flood the listeners.
   */
  peerListTruncated: { readonly nodeId: string; readonly listed: number; readonly accepted: number };
  /** Entries of a node's peer list that could not be used (bad port, bad address); the rest were used. */
  peerEntriesRejected: { readonly nodeId: string; readonly count: number; readonly examples: readonly string[] };
  /**
   * A node that answered its last refresh failed this one (emitted once per outage, not per failed tend). It
   * stays in the map until it is not listed any more or, when no node answers, after `maxFailures` tends.
   */
  nodeUnreachable: { readonly nodeId: string; readonly address: HostPort };
  /** A node that was failing answers again; `failures` is how many tends it missed. */
  nodeReachable: { readonly nodeId: string; readonly failures: number };
  /** A node reconnected with another build (a rolling upgrade); the description carries the new one. */
  nodeBuildChanged: { readonly nodeId: string; readonly previous: string; readonly current: string };
  /** A tend step failed in a way that did not change membership (kept for logs and metrics). */
  tendError: { readonly nodeId: string | undefined; readonly error: unknown };
}

export type ClusterEventName = keyof ClusterEvents;

/** One event as a value (what the pure membership steps return): its name and its payload. */
export type ClusterEvent = {
  [K in ClusterEventName]: { readonly type: K; readonly payload: ClusterEvents[K] };
}[ClusterEventName];

const publishDiagnostics = diagnosticsPublisher(DIAGNOSTICS_CHANNELS.discovery);

export class ClusterEventEmitter extends EventEmitter {
  override on<K extends ClusterEventName>(event: K, listener: (payload: ClusterEvents[K]) => void): this {
    return super.on(event, listener);
  }

  override once<K extends ClusterEventName>(event: K, listener: (payload: ClusterEvents[K]) => void): this {
    return super.once(event, listener);
  }

  override off<K extends ClusterEventName>(event: K, listener: (payload: ClusterEvents[K]) => void): this {
    return super.off(event, listener);
  }

  /** Emit to listeners and the diagnostics channel. A throwing listener must not break tending. */
  publish<K extends ClusterEventName>(event: K, payload: ClusterEvents[K]): void {
    this.publishEvent({ type: event, payload } as ClusterEvent);
  }

  publishEvent({ type: event, payload }: ClusterEvent): void {
    publishDiagnostics(event, payload);
    try {
      super.emit(event, payload);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
