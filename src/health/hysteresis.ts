/**
 * Hysteresis as a pure transition function: a stream of probe results becomes a state that changes only
 * after N consecutive passes (to healthy) or after failing continuously for X ms (to unhealthy). The
 * checker owns the state and the clock; this file only computes the next value and never mutates.
 */
import type { Endpoint, EndpointHealth, HealthOptions, HealthState, ProbeResult } from './types.js';

export type HysteresisOptions = Pick<HealthOptions, 'healthyAfter' | 'unhealthyAfterMs'>;

/** A new endpoint: state unknown, no streaks, nothing seen yet. */
export function initialHealth(endpoint: Endpoint, now: number): EndpointHealth {
  return Object.freeze({
    endpoint,
    state: 'unknown',
    since: now,
    healthySince: undefined,
    consecutivePasses: 0,
    failingSince: undefined,
    last: undefined,
    nodeId: undefined,
  });
}

/**
 * Apply one probe result observed at `now` (epoch ms).
 * - A pass adds to the passing streak and ends any failing streak; from unknown or unhealthy the endpoint
 *   becomes healthy once the streak reaches `healthyAfter`.
 * - A failure ends the passing streak; the failing streak starts at its first failure, and the endpoint
 *   (healthy or unknown) becomes unhealthy once `now - failingSince >= unhealthyAfterMs`.
 */
export function nextHealth(
  previous: EndpointHealth,
  result: ProbeResult,
  now: number,
  options: HysteresisOptions,
): EndpointHealth {
  if (result.ok) {
    const passes = previous.consecutivePasses + 1;
    const becomesHealthy = previous.state !== 'healthy' && passes >= options.healthyAfter;
    return Object.freeze({
      endpoint: previous.endpoint,
      state: becomesHealthy ? 'healthy' : previous.state,
      since: becomesHealthy ? now : previous.since,
      healthySince: becomesHealthy ? now : previous.healthySince,
      consecutivePasses: passes,
      failingSince: undefined,
      last: result,
      nodeId: result.nodeId ?? previous.nodeId,
    });
  }
  const failingSince = previous.failingSince ?? now;
  const becomesUnhealthy = previous.state !== 'unhealthy' && now - failingSince >= options.unhealthyAfterMs;
  const state: HealthState = becomesUnhealthy ? 'unhealthy' : previous.state;
  return Object.freeze({
    endpoint: previous.endpoint,
    state,
    since: becomesUnhealthy ? now : previous.since,
    healthySince: state === 'healthy' ? previous.healthySince : undefined,
    consecutivePasses: 0,
    failingSince,
    last: result,
    nodeId: previous.nodeId,
  });
}

/** Why `previous` became `next`, in one line for logs and events ('' when the state did not change). */
export function transitionReason(previous: EndpointHealth, next: EndpointHealth): string {
  if (previous.state === next.state) return '';
  const last = next.last;
  if (next.state === 'healthy') {
    const passes = next.consecutivePasses;
    return `${passes} consecutive ${passes === 1 ? 'pass' : 'passes'}`;
  }
  const failingMs = Math.max(0, Math.round(next.since - (next.failingSince ?? next.since)));
  const why = last && !last.ok ? last.reason : 'probe failed';
  return failingMs === 0 ? why : `failing for ${failingMs} ms: ${why}`;
}

/**
 * True while a failing streak is under way but has not yet made the endpoint unhealthy: the checker then
 * probes again as soon as the streak can reach `unhealthyAfterMs`, instead of a whole interval later.
 */
export function isFailingTowardUnhealthy(health: EndpointHealth): boolean {
  return health.failingSince !== undefined && health.state !== 'unhealthy';
}
