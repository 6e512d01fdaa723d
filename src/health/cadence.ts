/**
 * When to probe an endpoint next. Pure, so the rules are testable.
 *
 * - Healthy endpoints are probed on their own grid: phase + k × interval, where the phase is a random offset
 *   within the interval fixed for the endpoint's life. Probes of many endpoints so stay spread evenly over
 *   the interval however they were added (ten thousand at once) or recovered, and each endpoint's probes are
 *   exactly one interval apart, start to start: latency and timer lateness never stretch the period. A dead
 *   node is therefore seen failing at most one interval after it died.
 * - An endpoint failing toward unhealthy is probed again `min(interval, max(time left until
 *   unhealthyAfterMs, 10 ms))` after its last probe ended, so the verdict comes as soon as X has elapsed
 *   rather than up to an interval later.
 * - Unknown and unhealthy endpoints are probed exactly one interval apart, start to start, counted from
 *   their last probe, so a node that comes back passes its N-th probe at most N intervals later. Once
 *   healthy, the endpoint moves to its grid (the first grid point after the probe that made it healthy).
 *
 * `jitter` spreads the first probe of a new endpoint (it comes within jitter × interval); the random phase
 * is what spreads the periodic ones.
 */
import { isFailingTowardUnhealthy } from './hysteresis.js';
import type { EndpointHealth, HealthOptions } from './types.js';

/** Smallest gap between the end of one probe of an endpoint and the start of its next. */
export const MIN_GAP_MS = 10;

export interface CadenceInput {
  readonly health: EndpointHealth;
  /** When the last probe started and ended (epoch ms). */
  readonly startedAt: number;
  readonly endedAt: number;
  /** When the last probe was due by the period (not delayed by timers); NaN after a fast re-probe. */
  readonly nominal: number;
  /** The endpoint's offset within the interval, in [0, intervalMs). */
  readonly phase: number;
  readonly options: Pick<HealthOptions, 'intervalMs' | 'unhealthyAfterMs'>;
}

export interface NextProbe {
  readonly due: number;
  /** When the next probe is due by the period (`due` is never sooner than 10 ms after the last ended). */
  readonly nominal: number;
}

/** The first grid point (phase + k × interval) at or after `time`. */
export function gridAtOrAfter(time: number, phase: number, intervalMs: number): number {
  return phase + Math.ceil((time - phase) / intervalMs) * intervalMs;
}

/** When a new endpoint is first probed: promptly, spread by jitter. */
export function firstProbeDelay(options: Pick<HealthOptions, 'intervalMs' | 'jitter'>, random: number): number {
  return random * options.jitter * options.intervalMs;
}

/** True when `time` is (to float precision) a point of the grid phase + k × interval. */
function onPhase(time: number, phase: number, intervalMs: number): boolean {
  return Math.abs(gridAtOrAfter(time - intervalMs / 2, phase, intervalMs) - time) < 0.01;
}

export function nextProbe(input: CadenceInput): NextProbe {
  const { health, startedAt, endedAt, nominal, phase, options } = input;
  const { intervalMs, unhealthyAfterMs } = options;
  if (isFailingTowardUnhealthy(health)) {
    const remaining = health.failingSince! + unhealthyAfterMs - endedAt;
    return { due: endedAt + Math.min(intervalMs, Math.max(remaining, MIN_GAP_MS)), nominal: Number.NaN };
  }
  // The last probe started about when it was due (not off the period, e.g. after a fast re-probe).
  const inStep = !Number.isNaN(nominal) && startedAt - nominal < intervalMs / 2;
  let next: number;
  if (health.state !== 'healthy') next = (inStep ? nominal : startedAt) + intervalMs;
  else if (inStep && onPhase(nominal, phase, intervalMs)) next = nominal + intervalMs;
  else next = gridAtOrAfter(endedAt + MIN_GAP_MS, phase, intervalMs);
  return { due: Math.max(next, endedAt + MIN_GAP_MS), nominal: next };
}
