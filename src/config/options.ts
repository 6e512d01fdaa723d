/**
 * Checks for library options objects (what a caller passes in code, after the config schema or instead of it):
 * each returns the value when it fits and throws InvalidArgumentError naming the option path otherwise, so an
 * options module reads as one line per option, like the config schema.
 */
import { InvalidArgumentError } from '../errors.js';

/** A whole number in min..max. */
export function checkInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(path, `expected an integer in ${min}..${max}, got ${describeValue(value)}`);
  }
  return value;
}

/** A finite number in min..max. */
export function checkNumber(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(path, `expected a number in ${min}..${max}, got ${describeValue(value)}`);
  }
  return value;
}

export function checkBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(path, `expected true or false, got ${describeValue(value)}`);
  return value;
}

/** A function (a hook or an injected dependency such as a clock's `now`). */
export function checkFunction<T>(value: T, path: string): T {
  if (typeof value !== 'function')
    throw new InvalidArgumentError(path, `expected a function, got ${describeValue(value)}`);
  return value;
}

/** A plain object given for a group of options (`wait`, `watch`, `sse`). */
export function checkObject(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(path, `expected an object, got ${describeValue(value)}`);
  }
}

/** Refuses keys the options object does not know (a typo would otherwise be ignored silently). */
export function checkKnownKeys(options: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw new InvalidArgumentError(`${prefix}${key}`, `unknown option (known: ${known.join(', ')})`);
  }
}

/** A short, quote-safe description of any value for an error message (never the whole of an object). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  if (typeof value === 'bigint') return `bigint ${value}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
