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
import { canonicalName } from '../providers/canonical.js';
import type { EmbeddedDnsServer } from '../providers/embedded/server.js';
import type { DnsProvider } from '../providers/types.js';
import { createClusterSource } from '../sources/cluster.js';
import { createStaticSource } from '../sources/static.js';
import { createAsgSource } from '../sources/aws-asg.js';
import { createAgentSource, type AgentSource } from '../sources/agent.js';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Source } from '../sources/types.js';
import type { RegistrarConfig, SourceConfig } from './config-schema.js';
import { createAgentApi } from './agent-api.js';
import { startStatusServer, type StatusServer } from './http.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type RegistrarMetrics } from './metrics.js';
import { createProvider } from './provider-factory.js';
import { splitHostPort } from './host-port.js';
import { Registrar } from './registrar.js';
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

/** The zone: as configured, or the record name without its first label. */
export function zoneOf(config: RegistrarConfig): string {
  const name = canonicalName(config.record.name);
  return canonicalName(config.provider.zone ?? name.slice(name.indexOf('.') + 1));
}

/** Shortest agent API token accepted (e.g. `openssl rand -hex 32` makes 64). */
export const MIN_AGENT_TOKEN_LENGTH = 16;

/** Read the agent API token (environment variable or first line of a file); errors never include it. */
export async function readAgentToken(where: { env?: string | undefined; file?: string | undefined }, logger?: Logger): Promise<string> {
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
      if (((await stat(file)).mode & 0o077) !== 0) logger?.warn({ file }, 'the agent token file is readable by other users; chmod 600 it');
    } catch (error) {
      throw new ConfigError(path, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    token = (text.split(/\r?\n/)[0] ?? '').trim();
    if (!token) throw new ConfigError(path, `${file} is empty`);
  }
  if (token.length < MIN_AGENT_TOKEN_LENGTH || token.length > 1024 || /\s/.test(token)) {
    throw new ConfigError(path, `expected a token of ${MIN_AGENT_TOKEN_LENGTH}-1024 characters without spaces (e.g. openssl rand -hex 32)`);
  }
  return token;
}

/** The agent source's config, checked against the rest: at most one, with a token and an HTTP server. */
function agentSourceConfig(config: RegistrarConfig): Extract<SourceConfig, { type: 'agent' }> | undefined {
  const indexes = config.sources.flatMap((s, i) => (s.type === 'agent' ? [i] : []));
  if (indexes.length === 0) return undefined;
  if (indexes.length > 1) throw new ConfigError(`sources[${indexes[1]}]`, 'only one agent source is allowed (every agent registers through the same API)');
  if (!config.http.agentToken) throw new ConfigError('http.agentToken', 'an agent source needs the agent API token: { env: NAME } or { file: PATH }');
  if (config.http.listen === 'off') throw new ConfigError('http.listen', 'an agent source needs the HTTP server (the agent API); set http.listen');
  return config.sources[indexes[0]!] as Extract<SourceConfig, { type: 'agent' }>;
}

function buildSources(config: RegistrarConfig, logger: Logger): Source[] {
  return config.sources.map((source, i) => {
    if (source.type === 'agent') return createAgentSource({ leaseMs: source.leaseMs, maxMembers: source.maxMembers });
    if (source.type === 'static') return createStaticSource(source, `sources[${i}]`);
    if (source.type === 'aws-asg') {
      const region = source.region ? { region: source.region } : {};
      return createAsgSource({
        client: new AutoScalingClient(region),
        ec2: new EC2Client(region),
        groups: source.groups,
        address: source.address,
        port: source.port,
        refreshMs: source.refreshMs,
        onError: (error) => logger.warn({ source: `sources[${i}]`, error: describeError(error) }, 'listing the Auto Scaling groups failed; keeping the last list'),
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
      onError: (error) => logger.warn({ source: `sources[${i}]`, error: String(error) }, 'cluster source cannot reach the cluster yet; retrying'),
    });
  });
}

export async function buildRegistrar(config: RegistrarConfig, options: BuildOptions = {}): Promise<RegistrarRuntime> {
  const logger = options.logger ?? createLogger(config.log.level, undefined, config.log.format);
  const metrics = createMetrics({ defaultMetrics: true });
  const zone = zoneOf(config);
  const name = canonicalName(config.record.name);
  if (name === zone || !name.endsWith(`.${zone}`)) throw new ConfigError('record.name', `${name} is not inside the zone ${zone} (provider.zone)`);
  const agentConfig = agentSourceConfig(config);
  const serveAgentApi = agentConfig !== undefined && options.http !== false;
  const agentToken = serveAgentApi && config.http.agentToken ? await readAgentToken(config.http.agentToken, logger) : undefined;
  const clusterSource = config.sources.find((s): s is Extract<SourceConfig, { type: 'cluster' }> => s.type === 'cluster');
  const clusterName = config.health.clusterName ?? clusterSource?.clusterName;
  const probe = config.health.probe === 'tcp' ? createTcpProbe() : createAerospikeProbe(clusterName ? { clusterName } : {});
  const { intervalMs, timeoutMs, healthyAfter, unhealthyAfterMs, jitter } = config.health;
  const health = new HealthChecker(options.wrapProbe ? options.wrapProbe(probe) : probe, { intervalMs, timeoutMs, healthyAfter, unhealthyAfterMs, jitter });
  const providerRuntime = await createProvider(config.provider, zone, config.ownerId, logger);
  const { provider, dns } = providerRuntime;
  const closeProvider = (): Promise<void> => providerRuntime.close();
  const sources = buildSources(config, logger);
  const registrar = new Registrar({
    name,
    sources,
    health,
    provider,
    policy: { ...config.plan, ttl: config.record.ttl, ownerId: config.ownerId },
    intervalMs: config.registrar.intervalMs,
    debounceMs: config.registrar.debounceMs,
    outage: { unhealthyAfterMs, recoveryWindowMs: unhealthyAfterMs + healthyAfter * intervalMs + timeoutMs + intervalMs },
    logger,
    metrics,
  });
  const agentSource = sources.find((s): s is AgentSource => s.kind === 'agent');
  let http: StatusServer | undefined;
  let status: StatusService | undefined;
  try {
    if (options.http !== false && config.http.listen !== 'off') {
      const where = splitHostPort(config.http.listen, 'http.listen');
      const agentRoutes = serveAgentApi && agentSource ? createAgentApi({ source: agentSource, token: agentToken, logger }) : undefined;
      const page = (status = createRegistrarStatus(config, registrar, dns));
      http = await startStatusServer({
        ...where,
        registry: metrics.registry,
        health: () => (registrar.isRunning ? { ok: true, detail: 'ok' } : { ok: false, detail: 'registrar stopped' }),
        // The page's exact paths first: the agent API answers everything else under /v1/.
        routes: (req, res) => page.routes(req, res) || agentRoutes?.(req, res) === true,
      });
      if (serveAgentApi) logger.info({ listen: `${http.host}:${http.port}` }, `agent API enabled at /v1/members on ${http.host}:${http.port} (bearer token required)`);
      else if (config.http.agentToken) logger.warn('http.agentToken is set but no source has type agent: the agent API stays off');
    }
  } catch (error) {
    status?.close();
    await closeProvider();
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
    async close() {
      await registrar.stop();
      status?.close();
      await http?.close();
      await closeProvider();
    },
  };
}
