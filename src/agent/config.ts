/**
 * The agent configuration (YAML or JSON), validated once with zod; errors name the path in the file and
 * what was expected. Every option has a default (docs/agent.md lists them); `DEFAULT_AGENT_SETTINGS` and
 * `DEFAULT_IMDS_OPTIONS` are the single source of the numbers.
 */
import { z } from 'zod';
import { logSchema, ownerIdSchema, recordSchema } from '../config/common-schema.js';
import { rfc2136Provider, route53Provider } from '../config/provider-schema.js';
import { loadDocument, validateDocument } from '../config/file.js';
import { DEFAULT_AGENT_SETTINGS } from './agent.js';
import { checkNodeAddress } from '../net/address-policy.js';
import { AGENT_ID_PATTERN, AGENT_ID_RULE } from '../sources/agent-id.js';
import { ADDRESS_MODES, isAddressChoice } from './identity.js';
import { DEFAULT_IMDS_OPTIONS } from './imds.js';
import { DEFAULT_SERVICE_PORT } from '../net/endpoint.js';

const ms = (min: number, max: number, fallback: number) => z.number().int().min(min).max(max).default(fallback);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');

const registrarUrl = z.string().regex(/^https?:\/\/[^\s/]+/, 'expected an http:// or https:// URL');
/** Registrar replicas an agent registers with at most (a lease needs no more than a handful). */
export const MAX_REGISTRAR_REPLICAS = 5;

export const registrarTarget = z
  .object({
    type: z.literal('registrar'),
    /**
     * The registrar's HTTP server (its agent API), e.g. http://10.0.1.5:9464; with registrar replicas, a list of
     * every replica's (each keeps registrations in its own memory; the agent registers with all).
     */
    url: z.union([
      registrarUrl,
      z
        .array(registrarUrl)
        .min(1)
        .max(MAX_REGISTRAR_REPLICAS)
        .refine((urls) => new Set(urls).size === urls.length, 'expected each replica URL once'),
    ]),
    /** Environment variable holding the bearer token. */
    tokenEnv: envName.optional(),
    /** File holding the bearer token (trimmed). */
    tokenFile: z.string().min(1).optional(),
    /** Deadline of one API request, ms. */
    timeoutMs: ms(100, 60_000, 2000),
  })
  .strict()
  .refine((t) => (t.tokenEnv === undefined) !== (t.tokenFile === undefined), {
    message: 'expected exactly one of tokenEnv or tokenFile',
    path: ['tokenEnv'],
  });

const w = DEFAULT_AGENT_SETTINGS.wait;
const wt = DEFAULT_AGENT_SETTINGS.watch;
const im = DEFAULT_IMDS_OPTIONS;

export const agentConfigSchema = z
  .object({
    node: z
      .object({
        /** Node or instance id; default: the instance id from metadata. The registrar's agent API checks the same rule. */
        id: z.string().regex(AGENT_ID_PATTERN, AGENT_ID_RULE).optional(),
        /** `private`, `public`, `ipv6`, or a literal IP address. */
        address: z
          .string()
          .refine(isAddressChoice, 'expected private, public, ipv6 or an IP address')
          .default('private'),
        /** Aerospike's service port. */
        port: z.number().int().min(1).max(65535).default(DEFAULT_SERVICE_PORT),
        /** When set, the node must answer info with this cluster name to count as ready and healthy. */
        clusterName: z.string().min(1).optional(),
        /** Where the agent probes the port; default: the registered address. */
        probeHost: z.string().min(1).optional(),
        /** Accept a loopback node.address (tests and the one-machine demo). Default false. */
        allowLoopback: z.boolean().default(false),
      })
      .strict()
      .superRefine((node, ctx) => {
        // A literal address follows the one address policy (unicast only; loopback only when allowed).
        if (ADDRESS_MODES.includes(node.address)) return;
        const verdict = checkNodeAddress(node.address, { allowLoopback: node.allowLoopback });
        if (!verdict.ok) ctx.addIssue({ code: 'custom', path: ['address'], message: verdict.reason });
      })
      .prefault({}),
    imds: z
      .object({
        /** Ask EC2 instance metadata (IMDSv2) for id and address, and poll the spot notice. */
        enabled: z.boolean().default(true),
        endpoint: z
          .string()
          .regex(
            /^http:\/\/(\[[0-9A-Fa-f:.]+\]|[^\s/:[\]]+)(:\d{1,5})?\/?$/,
            'expected http://host[:port], e.g. http://169.254.169.254 or http://[fd00:ec2::254]',
          )
          .default(im.endpoint),
        timeoutMs: ms(50, 60_000, im.timeoutMs),
        budgetMs: ms(100, 600_000, im.budgetMs),
        tokenTtlSeconds: z.number().int().min(1).max(21_600).default(im.tokenTtlSeconds),
      })
      .strict()
      .prefault({}),
    /** The seed record (rfc2136 and route53 targets). */
    record: recordSchema
      .extend({ allowEmpty: z.boolean().default(false) })
      .strict()
      .optional(),
    ownerId: ownerIdSchema,
    target: z.discriminatedUnion('type', [rfc2136Provider, route53Provider, registrarTarget]),
    wait: z
      .object({
        timeoutMs: ms(1, 86_400_000, w.timeoutMs),
        intervalMs: ms(10, 60_000, w.intervalMs),
        progressEveryMs: ms(100, 3_600_000, 10_000),
      })
      .strict()
      .prefault({}),
    watch: z
      .object({
        intervalMs: ms(10, 600_000, wt.intervalMs),
        unavailableAfterMs: ms(0, 3_600_000, wt.unavailableAfterMs),
        healthyAfter: z.number().int().min(1).max(100).default(wt.healthyAfter),
        spotCheckMs: ms(0, 600_000, wt.spotCheckMs),
        shutdownTimeoutMs: ms(100, 600_000, wt.shutdownTimeoutMs),
        /** Re-register this often while registered; 0 = never. Default: intervalMs for the registrar target (lease renewal), 0 for DNS targets. */
        renewMs: z.number().int().min(0).max(86_400_000).optional(),
      })
      .strict()
      .prefault({}),
    log: logSchema,
  })
  .strict()
  .refine((c) => c.target.type === 'registrar' || c.record !== undefined, {
    message: 'expected the seed record (record.name) for a DNS target',
    path: ['record'],
  });

export type AgentConfig = z.output<typeof agentConfigSchema>;
export type AgentTargetConfig = AgentConfig['target'];

/** Validate an already-parsed document; ConfigError `<file>: <path>: <what was expected>`. */
export function validateAgentConfig(document: unknown, file = 'config'): AgentConfig {
  return validateDocument(agentConfigSchema, document, file);
}

export function loadAgentConfig(file: string): Promise<AgentConfig> {
  return loadDocument(agentConfigSchema, file);
}
