/**
 * The DNS provider part of a config file (embedded, rfc2136, route53), shared by the registrar (any of the
 * three) and the agent (rfc2136 or route53 as its target). src/providers/from-config.ts builds providers from it.
 */
import { z } from 'zod';
import { hostPort } from './common-schema.js';
import { DEFAULT_SERVICE_PORT } from '../net/endpoint.js';

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
     * What reads and writes UDP: `native` (the native engine: threads answering from the pre-encoded zone;
     * start fails without it), `node` (Node's dgram), `auto` = native when it loads, else node (docs/registrar.md).
     */
    engine: z.enum(['auto', 'native', 'node']).default('auto'),
    /**
     * Answering workers: native threads, or node processes (N > 1 forks workers that share one socket and do
     * not scale with cores on Node 20). `auto` = one thread per core with native, the registrar's own process
     * with node.
     */
    workers: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
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
        secretEnv: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
          .optional(),
      })
      .strict()
      .refine((k) => (k.file === undefined) !== (k.secretEnv === undefined), {
        message: 'expected exactly one of file or secretEnv',
      })
      .optional(),
    /** Send unsigned updates (only for servers that authorise by address). Default false. */
    allowUnsigned: z.boolean().default(false),
    /** Deadline of one attempt, ms. */
    timeoutMs: z.number().int().min(100).max(60_000).default(2000),
    /** Most addresses in one set; BIND 9.18.28+ refuses more than its max-records-per-type (default 100). */
    maxRecordsPerSet: z.number().int().min(1).max(400).default(100),
  })
  .strict()
  .refine((p) => p.key !== undefined || p.allowUnsigned, {
    message:
      'expected a TSIG key (key.file or key.secretEnv); set allowUnsigned: true only for a server that authorises updates by address',
    path: ['key'],
  });

export const route53Provider = z
  .object({
    type: z.literal('route53'),
    hostedZoneId: z
      .string()
      .regex(/^(\/hostedzone\/)?[A-Z0-9]{1,32}$/, 'expected a hosted zone id like Z0123456789ABC'),
    zone: z.string().min(1).optional(),
    /** `shared`: one multi-value record changed by compare-and-swap; `per-node`: one multivalue-answer record per node. */
    mode: z.enum(['shared', 'per-node']).default('shared'),
    /** Route 53 is global; the API endpoint region. */
    region: z.string().min(1).default('us-east-1'),
    /** per-node only: a Route 53 health check per node (TCP to this port; public addresses only). */
    healthChecks: z
      .object({ port: z.number().int().min(1).max(65535).default(DEFAULT_SERVICE_PORT) })
      .strict()
      .optional(),
    /** Wait for INSYNC after each change (bounded). */
    waitForInsyncMs: z.number().int().min(1000).max(900_000).optional(),
    /** Shared by every call of this registrar; Route 53's account bucket (burst 50, refill 10/s) is shared by all clients. */
    requestsPerSecond: z.number().min(0.1).max(10).default(5),
  })
  .strict()
  .refine((p) => !(p.healthChecks && p.mode === 'shared'), {
    message: 'health checks need mode: per-node (each node has its own record)',
    path: ['healthChecks'],
  });

export const providerSchema = z.discriminatedUnion('type', [embeddedProvider, rfc2136Provider, route53Provider]);

export type ProviderConfig = z.output<typeof providerSchema>;
export type EmbeddedProviderConfig = z.output<typeof embeddedProvider>;
export type Rfc2136ProviderConfig = z.output<typeof rfc2136Provider>;
export type Route53ProviderConfig = z.output<typeof route53Provider>;
