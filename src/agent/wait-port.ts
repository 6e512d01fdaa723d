/**
 * Readiness of the local node: its service port accepts TCP connections and, when a cluster name is
 * configured, the node answers info with that cluster name (and status ok). `waitForPort` polls that on an
 * interval until it passes, bounded by a timeout (ERR_PORT_TIMEOUT) and abortable; `watch` reuses the check.
 */
import { createAerospikeProbe } from '../health/aerospike-probe.js';
import { createTcpProbe } from '../health/tcp-probe.js';
import type { Endpoint } from '../health/types.js';
import { formatHostPort } from '../net/endpoint.js';
import { systemClock, type Clock } from '../time/clock.js';
import { AgentError, seconds } from './errors.js';
import { InvalidArgumentError } from '../errors.js';

export interface ReadinessTarget {
  /** Where to probe (usually the registered address; 127.0.0.1 works when the node listens on all). */
  readonly host: string;
  readonly port: number;
  /** When set, the node must also answer info with this cluster name. */
  readonly clusterName?: string | undefined;
}

export type Readiness =
  | { readonly ok: true }
  /** `stage` says which check failed: the TCP connect, or the info answer. */
  | { readonly ok: false; readonly stage: 'port' | 'info'; readonly reason: string };

/** One readiness check, settled within `timeoutMs`; never throws. */
export type ReadinessCheck = (timeoutMs: number, signal?: AbortSignal) => Promise<Readiness>;

export function createReadinessCheck(target: ReadinessTarget): ReadinessCheck {
  const endpoint: Endpoint = { key: formatHostPort(target), host: target.host, port: target.port };
  const tcp = createTcpProbe();
  const info = target.clusterName === undefined ? undefined : createAerospikeProbe({ clusterName: target.clusterName });
  return async (timeoutMs, signal) => {
    const started = performance.now();
    const port = await tcp.check(endpoint, timeoutMs, signal);
    if (!port.ok) return { ok: false, stage: 'port', reason: port.reason };
    if (info === undefined) return { ok: true };
    const answer = await info.check(endpoint, Math.max(1, timeoutMs - (performance.now() - started)), signal);
    return answer.ok ? { ok: true } : { ok: false, stage: 'info', reason: answer.reason };
  };
}

export interface WaitProgress {
  readonly host: string;
  readonly port: number;
  readonly elapsedMs: number;
  readonly timeoutMs: number;
  readonly attempts: number;
  /** Why the last attempt failed. */
  readonly last: Readiness;
}

export interface WaitPortOptions extends ReadinessTarget {
  /** Give up after this long, ms. */
  readonly timeoutMs: number;
  /** Pause between attempts, ms. */
  readonly intervalMs: number;
  /** Deadline of one attempt, ms. Default min(intervalMs, 2000), at least 100. */
  readonly probeTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called after every failed attempt. */
  readonly onProgress?: (progress: WaitProgress) => void;
  /** Injectable check (tests). Default createReadinessCheck(options). */
  readonly check?: ReadinessCheck;
  /** The deadline and the pauses between attempts (tests). Default systemClock. */
  readonly clock?: Clock;
}

export interface WaitResult {
  readonly waitedMs: number;
  readonly attempts: number;
}

function timeoutError(options: WaitPortOptions, last: Readiness, attempts: number): AgentError {
  const within = seconds(options.timeoutMs);
  const why = last.ok ? '' : ` (last attempt: ${last.reason}; ${attempts} attempts)`;
  const message =
    !last.ok && last.stage === 'info'
      ? `${formatHostPort(options)} accepted connections but did not answer info with cluster name ${JSON.stringify(options.clusterName)} within ${within}${why}`
      : `port ${options.port} on ${options.host} did not accept connections within ${within}${why}`;
  return new AgentError('ERR_PORT_TIMEOUT', message);
}

/** Resolves once the node is ready; ERR_PORT_TIMEOUT after `timeoutMs`; the signal's reason when aborted. */
export async function waitForPort(options: WaitPortOptions): Promise<WaitResult> {
  const { timeoutMs, intervalMs, signal } = options;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new InvalidArgumentError('timeoutMs', `${timeoutMs} must be a positive integer`);
  if (!Number.isInteger(intervalMs) || intervalMs < 1)
    throw new InvalidArgumentError('intervalMs', `${intervalMs} must be a positive integer`);
  const check = options.check ?? createReadinessCheck(options);
  const probeTimeoutMs = options.probeTimeoutMs ?? Math.max(100, Math.min(intervalMs, 2000));
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const elapsed = (): number => clock.now() - started;
  // Bounded in count as well as in time: every attempt but the last is followed by a full interval.
  const maxAttempts = Math.ceil(timeoutMs / intervalMs) + 1;
  let last: Readiness = { ok: false, stage: 'port', reason: 'not tried' };
  let attempts = 0;
  while (attempts < maxAttempts) {
    signal?.throwIfAborted();
    const remaining = timeoutMs - elapsed();
    if (remaining <= 0) break;
    attempts++;
    const clipped = remaining < probeTimeoutMs;
    const result = await check(Math.max(1, Math.min(probeTimeoutMs, remaining)), signal);
    signal?.throwIfAborted();
    if (result.ok) return { waitedMs: elapsed(), attempts };
    // A last attempt cut short by the deadline says less than the full attempts before it.
    if (!clipped || attempts === 1) last = result;
    options.onProgress?.({
      host: options.host,
      port: options.port,
      elapsedMs: elapsed(),
      timeoutMs,
      attempts,
      last: result,
    });
    const pause = Math.min(intervalMs, timeoutMs - elapsed());
    if (pause <= 0) break;
    try {
      await clock.sleep(pause, signal);
    } catch (error) {
      signal?.throwIfAborted(); // the caller's reason
      throw error;
    }
  }
  throw timeoutError(options, last, attempts);
}
