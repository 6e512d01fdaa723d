/** Health options: defaults merged with the caller's, every value checked once, errors naming the option. */
import { ConfigError } from '../errors.js';
import { DEFAULT_HEALTH_OPTIONS, type HealthOptions } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

interface Range {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  readonly what: string;
}

const RANGES: { readonly [K in keyof HealthOptions]: Range } = {
  intervalMs: { min: 10, max: DAY_MS, integer: false, what: 'a number of ms' },
  timeoutMs: { min: 1, max: DAY_MS, integer: false, what: 'a number of ms' },
  healthyAfter: { min: 1, max: 1000, integer: true, what: 'a whole number of passes' },
  unhealthyAfterMs: { min: 0, max: DAY_MS, integer: false, what: 'a number of ms' },
  jitter: { min: 0, max: 0.5, integer: false, what: 'a fraction of the interval' },
  maxConcurrent: { min: 1, max: 1_000_000, integer: true, what: 'a whole number of probes' },
};

/**
 * `DEFAULT_HEALTH_OPTIONS` overridden by `options`; throws ConfigError naming the first bad option. A probe
 * may not outlast its interval: `timeoutMs <= intervalMs` (the default timeout shrinks to a short interval).
 */
export function resolveHealthOptions(options: Partial<HealthOptions> = {}): HealthOptions {
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(RANGES, key)) {
      throw new ConfigError(key, `unknown health option (known: ${Object.keys(RANGES).join(', ')})`);
    }
  }
  const merged: HealthOptions = { ...DEFAULT_HEALTH_OPTIONS };
  for (const key of Object.keys(RANGES) as (keyof HealthOptions)[]) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    const range = RANGES[key];
    const fits =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= range.min &&
      value <= range.max &&
      (!range.integer || Number.isInteger(value));
    if (!fits) {
      throw new ConfigError(
        key,
        `must be ${range.what} from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`,
      );
    }
    (merged as { -readonly [K in keyof HealthOptions]: number })[key] = value;
  }
  // An interval shorter than the default timeout brings the default timeout down with it.
  if (options.timeoutMs === undefined && merged.timeoutMs > merged.intervalMs) {
    (merged as { timeoutMs: number }).timeoutMs = merged.intervalMs;
  }
  if (merged.timeoutMs > merged.intervalMs) {
    throw new ConfigError('timeoutMs', `must not exceed intervalMs (${merged.intervalMs}), got ${merged.timeoutMs}`);
  }
  return Object.freeze(merged);
}
