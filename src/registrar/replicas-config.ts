/**
 * The `replicas` section of the registrar config: off by default (one registrar writes without a lease, as
 * before). With `enabled: true` every replica takes part in the fenced lease of docs/replicas.md; the lease
 * timing is checked by the same rules as src/lease/options.ts, with config paths.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import {
  DEFAULT_LEASE_OPTIONS,
  leaseOptions,
  REPLICA_ID_PATTERN,
  REPLICA_ID_RULE,
  type LeaseOptions,
} from '../lease/index.js';

export const replicasSchema = z
  .object({
    /** Take part in the lease. Off: this registrar writes whenever it reconciles (one replica only). */
    enabled: z.boolean().default(false),
    /**
     * This replica's id, unique among the replicas (two processes with one id would both think they hold the
     * lease). Default: host name, process id and 4 random hex digits (see defaultReplicaId).
     */
    id: z.string().regex(REPLICA_ID_PATTERN, REPLICA_ID_RULE).optional(),
    /** How long one acquisition or renewal of the lease is good for. */
    leaseMs: z.number().int().default(DEFAULT_LEASE_OPTIONS.durationMs),
    /** The holder renews this long after its last write; followers re-read the lease this often. */
    renewMs: z.number().int().default(DEFAULT_LEASE_OPTIONS.renewEveryMs),
    /** How far a replica's clock may be off true time. */
    skewMs: z.number().int().default(DEFAULT_LEASE_OPTIONS.skewMarginMs),
  })
  .strict()
  .superRefine((r, ctx) => {
    const problem = leaseProblem(r);
    if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  })
  .prefault({});

export type ReplicasConfig = z.output<typeof replicasSchema>;

const FIELD: Readonly<Record<keyof LeaseOptions, keyof ReplicasConfig>> = {
  durationMs: 'leaseMs',
  renewEveryMs: 'renewMs',
  skewMarginMs: 'skewMs',
};

/** The lease timing of `r`, checked (ConfigError with the config path). */
export function replicaLeaseOptions(r: Pick<ReplicasConfig, 'leaseMs' | 'renewMs' | 'skewMs'>): LeaseOptions {
  try {
    return leaseOptions({ durationMs: r.leaseMs, renewEveryMs: r.renewMs, skewMarginMs: r.skewMs }, 'replicas');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // leaseOptions names its own fields (replicas.durationMs): say the config's.
    const field = Object.entries(FIELD).find(([option]) => error.path === `replicas.${option}`)?.[1] ?? 'leaseMs';
    throw new ConfigError(
      `replicas.${field}`,
      error.message.replace(/^[^:]*:\s*/, '').replace(/durationMs/g, 'leaseMs'),
    );
  }
}

function leaseProblem(
  r: Pick<ReplicasConfig, 'leaseMs' | 'renewMs' | 'skewMs'>,
): { path: string[]; message: string } | undefined {
  try {
    replicaLeaseOptions(r);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { path: [error.path.split('.')[1] ?? 'leaseMs'], message: error.message.replace(/^[^:]*:\s*/, '') };
  }
}

/**
 * `<host>-<pid>-<4 hex>`: unique per process even for two replicas on one host, or two containers with one
 * host name and pid 1. It changes on every restart, so a restarted replica never mistakes its predecessor's
 * lease for its own; set `replicas.id` for stable names in logs and metrics.
 */
export function defaultReplicaId(
  host = hostname(),
  pid = process.pid,
  random = randomBytes(2).toString('hex'),
): string {
  const suffix = `-${pid}-${random}`;
  const cleaned = host.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'replica';
  return `${cleaned.slice(0, 64 - suffix.length)}${suffix}`;
}
