/**
 * Discovery options: one interface, one frozen default object, resolved once into the context that the
 * seeding, peer and tend code share.
 */
import type { Credentials, TlsOptions } from '../protocol/connection.js';
import { createResolver, type HostResolver } from './resolve.js';
import { createTranslator, type AddressTranslation, type Translator } from './translate.js';
import { DEFAULT_SERVICE_PORT } from './seed.js';

export interface DiscoveryOptions {
  /** When set, nodes reporting another cluster-name are rejected (recycled IPs, wrong cluster). */
  readonly clusterName?: string;
  /** Use the nodes' alternate-access addresses (service-*-alt, peers-*-alt). Default false. */
  readonly useAlternateAccessAddress?: boolean;
  /** TLS for every connection; each node's certificate name comes from its seed or peer entry. */
  readonly tls?: Omit<TlsOptions, 'name'> & { readonly name?: string };
  /** Log in on clusters with security enabled. */
  readonly credentials?: { readonly user: string; readonly password: string };
  /** One deadline for connect + TLS + login per address. Default 1000 ms (the official clients' default). */
  readonly connectTimeoutMs?: number;
  /** Per info request. Default 1000 ms. */
  readonly requestTimeoutMs?: number;
  /** Connection attempts in flight at once while racing seed addresses. Default 32. */
  readonly maxParallel?: number;
  /** Delay between starting consecutive attempts; 0 starts a batch together. Default 0. */
  readonly staggerMs?: number;
  /** How long a node that reports no peers waits for a better seed. Default 100 ms. */
  readonly orphanGraceMs?: number;
  /** Tend period. Default 1000 ms. */
  readonly tendIntervalMs?: number;
  /** Consecutive failed tends after which a node nobody answers for is dropped. Default 5. */
  readonly maxFailures?: number;
  /** Re-seed backoff when every node is lost. Defaults 250 ms doubling to 10 s. */
  readonly reseedInitialDelayMs?: number;
  readonly reseedMaxDelayMs?: number;
  /** Port for seeds written without one. Default 3000. */
  readonly defaultPort?: number;
  /** Detect load balancers / NAT in front of seeds and reconnect to the advertised address. Default true. */
  readonly detectLoadBalancer?: boolean;
  /** Resolve seed names; default the system resolver, or `dnsServers` when given. */
  readonly resolver?: HostResolver;
  readonly dnsServers?: readonly string[];
  /** Translate every address learned from the cluster (NAT). */
  readonly translate?: AddressTranslation;
}

type DefaultedKey =
  | 'useAlternateAccessAddress'
  | 'connectTimeoutMs'
  | 'requestTimeoutMs'
  | 'maxParallel'
  | 'staggerMs'
  | 'orphanGraceMs'
  | 'tendIntervalMs'
  | 'maxFailures'
  | 'reseedInitialDelayMs'
  | 'reseedMaxDelayMs'
  | 'defaultPort'
  | 'detectLoadBalancer';

/** Options after defaults are applied. */
export type ResolvedDiscoveryOptions = DiscoveryOptions & { readonly [K in DefaultedKey]-?: NonNullable<DiscoveryOptions[K]> };

export const DEFAULT_DISCOVERY_OPTIONS: Readonly<Pick<ResolvedDiscoveryOptions, DefaultedKey>> = Object.freeze({
  useAlternateAccessAddress: false,
  connectTimeoutMs: 1000,
  requestTimeoutMs: 1000,
  maxParallel: 32,
  staggerMs: 0,
  orphanGraceMs: 100,
  tendIntervalMs: 1000,
  maxFailures: 5,
  reseedInitialDelayMs: 250,
  reseedMaxDelayMs: 10_000,
  defaultPort: DEFAULT_SERVICE_PORT,
  detectLoadBalancer: true,
});

/** Everything the discovery code needs, resolved from the options once. */
export interface DiscoveryContext {
  readonly options: ResolvedDiscoveryOptions;
  readonly resolver: HostResolver;
  readonly translate: Translator;
  /** `service-clear-std` etc.: the command that returns a node's own addresses. */
  readonly serviceCommand: string;
  /** `peers-clear-std` etc. */
  readonly peersCommand: string;
  readonly credentials: Credentials | undefined;
}

export function createContext(options: DiscoveryOptions = {}): DiscoveryContext {
  const merged: ResolvedDiscoveryOptions = { ...DEFAULT_DISCOVERY_OPTIONS, ...stripUndefined(options) };
  const variant = `${options.tls ? 'tls' : 'clear'}-${merged.useAlternateAccessAddress ? 'alt' : 'std'}`;
  return {
    options: merged,
    resolver: options.resolver ?? createResolver({ servers: options.dnsServers ?? [] }),
    translate: createTranslator(options.translate),
    serviceCommand: `service-${variant}`,
    peersCommand: `peers-${variant}`,
    credentials: options.credentials,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
