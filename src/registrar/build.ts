/**
 * Assemble a registrar from a validated config: sources, probe + health checker, provider (starting the
 * embedded DNS server when that is the provider), metrics, logs and the status endpoint (with the agent API
 * when an agent source and its token are configured).
 */
import { readFile, stat } from 'node:fs/promises';
import { ConfigError, describeError } from '../errors.js';
import { createAerospikeProbe } from '../health/aerospike-probe.js';
import { HealthChecker } from '../health/checker.js';
import { createTcpProbe } from '../health/tcp-probe.js';
import type { Probe } from '../health/types.js';
import { canonicalName } from '../records/canonical.js';
import type { EmbeddedDnsServer } from '../providers/embedded/server.js';
import { registerEmbeddedDnsMetrics } from '../providers/embedded/metrics.js';
import type { DnsProvider } from '../providers/types.js';
import { createClusterSource } from '../sources/cluster.js';
import { createStaticSource } from '../sources/static.js';
import { createAgentSource, type AgentSource } from '../sources/agent.js';
import type { Source } from '../sources/types.js';
import type { RegistrarConfig, SourceConfig } from './config-schema.js';
import { createAgentApi } from './agent-api.js';
import { configProblems, zoneOf } from './config-check.js';
import { startStatusServer, type StatusServer } from './http.js';
import { createLogger, type Logger } from '../log/logger.js';
import { createMetrics, type RegistrarMetrics } from './metrics.js';
import { createProviderFromConfig, type ProviderRuntime } from '../providers/from-config.js';
import { formatHostPort, parseListenAddress } from '../net/endpoint.js';
import { Registrar } from './registrar.js';
import { Leadership, type LeadershipStatus } from './leadership.js';
import { registerLeaseMetrics } from './lease-metrics.js';
import { defaultReplicaId, replicaLeaseOptions } from './replicas-config.js';
import { createRegistrarStatus } from '../web/attach.js';
import type { StatusService } from '../web/service.js';

export interface RegistrarRuntime {
  readonly config: RegistrarConfig;
  readonly registrar: Registrar;
  readonly provider: DnsProvider;
  readonly health: HealthChecker;
  readonly sources: readonly Source[];
  readonly dns: EmbeddedDnsServer | undefined;
  readonly http: StatusServer | undefined;
  /** The status page (/, /v1/status, /v1/events) when the HTTP server runs. */
  readonly status: StatusService | undefined;
  readonly logger: Logger;
  readonly metrics: RegistrarMetrics;
  /** The lease loop when `replicas.enabled`; started with the registrar, released on close. */
  readonly leadership: Leadership | undefined;
  /** Stop the registrar, then the servers it started. */
  close(): Promise<void>;
}

export interface BuildOptions {
  readonly logger?: Logger;
  /** Serve /metrics and /healthz as configured. Default true. */
  readonly http?: boolean;
  /** Decorate the probe (the demo uses this to cut the checker's network). */
  readonly wrapProbe?: (probe: Probe) => Probe;
}

export { zoneOf };

/** Shortest agent API token accepted (e.g. `openssl rand -hex 32` makes 64). */
export const MIN_AGENT_TOKEN_LENGTH = 16;

