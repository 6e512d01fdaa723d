/**
 * When to probe an endpoint next. Pure (the caller passes the random number), so the rules are testable.
 *
 * Each endpoint owns a phase: a random offset within the interval, fixed for its life. Periodic probes fall
 * on that endpoint's grid (phase + k × interval), plus a one-sided random delay of up to `jitter` × interval
 * that does not accumulate. So probes of many endpoints stay spread evenly over the interval however they
 * were added (ten thousand at once, or all failing and recovering together), and each endpoint's probes are
 * one interval apart, start to start, so latency and timer lateness never stretch the period.
 *
 * An endpoint failing toward unhealthy leaves its grid: it is probed again `min(interval, max(time left
 * until unhealthyAfterMs, 10 ms))` after the last probe ended, so the verdict comes when X has elapsed
 * rather than up to an interval later. Afterwards it rejoins its grid at the first point at least half an
 * interval after its last start.
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
  /** The grid point the last probe belonged to; NaN when it was off the grid (first or fast re-probe). */
  readonly nominal: number;
  /** The endpoint's offset within the interval, in [0, intervalMs). */
  readonly phase: number;
  readonly options: Pick<HealthOptions, 'intervalMs' | 'unhealthyAfterMs' | 'jitter'>;
  /** A random number in [0, 1). */
  readonly random: number;
}

export interface NextProbe {
  readonly due: number;
  /** The grid point `due` belongs to; NaN when off the grid. */
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

export function nextProbe(input: CadenceInput): NextProbe {
  const { health, startedAt, endedAt, options } = input;
  const { intervalMs, unhealthyAfterMs, jitter } = options;
  if (isFailingTowardUnhealthy(health)) {
    const remaining = health.failingSince! + unhealthyAfterMs - endedAt;
    return { due: endedAt + Math.min(intervalMs, Math.max(remaining, MIN_GAP_MS)), nominal: Number.NaN };
  }
  const onGrid = !Number.isNaN(input.nominal) && startedAt - input.nominal < intervalMs / 2;
  const nominal = onGrid ? input.nominal + intervalMs : gridAtOrAfter(startedAt + intervalMs / 2, input.phase, intervalMs);
  return { due: Math.max(nominal + input.random * jitter * intervalMs, endedAt + MIN_GAP_MS), nominal };
}
