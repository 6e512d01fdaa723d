/**
 * Flags shared by the discovery commands (`probe`, `resolve`) and their translation into DiscoveryOptions.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import type { DiscoveryOptions } from '../discovery/options.js';

export interface DiscoveryFlags {
  readonly timeout: string;
  readonly clusterName?: string;
  readonly alternate?: boolean;
  readonly tlsName?: string;
  readonly tlsCa?: string;
  readonly user?: string;
  readonly passwordEnv?: string;
  readonly dnsServer?: readonly string[];
  readonly translate?: readonly string[];
}

function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

export function addDiscoveryFlags(command: Command): Command {
  return command
    .option('--timeout <ms>', 'connect + validation deadline per address', '1000')
    .option('--cluster-name <name>', 'accept only nodes of this cluster')
    .option('--alternate', "use the nodes' alternate-access addresses")
    .option('--tls-name <name>', 'TLS certificate name for seeds that do not give one (enables TLS)')
    .option('--tls-ca <file>', 'CA bundle for TLS (PEM)')
    .option('--user <user>', 'user for clusters with security enabled')
    .option('--password-env <var>', 'environment variable holding the password')
    .option('--dns-server <ip[:port]>', 'resolve seed names with this DNS server (repeatable)', collect)
    .option(
      '--translate <from=to>',
      'translate an address learned from the cluster (ip, ip:port or CIDR; repeatable)',
      collect,
    );
}

export function discoveryOptionsFromFlags(flags: DiscoveryFlags): DiscoveryOptions {
  const timeout = Number(flags.timeout);
  if (!Number.isInteger(timeout) || timeout <= 0 || timeout > 600_000) {
    throw new ConfigError(
      '--timeout',
      `expected milliseconds between 1 and 600000, got ${JSON.stringify(flags.timeout)}`,
    );
  }
  let credentials: DiscoveryOptions['credentials'];
  if (flags.user !== undefined) {
    if (!flags.passwordEnv)
      throw new ConfigError(
        '--password-env',
        'expected the name of an environment variable holding the password (given --user)',
      );
    const password = process.env[flags.passwordEnv];
    if (password === undefined)
      throw new ConfigError('--password-env', `environment variable ${flags.passwordEnv} is not set`);
    credentials = { user: flags.user, password };
  }
  let tls: DiscoveryOptions['tls'];
  if (flags.tlsName !== undefined || flags.tlsCa !== undefined) {
    let ca: string | undefined;
    if (flags.tlsCa !== undefined) {
      try {
        ca = readFileSync(flags.tlsCa, 'utf8');
      } catch (error) {
        throw new ConfigError('--tls-ca', `cannot read ${flags.tlsCa}`, { cause: error });
      }
    }
    tls = { ...(flags.tlsName ? { name: flags.tlsName } : {}), ...(ca ? { ca } : {}) };
  }
  const translate = (flags.translate ?? []).map((entry, i) => {
    const [from, to, ...rest] = entry.split('=');
    if (!from || !to || rest.length > 0)
      throw new ConfigError(`--translate[${i}]`, `expected from=to, got ${JSON.stringify(entry)}`);
    return { from, to };
  });
  return {
    connectTimeoutMs: timeout,
    requestTimeoutMs: timeout,
    useAlternateAccessAddress: flags.alternate === true,
    ...(flags.clusterName !== undefined ? { clusterName: flags.clusterName } : {}),
    ...(credentials ? { credentials } : {}),
    ...(tls ? { tls } : {}),
    ...(flags.dnsServer?.length ? { dnsServers: flags.dnsServer } : {}),
    ...(translate.length ? { translate } : {}),
  };
}
