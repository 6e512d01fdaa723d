/**
 * Checks of the registrar config that no single field can make alone, run as part of its validation so that
 * nothing starts (no DNS server, no HTTP server, no source) on a config that cannot work: every static address
 * under the address policy, listen addresses that are IP literals, the record inside its zone, and the agent
 * API's prerequisites. Each problem names its path inside the file and what was expected.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { canonicalName } from '../records/canonical.js';
import { staticCandidates } from '../sources/static.js';

export interface ConfigProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

/** The parts of the config these checks read (structural, so the schema can call them while being defined). */
interface CheckedConfig {
  readonly record: { readonly name: string };
  readonly allowLoopback: boolean;
  readonly sources: readonly ({ readonly type: string } & Record<string, unknown>)[];
  readonly provider: { readonly type: string; readonly zone?: string | undefined; readonly listen?: string };
  readonly http: { readonly listen: string; readonly agentToken?: unknown };
  readonly replicas?: { readonly enabled: boolean };
}

/** The zone: as configured, or the record name without its first label. */
export function zoneOf(config: Pick<CheckedConfig, 'record' | 'provider'>): string {
  const name = canonicalName(config.record.name);
  return canonicalName(config.provider.zone ?? name.slice(name.indexOf('.') + 1));
}

/** `sources[0].cidrs[1] (10.0.0.0/30)` → `['sources', 0, 'cidrs', 1]` (the rest stays in the message). */
function pathOf(text: string): { path: (string | number)[]; rest: string } {
  const head = /^[A-Za-z0-9_.[\]]+/.exec(text)?.[0] ?? '';
  const path = [...head.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : m[1]!,
  );
  return { path, rest: text.slice(head.length).trim() };
}

function listenProblem(value: string | undefined, where: string): ConfigProblem | undefined {
  if (value === undefined || value === 'off') return undefined;
  const host = /^\[?([^\]]+?)\]?:\d+$/.exec(value)?.[1] ?? '';
  if (isIP(host) !== 0) return undefined;
  return {
    path: [where.split('.')[0]!, where.split('.')[1]!],
    message: `expected an IP address and port (e.g. 127.0.0.1:5353 or [::1]:5353), got ${JSON.stringify(value)}: a host name would only fail (or bind somewhere else) when the server starts`,
  };
}

export function configProblems(config: CheckedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const name = canonicalName(config.record.name);
  const zone = zoneOf(config);
  if (name === zone || !name.endsWith(`.${zone}`))
    problems.push({ path: ['record', 'name'], message: `${name} is not inside the zone ${zone} (provider.zone)` });
  config.sources.forEach((source, i) => {
    if (source.type !== 'static') return;
    try {
      staticCandidates(
        {
          ...(source as { addresses?: string[]; cidrs?: string[]; port?: number }),
          allowLoopback: config.allowLoopback,
        },
        `sources[${i}]`,
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const { path, rest } = pathOf(error.message);
      problems.push({ path, message: rest.replace(/^:\s*/, '') || error.message });
    }
  });
  const agents = config.sources.flatMap((s, i) => (s.type === 'agent' ? [i] : []));
  if (agents.length > 1)
    problems.push({
      path: ['sources', agents[1]!],
      message: 'only one agent source is allowed (every agent registers through the same API)',
    });
  if (agents.length > 0 && !config.http.agentToken)
    problems.push({
      path: ['http', 'agentToken'],
      message: 'an agent source needs the agent API token: { env: NAME } or { file: PATH }',
    });
  if (agents.length > 0 && config.http.listen === 'off')
    problems.push({
      path: ['http', 'listen'],
      message: 'an agent source needs the HTTP server (the agent API); set http.listen',
    });
  if (config.replicas?.enabled === true && config.provider.type === 'embedded') {
    problems.push({
      path: ['replicas', 'enabled'],
      message:
        'the embedded provider has no shared store to hold a lease: run each replica as its own authoritative server, listed as NS (docs/registrar.md, Replicas), without replicas.enabled',
    });
  }
  for (const problem of [
    config.provider.type === 'embedded' ? listenProblem(config.provider.listen, 'provider.listen') : undefined,
    listenProblem(config.http.listen, 'http.listen'),
  ]) {
    if (problem) problems.push(problem);
  }
  return problems;
}
