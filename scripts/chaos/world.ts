/**
 * What the chaos run acts on: real BIND 9 on loopback with TSIG, the simulated cluster (nodes on distinct
 * loopback addresses 127.0.0.x, one shared port), a stranger node of another cluster at a spare address in
 * the registrar's static list (it must never be published), and a list of registrar processes: one
 * entry per replica, each with its own id, lease identity and TSIG key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import type { SimNode } from '../../src/testkit/sim-node.js';
import { freePort } from '../../test/harness/ports.js';
import { createChaosBind, type ChaosBind } from './bind.js';
import { NetCut } from './netcut.js';
import { RegistrarProcess } from './registrar-process.js';

export interface ChaosTiming {
  readonly healthIntervalMs: number;
  readonly unhealthyAfterMs: number;
  readonly healthyAfter: number;
  readonly reconcileIntervalMs: number;
  /** Time a (re)started registrar may take to start and reconcile once. */
  readonly startupMs: number;
}

export const DEFAULT_CHAOS_TIMING: ChaosTiming = Object.freeze({
  healthIntervalMs: 250,
  unhealthyAfterMs: 1000,
  healthyAfter: 2,
  reconcileIntervalMs: 2000,
  startupMs: 10_000,
});

/**
 * The replicas' lease in a chaos run: short, so that SIGSTOP faults (up to 6 s) outlast it and a follower takes
 * over while the paused leader still believes it leads (the fencing case); renewMs * 2 + skewMs <= leaseMs.
 */
export const CHAOS_LEASE = Object.freeze({ leaseMs: 3000, renewMs: 1000, skewMs: 500 });

/**
 * After the last fault is undone the record must equal the healthy set within this (X + N intervals + a
 * reconcile + a start, and with replicas a takeover: lease + skew + one renew interval).
 */
export function convergenceBoundMs(t: ChaosTiming, replicas = 1): number {
  const takeover = replicas > 1 ? CHAOS_LEASE.leaseMs + CHAOS_LEASE.skewMs + CHAOS_LEASE.renewMs : 0;
  return (
    t.unhealthyAfterMs + (t.healthyAfter + 1) * t.healthIntervalMs + t.reconcileIntervalMs + t.startupMs + takeover
  );
}

export interface ChaosWorldOptions {
  readonly nodes: number;
  readonly replicas: number;
  /** Node i listens on 127.0.0.(ipBase + i); the stranger on 127.0.0.(ipBase + nodes). */
  readonly ipBase: number;
  readonly timing: ChaosTiming;
  /** Upper bound on every process's life, s. */
  readonly maxLifetimeSec: number;
}

export const CLUSTER_NAME = 'chaos';
export const OTHER_CLUSTER = 'chaos-other';
export const ZONE = 'seed.test';
export const RECORD = `db.${ZONE}`;

export class ChaosWorld {
  private constructor(
    readonly options: ChaosWorldOptions,
    readonly dir: string,
    readonly bind: ChaosBind,
    readonly sim: SimCluster,
    readonly stranger: SimNode,
    private readonly strangerCluster: SimCluster,
    readonly registrars: readonly RegistrarProcess[],
    readonly port: number,
    /** The checker's network cut; undefined (with `netCutUnavailable`) where nftables cannot be used. */
    readonly netCut: NetCut | undefined,
    readonly netCutUnavailable: string | undefined,
  ) {}

