/** Adapter options: one interface, one frozen default object, validated once. */
import type { Client, ConfigOptions } from 'aerospike';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { DiscoveryOptions } from '../discovery/options.js';

export interface AdapterOptions {
  /**
   * How often the adapter checks that the official client still has a node (`getNodes()`), besides its
   * `disconnected` event. Default 1000 ms.
   */
  readonly checkIntervalMs?: number;
  /** Re-seed backoff after the client lost every node: first delay, doubling up to the maximum. Defaults 250 ms, 10 s. */
  readonly reseedInitialDelayMs?: number;
  readonly reseedMaxDelayMs?: number;
  /**
   * How fresh hosts reach the client: `seed-hosts` replaces its seed list in place (removeSeedHost /
   * addSeedHost), `reconnect` connects a new client and closes the old one. Default `auto`: `reconnect` with
   * TLS (addSeedHost cannot carry a TLS name), `seed-hosts` otherwise.
   */
  readonly reseedMode?: 'auto' | 'seed-hosts' | 'reconnect';
  /** Extra discovery settings (resolver, dnsServers, maxParallel, translate, ...); the config's own win. */
  readonly discovery?: DiscoveryOptions;
  /** The official client's module (default: `await import('aerospike')`). */
  readonly aerospike?: OfficialModule;
}

/** What the adapter uses of the `aerospike` module. */
export interface OfficialModule {
  client(config: ConfigOptions): Client;
}

export type ResolvedAdapterOptions = Required<
  Pick<AdapterOptions, 'checkIntervalMs' | 'reseedInitialDelayMs' | 'reseedMaxDelayMs' | 'reseedMode'>
> &
  Pick<AdapterOptions, 'discovery' | 'aerospike'>;

export const DEFAULT_ADAPTER_OPTIONS = Object.freeze({
  checkIntervalMs: 1000,
  reseedInitialDelayMs: 250,
  reseedMaxDelayMs: 10_000,
  reseedMode: 'auto',
} as const);

const schema = z.object({
  checkIntervalMs: z.number().int().min(10).max(3_600_000).optional(),
  reseedInitialDelayMs: z.number().int().min(1).max(3_600_000).optional(),
  reseedMaxDelayMs: z.number().int().min(1).max(3_600_000).optional(),
  reseedMode: z.enum(['auto', 'seed-hosts', 'reconnect']).optional(),
});

export function resolveAdapterOptions(options: AdapterOptions = {}): ResolvedAdapterOptions {
  const parsed = schema.safeParse({
    checkIntervalMs: options.checkIntervalMs,
    reseedInitialDelayMs: options.reseedInitialDelayMs,
    reseedMaxDelayMs: options.reseedMaxDelayMs,
    reseedMode: options.reseedMode,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`options.${issue.path.join('.')}`, issue.message);
  }
  const resolved = {
    ...DEFAULT_ADAPTER_OPTIONS,
    ...stripUndefined(parsed.data),
    discovery: options.discovery,
    aerospike: options.aerospike,
  };
  if (resolved.reseedMaxDelayMs < resolved.reseedInitialDelayMs) {
    throw new ConfigError(
      'options.reseedMaxDelayMs',
      `must be at least reseedInitialDelayMs (${resolved.reseedInitialDelayMs})`,
    );
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
