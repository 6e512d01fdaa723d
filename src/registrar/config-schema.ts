/**
 * The registrar configuration (YAML or JSON), validated once with zod. Every option has a documented
 * default; `docs/configuration.md` and examples/ show them.
 */
import { z } from 'zod';
import { configProblems } from './config-check.js';

export const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'expected host:port (IPv6 as [addr]:port)');

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
    port: z.number().int().min(1).max(65535).default(3000),
  })
  .strict()
  .refine((s) => s.addresses.length + s.cidrs.length > 0, { message: 'expected at least one entry in addresses or cidrs' });

const awsAsgSource = z
  .object({
    type: z.literal('aws-asg'),
    /** Auto Scaling group names: their InService, Healthy, running instances are candidates. */
    groups: z.array(z.string().min(1)).min(1),
    /** Which address of each instance to publish. */
    address: z.enum(['private', 'public', 'ipv6']).default('private'),
    port: z.number().int().min(1).max(65535).default(3000),
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
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').optional(),
    file: z.string().min(1).optional(),
  })
  .strict()
  .refine((t) => (t.env === undefined) !== (t.file === undefined), { message: 'expected exactly one of env or file' });

export const embeddedProvider = z
  .object({
    type: z.literal('embedded'),
    /** Zone served; default: the record name without its first label. */
    zone: z.string().min(1).optional(),
    /** Where the authoritative server listens (UDP and TCP); 15353 collides with nothing common (docs/registrar.md). */
    listen: hostPort.default('127.0.0.1:15353'),
    /**
     * The zone is kept in this file and served from it at once after a restart; `off` keeps it in memory only.
     * Default: `$STATE_DIRECTORY`, `$XDG_STATE_HOME/seedkeeper` or `~/.local/state/seedkeeper`, file
     * `embedded-<zone>-<port>.json`; none when listening on port 0.
     */
    stateFile: z.string().min(1).optional(),
    /**
     * Processes answering queries: 1 = the registrar's own process (default); N or `auto` (one per core) fork
     * workers. On Node 20 the workers share one socket and do not scale with cores (docs/registrar.md).
     */
    workers: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default(1),
    /** SOA minimum, seconds: how long resolvers may cache "no such name" or "no such type". */
    negativeTtl: z.number().int().min(0).max(3600).default(5),
    /** DNS-over-TCP limits (the slowloris defence). */
    tcp: z
      .object({
        /** One message, first byte of its length prefix to last byte. */
        messageTimeoutMs: z.number().int().min(100).max(60_000).default(2000),
        /** Between messages. */
        idleTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
        /** Longest life of one connection. */
        lifetimeMs: z.number().int().min(1000).max(3_600_000).default(60_000),
        /** Connections at once; a new one beyond evicts the one waiting longest. */
        maxConnections: z.number().int().min(1).max(100_000).default(256),
        /** Connections at once from one IPv4 address or IPv6 /64; further ones are refused. */
        maxConnectionsPerSource: z.number().int().min(1).max(100_000).default(32),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export const rfc2136Provider = z
  .object({
    type: z.literal('rfc2136'),
    /** The zone's primary server, where updates go (host:port). */
    server: hostPort,
    /** The zone to update; default: the record name without its first label. */
    zone: z.string().min(1).optional(),
    /** TSIG key: a BIND key file (tsig-keygen), or name + algorithm + an environment variable holding the secret. */
    key: z
      .object({
        file: z.string().min(1).optional(),
        name: z.string().min(1).optional(),
        algorithm: z.enum(['hmac-sha256', 'hmac-sha512']).optional(),
        secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').optional(),
      })
      .strict()
      .refine((k) => (k.file === undefined) !== (k.secretEnv === undefined), { message: 'expected exactly one of file or secretEnv' })
      .optional(),
    /** Send unsigned updates (only for servers that authorise by address). Default false. */
    allowUnsigned: z.boolean().default(false),
    /** Deadline of one attempt, ms. */
    timeoutMs: z.number().int().min(100).max(60_000).default(2000),
    /** Most addresses in one set; BIND 9.18.28+ refuses more than its max-records-per-type (default 100). */
    maxRecordsPerSet: z.number().int().min(1).max(400).default(100),
  })
  .strict()
  .refine((p) => p.key !== undefined || p.allowUnsigned, { message: 'expected a TSIG key (key.file or key.secretEnv); set allowUnsigned: true only for a server that authorises updates by address', path: ['key'] });

export const route53Provider = z
  .object({
    type: z.literal('route53'),
    hostedZoneId: z.string().regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, 'expected a hosted zone id like Z0123456789ABC'),
    zone: z.string().min(1).optional(),
    /** `shared`: one multi-value record changed by compare-and-swap; `per-node`: one multivalue-answer record per node. */
    mode: z.enum(['shared', 'per-node']).default('shared'),
    /** Route 53 is global; the API endpoint region. */
    region: z.string().min(1).default('us-east-1'),
    /** per-node only: a Route 53 health check per node (TCP to this port; public addresses only). */
    healthChecks: z.object({ port: z.number().int().min(1).max(65535).default(3000) }).strict().optional(),
    /** Wait for INSYNC after each change (bounded). */
    waitForInsyncMs: z.number().int().min(1000).max(900_000).optional(),
    /** Shared by every call of this registrar; Route 53's account bucket (burst 50, refill 10/s) is shared by all clients. */
    requestsPerSecond: z.number().min(0.1).max(10).default(5),
  })
  .strict()
  .refine((p) => !(p.healthChecks && p.mode === 'shared'), { message: 'health checks need mode: per-node (each node has its own record)', path: ['healthChecks'] });

export const configSchema = z
  .object({
    record: z
      .object({
        /** The seed name clients use, e.g. seed.db.example.com. */
        name: z.string().regex(/^(?=.{1,253}\.?$)([A-Za-z0-9_-]{1,63}\.)+[A-Za-z0-9_-]{1,63}\.?$/, 'expected a fully qualified DNS name'),
        /** TTL of the published records, seconds: how long clients may keep a removed address. */
        ttl: z.number().int().min(1).max(86_400).default(30),
      })
      .strict(),
    /** Identity in the ownership marker; every replica of one deployment uses the same value. */
    ownerId: z.string().regex(/^[A-Za-z0-9._-]{1,63}$/, 'expected 1-63 letters, digits, dots, dashes or underscores').default('seedkeeper'),
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
      .refine((h) => h.timeoutMs <= h.intervalMs, { message: 'expected timeoutMs <= intervalMs (a probe must end before the next one starts)', path: ['timeoutMs'] })
      .refine((h) => h.unhealthyAfterMs >= h.intervalMs, {
        message: 'expected unhealthyAfterMs >= intervalMs (fail open compares failing streaks: with a shorter unhealthyAfterMs the first node seen failing is removed before the others are probed)',
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
    provider: z.discriminatedUnion('type', [embeddedProvider, rfc2136Provider, route53Provider]).prefault({ type: 'embedded' }),
    registrar: z
      .object({
        /** Full reconcile period (health changes trigger one sooner). */
        intervalMs: z.number().int().min(100).max(3_600_000).default(10_000),
        /** Coalesce bursts of changes into one reconcile. */
        debounceMs: z.number().int().min(0).max(60_000).default(50),
      })
      .strict()
      .prefault({}),
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
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        /** Logs go to stderr: `pretty` lines for people, `json` lines for collectors; default pretty on a terminal, else json. */
        format: z.enum(['pretty', 'json']).optional(),
      })
      .strict()
      .prefault({}),
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
export type ProviderConfig = RegistrarConfig['provider'];