  static async start(options: ChaosWorldOptions): Promise<ChaosWorld> {
    if (!Number.isInteger(options.nodes) || options.nodes < 3 || options.nodes > 16)
      throw new RangeError('nodes must be 3..16');
    if (!Number.isInteger(options.replicas) || options.replicas < 1 || options.replicas > 5)
      throw new RangeError('replicas must be 1..5');
    if (options.ipBase < 2 || options.ipBase + options.nodes > 254)
      throw new RangeError('ipBase leaves no room for the nodes');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-chaos-'));
    const cleanup: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
    try {
      const ids = Array.from({ length: options.replicas }, (_, i) => `r${i + 1}`);
      // Replicas sign with a key each, so that BIND's log names who wrote (scripts/chaos/fencing.ts).
      const bind = await createChaosBind(ZONE, options.maxLifetimeSec, options.replicas > 1 ? ids : []);
      cleanup.unshift(() => bind.close());
      await bind.start();
      const ips = Array.from({ length: options.nodes }, (_, i) => `127.0.0.${options.ipBase + i}`);
      const strangerIp = `127.0.0.${options.ipBase + options.nodes}`;
      const port = await freePort();
      const sim = await startSimCluster({
        nodes: options.nodes,
        clusterName: CLUSTER_NAME,
        nodeOptions: ips.map((host) => ({ listen: [{ host, port }] })),
      });
      cleanup.unshift(() => sim.stop());
      const strangerCluster = await startSimCluster({
        nodes: 1,
        clusterName: OTHER_CLUSTER,
        nodeIds: ['CC0010011AC4202'],
        nodeOptions: [{ listen: [{ host: strangerIp, port }], start: false }],
      });
      cleanup.unshift(() => strangerCluster.stop());
      const net = await NetCut.create([...ips, strangerIp], port);
      if (net.cut) cleanup.unshift(() => net.cut.close());
      const t = options.timing;
      const config = (id: string): Record<string, unknown> => ({
        record: { name: RECORD, ttl: 5 },
        ownerId: 'chaos',
        allowLoopback: true,
        sources: [{ type: 'static', addresses: [...ips, strangerIp], port }],
        health: {
          probe: 'aerospike',
          clusterName: CLUSTER_NAME,
          intervalMs: t.healthIntervalMs,
          timeoutMs: Math.min(200, t.healthIntervalMs),
          healthyAfter: t.healthyAfter,
          unhealthyAfterMs: t.unhealthyAfterMs,
        },
        provider: {
          type: 'rfc2136',
          server: `127.0.0.1:${bind.port}`,
          zone: ZONE,
          key: { file: bind.replicaKeyFiles.get(id) ?? bind.keyFile },
          timeoutMs: 1000,
        },
        registrar: { intervalMs: t.reconcileIntervalMs, debounceMs: 20 },
        http: { listen: '127.0.0.1:0' },
        log: { level: 'warn', format: 'json' },
        // Several replicas share the record through the fenced lease (docs/replicas.md); one needs none.
        ...(options.replicas > 1 ? { replicas: { enabled: true, id, ...CHAOS_LEASE } } : {}),
      });
      const registrars = ids.map(
        (id) => new RegistrarProcess({ id, dir, config: config(id), maxLifetimeSec: options.maxLifetimeSec }),
      );
      cleanup.unshift(async () => {
        await Promise.all(registrars.map((r) => r.stop()));
      });
      for (const r of registrars) await r.start();
      return new ChaosWorld(
        options,
        dir,
        bind,
        sim,
        strangerCluster.nodes[0]!,
        strangerCluster,
        registrars,
        port,
        net.cut,
        net.cut ? undefined : net.reason,
      );
    } catch (error) {
      for (const step of cleanup) await step().catch(() => undefined);
      throw error;
    }
  }

  /** Every address of the cluster, up or down: the only addresses the record may ever hold. */
  memberAddresses(): ReadonlySet<string> {
    return new Set(this.sim.nodes.map((n) => n.address.host));
  }

  /** Members that answer as this cluster right now: what the record must converge to. */
  healthyAddresses(): string[] {
    return this.sim.nodes
      .filter((n) => n.running && n.clusterName === CLUSTER_NAME)
      .map((n) => n.address.host)
      .sort();
  }

  async close(): Promise<void> {
    await this.netCut?.close();
    await Promise.all(this.registrars.map((r) => r.stop().catch(() => undefined)));
    await this.strangerCluster.stop().catch(() => undefined);
    await this.sim.stop().catch(() => undefined);
    await this.bind.close().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
