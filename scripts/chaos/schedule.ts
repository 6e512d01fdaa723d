/**
 * The fault schedule, planned up front from the seed: when each fault starts, how long it holds, and a
 * random number that chooses its target among those eligible when it fires (which nodes are up depends on
 * earlier faults; the choice stays reproducible). Faults do not overlap: each is undone and the record
 * allowed to converge before the next, so every convergence time is attributable to one fault.
 */
import type { Prng } from './prng.js';

export interface FaultKindSpec {
  readonly kind: string;
  /** How long the fault holds before it is undone, ms. */
  readonly minHoldMs: number;
  readonly maxHoldMs: number;
  /** Relative frequency (default 1). */
  readonly weight?: number;
}

export interface ScheduleOptions {
  /** Faults start within [0, durationMs); every one is undone before durationMs. */
  readonly durationMs: number;
  /** Quiet time before each fault (convergence of the previous one happens here). */
  readonly minGapMs: number;
  readonly maxGapMs: number;
  /** Upper bound on the number of faults, whatever the duration. */
  readonly maxFaults?: number;
}

export interface ScheduledFault {
  readonly index: number;
  readonly kind: string;
  /** Planned start, ms from the start of the run. */
  readonly atMs: number;
  readonly holdMs: number;
  /** Chooses the target when the fault fires: eligible[pick % eligible.length]. */
  readonly pick: number;
}

export const DEFAULT_MAX_FAULTS = 10_000;

function chooseKind(prng: Prng, kinds: readonly FaultKindSpec[]): FaultKindSpec {
  const total = kinds.reduce((sum, k) => sum + (k.weight ?? 1), 0);
  let roll = prng.next() * total;
  for (const k of kinds) {
    roll -= k.weight ?? 1;
    if (roll < 0) return k;
  }
  return kinds[kinds.length - 1]!;
}

function checkSpecs(kinds: readonly FaultKindSpec[], options: ScheduleOptions): void {
  if (kinds.length === 0) throw new RangeError('a schedule needs at least one fault kind');
  for (const k of kinds) {
    if (!(k.minHoldMs >= 0 && k.maxHoldMs >= k.minHoldMs) || !((k.weight ?? 1) > 0))
      throw new RangeError(`fault ${k.kind}: bad hold range or weight`);
  }
  if (!(options.durationMs >= 0 && options.minGapMs >= 0 && options.maxGapMs >= options.minGapMs))
    throw new RangeError('schedule: bad duration or gap range');
}

/** The faults of one run, in start order; the same prng state gives the same list. */
export function planSchedule(prng: Prng, kinds: readonly FaultKindSpec[], options: ScheduleOptions): ScheduledFault[] {
  checkSpecs(kinds, options);
  const faults: ScheduledFault[] = [];
  const maxFaults = options.maxFaults ?? DEFAULT_MAX_FAULTS;
  let t = 0;
  while (faults.length < maxFaults) {
    const gap = prng.int(Math.round(options.minGapMs), Math.round(options.maxGapMs));
    const spec = chooseKind(prng, kinds);
    const holdMs = prng.int(Math.round(spec.minHoldMs), Math.round(spec.maxHoldMs));
    const pick = prng.nextUint32();
    if (t + gap + holdMs >= options.durationMs) break;
    faults.push(Object.freeze({ index: faults.length, kind: spec.kind, atMs: t + gap, holdMs, pick }));
    t += gap + holdMs;
  }
  return faults;
}
