/**
 * Assemble an agent from a validated config and the command-line overrides: the instance metadata client
 * (IMDSv2, when enabled), the identity resolver (explicit values win), and the registration target
 * (RFC 2136 or Route 53 through the DNS target, or the registrar's agent API).
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, describeError } from '../errors.js';
import { canonicalName } from '../records/canonical.js';
import { createProviderFromConfig } from '../providers/from-config.js';
import { createLogger, type Logger } from '../log/logger.js';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import { isAddressChoice, resolveIdentity } from './identity.js';
import { createImdsClient, type ImdsClient } from './imds.js';
import type { RegistrationTarget } from './target.js';
import { createDnsTarget } from './targets/dns.js';
import { createEveryReplicaTarget } from './targets/every-replica.js';
import { createRegistrarApiTarget } from './targets/registrar-api.js';

/** Command-line values that override the config. */
export interface AgentOverrides {
  readonly id?: string;
  readonly address?: string;
  readonly port?: number;
  /** false: never ask instance metadata (--no-imds). */
  readonly imds?: boolean;
}

export interface AgentRuntime {
  readonly config: AgentConfig;
  readonly agent: Agent;
  readonly target: RegistrationTarget;
  readonly imds: ImdsClient | undefined;
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface BuildAgentContext {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
}

async function loadToken(
  target: Extract<AgentConfig['target'], { type: 'registrar' }>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  if (target.tokenEnv !== undefined) {
    const value = env[target.tokenEnv]?.trim();
    if (!value) throw new ConfigError('target.tokenEnv', `environment variable ${target.tokenEnv} is not set or empty`);
    return value;
  }
  const file = target.tokenFile!;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'target.tokenFile',
      `cannot read the token file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      { cause: error },
    );
  }
  const value = text.trim();
  if (value === '') throw new ConfigError('target.tokenFile', `the token file ${file} is empty`);
  return value;
}

/** The registration target of the config. */
export async function createTarget(
  config: AgentConfig,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<RegistrationTarget> {
  const target = config.target;
  if (target.type === 'registrar') {
    const token = await loadToken(target, env);
    const urls = typeof target.url === 'string' ? [target.url] : target.url;
    return createEveryReplicaTarget(
      urls.map((url) => createRegistrarApiTarget({ url, token, timeoutMs: target.timeoutMs })),
      {
        onMissed: (call, missed, of) =>
          logger.warn(
            { call, missed: missed.length, of, errors: missed.map((e) => describeError(e)) },
            `${missed.length} of ${of} registrar replicas missed the ${call}; renewals retry them`,
          ),
      },
    );
  }
  const record = config.record;
  if (record === undefined) throw new ConfigError('record', 'expected the seed record (record.name) for a DNS target');
  const name = canonicalName(record.name);
  const zone = canonicalName(target.zone ?? name.slice(name.indexOf('.') + 1));
  const runtime = await createProviderFromConfig(target, {
    zone,
    ownerId: config.ownerId,
    logger,
    configPath: 'target',
    env,
  });
  const inner = createDnsTarget({
    provider: runtime.provider,
    name,
    ttl: record.ttl,
    ownerId: config.ownerId,
    allowEmpty: record.allowEmpty,
    closeProvider: false,
  });
  return {
    kind: inner.kind,
    register: (member) => inner.register(member),
    deregister: (member) => inner.deregister(member),
    async close() {
      await inner.close();
      await runtime.close();
    },
  };
}

export async function buildAgent(
  config: AgentConfig,
  overrides: AgentOverrides = {},
  context: BuildAgentContext = {},
): Promise<AgentRuntime> {
  const env = context.env ?? process.env;
  const logger = context.logger ?? createLogger(config.log.level);
  if (overrides.address !== undefined && !isAddressChoice(overrides.address)) {
    throw new ConfigError(
      '--address',
      `expected private, public, ipv6 or an IP address, got ${JSON.stringify(overrides.address)}`,
    );
  }
  const imdsOn = config.imds.enabled && overrides.imds !== false;
  const imds = imdsOn
    ? createImdsClient({
        endpoint: config.imds.endpoint,
        timeoutMs: config.imds.timeoutMs,
        budgetMs: config.imds.budgetMs,
        tokenTtlSeconds: config.imds.tokenTtlSeconds,
      })
    : undefined;
  const target = await createTarget(config, env, logger);
  const node = config.node;
  const identity = {
    id: overrides.id ?? node.id,
    address: overrides.address ?? node.address,
    port: overrides.port ?? node.port,
    allowLoopback: node.allowLoopback,
  };
  const agent = new Agent({
    target,
    identity: (signal) => resolveIdentity(identity, imds, signal ? { signal } : {}),
    ...(node.probeHost ? { probeHost: node.probeHost } : {}),
    ...(node.clusterName ? { clusterName: node.clusterName } : {}),
    wait: { timeoutMs: config.wait.timeoutMs, intervalMs: config.wait.intervalMs },
    watch: {
      ...config.watch,
      renewMs: config.watch.renewMs ?? (config.target.type === 'registrar' ? config.watch.intervalMs : 0),
    },
    ...(imds ? { spot: (signal: AbortSignal) => imds.spotInstanceAction({ signal }) } : {}),
  });
  return { config, agent, target, imds, logger, close: () => target.close() };
}
