/**
 * Discovery options: one interface, one frozen default object, resolved once into the context that the
 * seeding, peer and tend code share.
 */
import { ConfigError } from '../errors.js';
import type { Credentials, TlsOptions } from '../protocol/connection.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { Semaphore } from './limiter.js';
import { createResolver, type HostResolver } from './resolve.js';
import { createTranslator, type AddressTranslation, type Translator } from './translate.js';
import { DEFAULT_SERVICE_PORT } from '../net/endpoint.js';

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
  /**
   * Connection attempts (connect + validation) in flight at once for this cluster, across seeds, peers and
   * tends. A process-wide limit (setProcessConnectionLimit, default 256) applies on top. Default 64.
   */
  readonly maxConnectionsInFlight?: number;
  /**
   * Peers accepted from one node's peer list; the rest are ignored with a warning naming the node. Default
   * 256, Enterprise Edition's largest cluster.
   */
  readonly maxPeersPerNode?: number;
  /** Backoff for a listed peer that could not be validated: first retry after this, doubling. Default 500 ms. */
  readonly peerRetryInitialDelayMs?: number;
  /** Longest wait between retries of a listed peer. Default 30 s. */
  readonly peerRetryMaxDelayMs?: number;
  /**
   * Time for discovery. A function gives the time in ms for retry decisions (default performance.now). A
   * `Clock` (src/time/clock.ts; ManualClock in tests) gives the time and also arms the tend and re-seed timer,
   * so tests can drive whole tend cycles without sleeping. The default timer keeps the process alive while
   * a cluster is tended, as before.
   */
  readonly clock?: (() => number) | Clock;
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
  | 'detectLoadBalancer'
  | 'maxConnectionsInFlight'
  | 'maxPeersPerNode'
  | 'peerRetryInitialDelayMs'
  | 'peerRetryMaxDelayMs'
  | 'clock';

/** Options after defaults are applied. */
export type ResolvedDiscoveryOptions = DiscoveryOptions & {
  readonly [K in DefaultedKey]-?: NonNullable<DiscoveryOptions[K]>;
};

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
  maxConnectionsInFlight: 64,
  maxPeersPerNode: 256,
  peerRetryInitialDelayMs: 500,
  peerRetryMaxDelayMs: 30_000,
  clock: () => performance.now(),
});

/** Integer options and their allowed ranges, checked once when the context is built. */
const INTEGER_RANGES: readonly (readonly [keyof DiscoveryOptions, number, number])[] = [
  ['connectTimeoutMs', 1, 600_000],
  ['requestTimeoutMs', 1, 600_000],
  ['maxParallel', 1, 4096],
  ['staggerMs', 0, 60_000],
  ['orphanGraceMs', 0, 60_000],
  ['tendIntervalMs', 1, 3_600_000],
  ['maxFailures', 1, 1000],
  ['reseedInitialDelayMs', 1, 3_600_000],
  ['reseedMaxDelayMs', 1, 3_600_000],
  ['defaultPort', 1, 65_535],
  ['maxConnectionsInFlight', 1, 4096],
  ['maxPeersPerNode', 1, 4096],
  ['peerRetryInitialDelayMs', 1, 3_600_000],
  ['peerRetryMaxDelayMs', 1, 3_600_000],
];

/** Options that must have one JavaScript type when given (TypeScript callers get this for free; JS and config do not). */
const TYPED: readonly (readonly [keyof DiscoveryOptions, 'boolean' | 'string' | 'function' | 'object'])[] = [
  ['useAlternateAccessAddress', 'boolean'],
  ['detectLoadBalancer', 'boolean'],
  ['clusterName', 'string'],
  ['resolver', 'function'],
  ['tls', 'object'],
  ['credentials', 'object'],
];

/** Throws ConfigError naming the option and what was expected. */
export function validateDiscoveryOptions(options: ResolvedDiscoveryOptions): void {
  for (const [key, type] of TYPED) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    if (typeof value !== type || value === null)
      throw new ConfigError(
        `discovery.${key}`,
        `expected ${type === 'object' ? 'an' : 'a'} ${type}, got ${describeValue(value)}`,
      );
  }
  const clock: unknown = options.clock;
  if (typeof clock !== 'function' && !isClock(clock)) {
    throw new ConfigError(
      'discovery.clock',
      `expected a function returning ms or a Clock (now, sleep, setTimer), got ${describeValue(clock)}`,
    );
  }
  if (options.clusterName !== undefined && options.clusterName.length === 0) {
    throw new ConfigError('discovery.clusterName', 'must not be empty (leave it out to accept any cluster)');
  }
  if (
    options.credentials !== undefined &&
    (typeof options.credentials.user !== 'string' || typeof options.credentials.password !== 'string')
  ) {
    throw new ConfigError('discovery.credentials', 'expected { user: string, password: string }');
  }
  const servers: unknown = options.dnsServers;
  if (
    servers !== undefined &&
    (!Array.isArray(servers) || !servers.every((s) => typeof s === 'string' && s.length > 0))
  ) {
    throw new ConfigError('discovery.dnsServers', `expected a list of server addresses, got ${describeValue(servers)}`);
  }
  for (const [key, min, max] of INTEGER_RANGES) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(`discovery.${key}`, `expected an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
    }
  }
  if (options.peerRetryMaxDelayMs < options.peerRetryInitialDelayMs) {
    throw new ConfigError(
      'discovery.peerRetryMaxDelayMs',
      `must not be below peerRetryInitialDelayMs (${options.peerRetryInitialDelayMs})`,
    );
  }
}

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
  /** This cluster's (or probe's) bound on connection attempts in flight. */
  readonly connections: Semaphore;
  /** The time in ms, from the `clock` option. */
  readonly now: () => number;
  /** Arms the tend and re-seed timer: the `clock` option's when it is a Clock, else a plain (ref'd) timeout. */
  readonly setTimer: (ms: number, fn: () => void) => TimerHandle;
}

function isClock(value: unknown): value is Clock {
  if (typeof value !== 'object' || value === null) return false;
  const clock = value as Partial<Record<keyof Clock, unknown>>;
  return typeof clock.now === 'function' && typeof clock.sleep === 'function' && typeof clock.setTimer === 'function';
}

function timeFrom(clock: (() => number) | Clock): Pick<DiscoveryContext, 'now' | 'setTimer'> {
  if (!isClock(clock)) return { now: clock, setTimer: plainTimer };
  return { now: () => clock.now(), setTimer: (ms, fn) => clock.setTimer(ms, fn) };
}

function plainTimer(ms: number, fn: () => void): TimerHandle {
  const timer = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(timer) };
}

export function createContext(options: DiscoveryOptions = {}): DiscoveryContext {
  const merged: ResolvedDiscoveryOptions = { ...DEFAULT_DISCOVERY_OPTIONS, ...stripUndefined(options) };
  validateDiscoveryOptions(merged);
  const variant = `${options.tls ? 'tls' : 'clear'}-${merged.useAlternateAccessAddress ? 'alt' : 'std'}`;
  return {
    options: merged,
    resolver: options.resolver ?? createResolver({ servers: options.dnsServers ?? [] }),
    translate: createTranslator(options.translate),
    serviceCommand: `service-${variant}`,
    peersCommand: `peers-${variant}`,
    credentials: options.credentials,
    connections: new Semaphore(merged.maxConnectionsInFlight),
    ...timeFrom(merged.clock),
  };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
