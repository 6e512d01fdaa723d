/**
 * Agent library options: the documented defaults of the wait and watch settings in one frozen object, and
 * their checks (the config schema, config.ts, checks the same settings for `seedkeeper agent`).
 */
import { checkFunction, checkInteger, checkKnownKeys, checkObject } from '../config/options.js';
import { InvalidArgumentError } from '../errors.js';
import type { WatchSettings } from './watch.js';

export const DEFAULT_AGENT_SETTINGS = Object.freeze({
  wait: Object.freeze({ timeoutMs: 600_000, intervalMs: 1000 }),
  watch: Object.freeze({
    intervalMs: 1000,
    unavailableAfterMs: 10_000,
    healthyAfter: 2,
    spotCheckMs: 5000,
    shutdownTimeoutMs: 10_000,
    renewMs: 0,
  }),
});

export interface WaitSettings {
  /** Give up waiting for the port after this long, ms. */
  readonly timeoutMs: number;
  /** Pause between readiness attempts, ms. */
  readonly intervalMs: number;
}

/** The checked part of AgentOptions (agent.ts), declared here so that this module needs no agent.ts. */
export interface AgentOptionsToCheck {
  readonly target: unknown;
  readonly identity: unknown;
  readonly clusterName?: string;
  readonly wait?: Partial<WaitSettings>;
  readonly watch?: Partial<WatchSettings>;
  readonly spot?: unknown;
  readonly check?: unknown;
}

const DAY_MS = 86_400_000;
const WAIT_KEYS: readonly (keyof WaitSettings)[] = ['timeoutMs', 'intervalMs'];
const WATCH_KEYS: readonly (keyof WatchSettings)[] = [
  'intervalMs',
  'probeTimeoutMs',
  'unavailableAfterMs',
  'healthyAfter',
  'spotCheckMs',
  'shutdownTimeoutMs',
  'renewMs',
];

/** The wait and watch settings with defaults applied; InvalidArgumentError naming the first bad option. */
export function resolveAgentSettings(options: AgentOptionsToCheck): {
  readonly wait: WaitSettings;
  readonly watch: WatchSettings;
} {
  if (typeof options.target !== 'object' || options.target === null)
    throw new InvalidArgumentError('target', 'expected a registration target');
  if (typeof options.identity !== 'function' && (typeof options.identity !== 'object' || options.identity === null)) {
    throw new InvalidArgumentError('identity', 'expected the node identity or a function resolving it');
  }
  if (options.clusterName !== undefined && (typeof options.clusterName !== 'string' || options.clusterName === '')) {
    throw new InvalidArgumentError('clusterName', 'expected a non-empty cluster name (leave it out to accept any)');
  }
  if (options.spot !== undefined) checkFunction(options.spot, 'spot');
  if (options.check !== undefined) checkFunction(options.check, 'check');
  for (const [group, keys] of [
    ['wait', WAIT_KEYS],
    ['watch', WATCH_KEYS],
  ] as const) {
    const given: unknown = options[group];
    if (given === undefined) continue;
    checkObject(given, group);
    checkKnownKeys(given as object, keys, `${group}.`);
  }
  const wait = { ...DEFAULT_AGENT_SETTINGS.wait, ...options.wait };
  const watch = { ...DEFAULT_AGENT_SETTINGS.watch, ...options.watch };
  checkInteger(wait.timeoutMs, 'wait.timeoutMs', 1, DAY_MS);
  checkInteger(wait.intervalMs, 'wait.intervalMs', 1, 600_000);
  checkInteger(watch.intervalMs, 'watch.intervalMs', 1, 600_000);
  if (watch.probeTimeoutMs !== undefined) checkInteger(watch.probeTimeoutMs, 'watch.probeTimeoutMs', 1, 600_000);
  checkInteger(watch.unavailableAfterMs, 'watch.unavailableAfterMs', 0, DAY_MS);
  checkInteger(watch.healthyAfter, 'watch.healthyAfter', 1, 1000);
  checkInteger(watch.spotCheckMs, 'watch.spotCheckMs', 0, DAY_MS);
  checkInteger(watch.shutdownTimeoutMs, 'watch.shutdownTimeoutMs', 1, DAY_MS);
  checkInteger(watch.renewMs, 'watch.renewMs', 0, DAY_MS);
  return { wait, watch };
}