/** Read the agent API token (environment variable or first line of a file); errors never include it. */
export async function readAgentToken(
  where: { env?: string | undefined; file?: string | undefined },
  logger?: Logger,
): Promise<string> {
  let token: string;
  let path: string;
  if (where.env !== undefined) {
    path = 'http.agentToken.env';
    token = (process.env[where.env] ?? '').trim();
    if (!token) throw new ConfigError(path, `the environment variable ${where.env} is not set or empty`);
  } else {
    path = 'http.agentToken.file';
    const file = where.file ?? '';
    let text: string;
    try {
      text = await readFile(file, 'utf8');
      if (((await stat(file)).mode & 0o077) !== 0)
        logger?.warn({ file }, 'the agent token file is readable by other users; chmod 600 it');
    } catch (error) {
      throw new ConfigError(path, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    token = (text.split(/\r?\n/)[0] ?? '').trim();
    if (!token) throw new ConfigError(path, `${file} is empty`);
  }
  if (token.length < MIN_AGENT_TOKEN_LENGTH || token.length > 1024 || /\s/.test(token)) {
    throw new ConfigError(
      path,
      `expected a token of ${MIN_AGENT_TOKEN_LENGTH}-1024 characters without spaces (e.g. openssl rand -hex 32)`,
    );
  }
  return token;
}

/** The agent source's config (config-check.ts made sure there is at most one, with a token and an HTTP server). */
function agentSourceConfig(config: RegistrarConfig): Extract<SourceConfig, { type: 'agent' }> | undefined {
  return config.sources.find((s): s is Extract<SourceConfig, { type: 'agent' }> => s.type === 'agent');
}

async function buildSources(config: RegistrarConfig, logger: Logger): Promise<Source[]> {
  const built = config.sources.map(async (source, i): Promise<Source> => {
    const { allowLoopback } = config;
    if (source.type === 'agent')
      return createAgentSource({ leaseMs: source.leaseMs, maxMembers: source.maxMembers, allowLoopback });
    if (source.type === 'static') return createStaticSource({ ...source, allowLoopback }, `sources[${i}]`);
    if (source.type === 'aws-asg') {
      // The AWS SDK loads only when an aws-asg source is configured (start-up time of every other `run`).
      const [{ createAsgSource }, { AutoScalingClient }, { EC2Client }] = await Promise.all([
        import('../sources/aws-asg.js'),
        import('@aws-sdk/client-auto-scaling'),
        import('@aws-sdk/client-ec2'),
      ]);
      const region = source.region ? { region: source.region } : {};
      return createAsgSource({
        client: new AutoScalingClient(region),
        ec2: new EC2Client(region),
        groups: source.groups,
        address: source.address,
        port: source.port,
        refreshMs: source.refreshMs,
        onError: (error) =>
          logger.warn(
            { source: `sources[${i}]`, error: describeError(error) },
            'listing the Auto Scaling groups failed; keeping the last list',
          ),
      });
    }
    return createClusterSource({
      seeds: source.seeds,
      discovery: {
        ...(source.clusterName ? { clusterName: source.clusterName } : {}),
        useAlternateAccessAddress: source.alternate,
        ...(source.dnsServers.length ? { dnsServers: source.dnsServers } : {}),
        tendIntervalMs: source.tendIntervalMs,
      },
      onError: (error) =>
        logger.warn(
          { source: `sources[${i}]`, error: String(error) },
          'cluster source cannot reach the cluster yet; retrying',
        ),
      allowLoopback,
      onRefused: (nodeId, address, reason) =>
        logger.warn(
          { source: `sources[${i}]`, nodeId, address },
          `node ${nodeId} advertises an address that is never published: ${reason}`,
        ),
    });
  });
  return Promise.all(built);
}

/**
 * Everything that can be checked is checked before anything starts; then the provider (the embedded server
 * binds), then the HTTP server. A failure closes whatever was started, so a failed start leaves nothing
 * running (a ConfigError means exit 2; anything else, such as a port in use, exit 1).
 */
export async function buildRegistrar(config: RegistrarConfig, options: BuildOptions = {}): Promise<RegistrarRuntime> {
  const [problem] = configProblems(config);
  if (problem)
    throw new ConfigError(
      problem.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, ''),
      problem.message,
    );
  const logger = options.logger ?? createLogger(config.log.level, undefined, config.log.format);
  const metrics = createMetrics({ defaultMetrics: true });
  const zone = zoneOf(config);
  const name = canonicalName(config.record.name);
  const agentConfig = agentSourceConfig(config);
  const serveAgentApi = agentConfig !== undefined && options.http !== false;
  const agentToken =
    serveAgentApi && config.http.agentToken ? await readAgentToken(config.http.agentToken, logger) : undefined;
  const clusterSource = config.sources.find(
    (s): s is Extract<SourceConfig, { type: 'cluster' }> => s.type === 'cluster',
  );
  const clusterName = config.health.clusterName ?? clusterSource?.clusterName;
  const probe =
    config.health.probe === 'tcp' ? createTcpProbe() : createAerospikeProbe(clusterName ? { clusterName } : {});
  const { intervalMs, timeoutMs, healthyAfter, unhealthyAfterMs, jitter } = config.health;
  const health = new HealthChecker(options.wrapProbe ? options.wrapProbe(probe) : probe, {
    intervalMs,
    timeoutMs,
    healthyAfter,
    unhealthyAfterMs,
    jitter,
  });
  const sources = await buildSources(config, logger);
  const closeSources = (): Promise<unknown> => Promise.allSettled(sources.map((s) => s.close()));
  let providerRuntime: ProviderRuntime;
  try {
    providerRuntime = await createProviderFromConfig(config.provider, { zone, ownerId: config.ownerId, logger });
  } catch (error) {
    await closeSources();
    throw error;
  }
  const { provider, dns } = providerRuntime;
  if (dns) registerEmbeddedDnsMetrics(metrics.registry, dns);
  const closeProvider = (): Promise<void> => providerRuntime.close();
  const leadership = config.replicas.enabled
    ? new Leadership({
        name,
        provider,
        id: config.replicas.id ?? defaultReplicaId(),
        lease: replicaLeaseOptions(config.replicas),
        logger,
      })
    : undefined;
  if (leadership) registerLeaseMetrics(metrics.registry, leadership);
  const registrar = new Registrar({
    name,
    sources,
    health,
    provider,
    policy: { ...config.plan, ttl: config.record.ttl, ownerId: config.ownerId },
    intervalMs: config.registrar.intervalMs,
    debounceMs: config.registrar.debounceMs,
    outage: {
      unhealthyAfterMs,
      recoveryWindowMs: unhealthyAfterMs + healthyAfter * intervalMs + timeoutMs + intervalMs,
    },
    logger,
    metrics,
    ...(leadership ? { leadership } : {}),
  });
  if (leadership) {
    // A new leader reconciles at once (the registrar starts the lease loop with its own).
    leadership.on('change', (change) => change.to === 'leader' && registrar.schedule('leadership'));
  }
  const agentSource = sources.find((s): s is AgentSource => s.kind === 'agent');
  let http: StatusServer | undefined;
  let status: StatusService | undefined;
  try {
    if (options.http !== false && config.http.listen !== 'off') {
      const where = parseListenAddress(config.http.listen, 'http.listen');
      const agentRoutes =
        serveAgentApi && agentSource ? createAgentApi({ source: agentSource, token: agentToken, logger }) : undefined;
      const page = (status = createRegistrarStatus(config, registrar, dns));
      http = await startStatusServer({
        ...where,
        registry: metrics.registry,
        health: () =>
          registrar.isRunning
            ? { ok: true, detail: leadership ? replicaHealth(leadership.status()) : 'ok' }
            : { ok: false, detail: 'registrar stopped' },
        // The page's exact paths first: the agent API answers everything else under /v1/.
        routes: (req, res) => page.routes(req, res) || agentRoutes?.(req, res) === true,
      });
      if (serveAgentApi)
        logger.info(
          { listen: formatHostPort(http) },
          `agent API enabled at /v1/members on ${formatHostPort(http)} (bearer token required)`,
        );
      else if (config.http.agentToken)
        logger.warn('http.agentToken is set but no source has type agent: the agent API stays off');
    }
  } catch (error) {
    status?.close();
    await closeProvider();
    await closeSources();
    throw error;
  }
  return {
    config,
    registrar,
    provider,
    health,
    sources,
    dns,
    http,
    status,
    logger,
    metrics,
    leadership,
    async close() {
      await registrar.stop();
      // After the last reconcile and before the provider closes: give the lease up so a follower takes over now.
      await leadership?.stop();
      status?.close();
      await http?.close();
      await closeProvider();
    },
  };
}

/** `/healthz` of a replica: `ok leader term=3 lease-age=1.2s` or `ok follower leader=registrar-b term=3 …` (200 either way). */
export function replicaHealth(status: LeadershipStatus): string {
  const age = status.leaseAgeMs === undefined ? 'none' : `${(status.leaseAgeMs / 1000).toFixed(1)}s`;
  const leader = status.role === 'follower' ? ` leader=${status.holder ?? 'none'}` : '';
  return `ok ${status.role} replica=${status.replica}${leader} term=${status.term ?? 0} lease-age=${age}`;
}
