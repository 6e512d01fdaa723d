/**
 * The faults a chaos run applies, each with apply and undo. A fault chooses its target among those eligible
 * when it fires (pick % eligible.length), so adding registrar replicas to the world makes the registrar
 * faults pick one of them with no change here.
 */
import type { FaultKindSpec } from './schedule.js';
import { CLUSTER_NAME, OTHER_CLUSTER, type ChaosWorld } from './world.js';

export interface FaultTarget {
  /** For the report: `registrar r1`, `node BB9010011AC4202 (127.0.0.150)`. */
  readonly label: string;
  apply(): Promise<void>;
  undo(): Promise<void>;
}

export interface FaultDef extends FaultKindSpec {
  /** What this fault can hit in the world's current state (empty: skipped this time). */
  eligible(world: ChaosWorld): FaultTarget[];
}

/** Node faults leave at least this many healthy members: the record has something true to hold. */
export const MIN_HEALTHY = 2;

function healthyNodes(world: ChaosWorld) {
  const nodes = world.sim.nodes.filter((n) => n.running && n.clusterName === CLUSTER_NAME);
  return nodes.length > MIN_HEALTHY ? nodes : [];
}

export const FAULTS: readonly FaultDef[] = Object.freeze([
  {
    kind: 'registrar-kill9',
    minHoldMs: 500,
    maxHoldMs: 4000,
    eligible: (world) =>
      world.registrars
        .filter((r) => r.running && !r.isPaused)
        .map((r) => ({ label: `registrar ${r.id}`, apply: () => r.kill(), undo: () => r.start() })),
  },
  {
    kind: 'registrar-pause',
    minHoldMs: 500,
    maxHoldMs: 6000,
    eligible: (world) =>
      world.registrars
        .filter((r) => r.running && !r.isPaused)
        .map((r) => ({
          label: `registrar ${r.id}`,
          apply: () => Promise.resolve(r.signal('SIGSTOP')),
          undo: () => Promise.resolve(r.signal('SIGCONT')),
        })),
  },
  {
    kind: 'node-stop',
    minHoldMs: 500,
    maxHoldMs: 5000,
    eligible: (world) =>
      healthyNodes(world).map((n) => ({
        label: `node ${n.id} (${n.address.host})`,
        apply: () => n.stop(),
        undo: () => n.start(),
      })),
  },
  {
    kind: 'node-other-cluster',
    minHoldMs: 500,
    maxHoldMs: 5000,
    eligible: (world) =>
      healthyNodes(world).map((n) => ({
        label: `node ${n.id} (${n.address.host}) answers as ${OTHER_CLUSTER}`,
        apply: () => Promise.resolve(n.setClusterName(OTHER_CLUSTER)),
        undo: () => Promise.resolve(n.setClusterName(CLUSTER_NAME)),
      })),
  },
  {
    kind: 'stranger',
    minHoldMs: 1000,
    maxHoldMs: 5000,
    eligible: (world) =>
      world.stranger.running
        ? []
        : [
            {
              label: `stranger of ${OTHER_CLUSTER} at ${world.stranger.address.host}`,
              apply: () => world.stranger.start(),
              undo: () => world.stranger.stop(),
            },
          ],
  },
  {
    // Every replica loses sight of every node at once (BIND stays reachable): fail-open must keep the record.
    kind: 'checker-cut',
    minHoldMs: 500,
    maxHoldMs: 4000,
    eligible: (world) => {
      const cut = world.netCut;
      return cut && !cut.isApplied
        ? [
            {
              label: `registrars cut from the cluster's port ${world.port} (nftables table ${cut.table})`,
              apply: () => cut.apply(),
              undo: () => cut.undo(),
            },
          ]
        : [];
    },
  },
  {
    kind: 'bind-restart',
    minHoldMs: 100,
    maxHoldMs: 2000,
    eligible: (world) =>
      world.bind.running
        ? [
            {
              label: `BIND 9 on port ${world.bind.port}`,
              apply: () => world.bind.stop(),
              undo: () => world.bind.start(),
            },
          ]
        : [],
  },
]);
