/**
 * The registrar configuration (YAML or JSON), validated once with zod. Every option has a documented
 * default: docs/configuration.md lists every key (test/registrar/config-docs.test.ts keeps it complete), and
 * examples/ show them.
 */
import { z } from 'zod';
import { hostPort, logSchema, ownerIdSchema, recordSchema } from '../config/common-schema.js';
import { providerSchema } from '../config/provider-schema.js';
import { configProblems } from './config-check.js';
import { replicasSchema } from './replicas-config.js';
import { DEFAULT_SERVICE_PORT } from '../net/endpoint.js';

const clusterSource = z
  .object({
    type: z.literal('cluster'),
    /** Seeds: host[:tlsname][:port]. */
    seeds: z.array(z.string().min(1)).min(1),
    /** Only nodes of this cluster are candidates (and healthy). */
    clusterName: z.string().min(1).optional(),
    /** Publish the nodes' alternate-access addresses. */
    alternate: z.boolean().default(false),
    /** Resolve seed names with these servers (ip or ip:port). */
    dnsServers: z.array(z.string().min(1)).default([]),
    /** Tend period of the discovery map. */
    tendIntervalMs: z.number().int().min(100).max(60_000).default(1000),
  })
  .strict();

const staticSource = z
  .object({
    type: z.literal('static'),
    addresses: z.array(z.string().min(1)).default([]),
    cidrs: z.array(z.string().min(1)).default([]),
    port: z.number().int().min(1).max(65535).default(DEFAULT_SERVICE_PORT),
  })
  .strict()
  .refine((s) => s.addresses.length + s.cidrs.length > 0, {
    message: 'expected at least one entry in addresses or cidrs',
  });

const awsAsgSource = z
  .object({
    type: z.literal('aws-asg'),
    /** Auto Scaling group names: their InService, Healthy, running instances are candidates. */
    groups: z.array(z.string().min(1)).min(1),
    /** Which address of each instance to publish. */
    address: z.enum(['private', 'public', 'ipv6']).default('private'),
    port: z.number().int().min(1).max(65535).default(DEFAULT_SERVICE_PORT),
    /** AWS region of the groups (default: the SDK's own resolution, e.g. AWS_REGION). */
    region: z.string().min(1).optional(),
    refreshMs: z.number().int().min(1000).max(3_600_000).default(30_000),
  })
  .strict();

const agentSource = z
  .object({
    type: z.literal('agent'),
    /**
     * Registrations expire after this long without a renewal; 0 (default) = never. With a lease, agents
     * re-register on their watch interval (keep it well below the lease), so a node that vanished without
     * deregistering leaves by itself.
     */
    leaseMs: z
      .number()
      .int()
      .min(0)
      .max(86_400_000)
      .default(0)
      .refine((ms) => ms === 0 || ms >= 1000, { message: 'expected 0 (no lease) or at least 1000 ms' }),
    /** Most members held at once. */
    maxMembers: z.number().int().min(1).max(4096).default(4096),
  })
  .strict();

/** Where the agent API's bearer token is read at start: an environment variable or a file (first line). */
const agentToken = z
  .object({
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional(),
    file: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => (t.env === undefined) !== (t.file === undefined), { message: 'expected exactly one of env or file' });

export const configSchema = z
  .object({
    record: recordSchema,
    ownerId: ownerIdSchema,
    /** Accept loopback node addresses (127.0.0.0/8, ::1) from every source: tests and the one-machine demo only. */
    allowLoopback: z.boolean().default(false),
    sources: z.array(z.discriminatedUnion('type', [clusterSource, staticSource, awsAsgSource, agentSource])).min(1),
    health: z
      .object({
        /** `aerospike`: answers info, status ok, right cluster and node id. `tcp`: the port accepts connections. */
        probe: z.enum(['aerospike', 'tcp']).default('aerospike'),
        /** Required cluster name (default: the cluster source's clusterName, if any). */
        clusterName: z.string().min(1).optional(),
        intervalMs: z.number().int().min(50).max(600_000).default(1000),
        timeoutMs: z.number().int().min(10).max(60_000).default(500),
        healthyAfter: z.number().int().min(1).max(100).default(2),
        unhealthyAfterMs: z.number().int().min(0).max(3_600_000).default(3000),
        jitter: z.number().min(0).max(0.5).default(0.1),
      })
      .strict()
      .refine((h) => h.timeoutMs <= h.intervalMs, {
        message: 'expected timeoutMs <= intervalMs (a probe must end before the next one starts)',
        path: ['timeoutMs'],
      })
      .refine((h) => h.unhealthyAfterMs >= h.intervalMs, {
        message:
          'expected unhealthyAfterMs >= intervalMs (fail open compares failing streaks: with a shorter unhealthyAfterMs the first node seen failing is removed before the others are probed)',
        path: ['unhealthyAfterMs'],
      })
      .prefault({}),
    plan: z
      .object({
        mode: z.enum(['sync', 'upsert-only']).default('sync'),
        maxRemovalsPerCycle: z.number().int().min(1).max(1000).default(2),
        /** Publish at most this many addresses per family; 0 = all. */
        maxRecordSize: z.number().int().min(0).max(400).default(0),
      })
      .strict()
      .prefault({}),
    provider: providerSchema.prefault({ type: 'embedded' }),
    registrar: z
      .object({
        /** Full reconcile period (health changes trigger one sooner). */
        intervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
        /** Coalesce bursts of changes into one reconcile. */
        debounceMs: z.number().int().min(0).max(60_000).default(50),
      })
      .strict()
      .prefault({}),
    /** Several registrars for one record: a fenced lease in the record's zone (docs/registrar.md, Replicas). */
    replicas: replicasSchema,
    http: z
      .object({
        /**
         * `/metrics`, `/healthz` and (with an agent source) the agent API; loopback unless you choose otherwise.
         * Agents on other hosts need a VPC-private address here, or a TLS reverse proxy in front. `off` disables it.
         */
        listen: z.union([hostPort, z.literal('off')]).default('127.0.0.1:9464'),
        /** Bearer token of the agent API (required by an agent source; without it the API is disabled). */
        agentToken: agentToken.optional(),
      })
      .strict()
      .prefault({}),
    log: logSchema,
  })
  .strict()
  // What one field cannot say alone (addresses under the policy, listen addresses, the zone, the agent API):
  // checked here so that nothing starts on a config that cannot work.
  .superRefine((config, ctx) => {
    let problems: ReturnType<typeof configProblems>;
    try {
      problems = configProblems(config);
    } catch {
      return; // Zod runs this after field errors too: those already say what is wrong.
    }
    for (const problem of problems) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

export type RegistrarConfig = z.output<typeof configSchema>;
export type SourceConfig = RegistrarConfig['sources'][number];
