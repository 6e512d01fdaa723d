/**
 * Registrar library options: the numbers a caller of `new Registrar(...)` passes in code (the config schema
 * checks the same ones for `seedkeeper run`), checked once at construction. InvalidArgumentError names the option.
 */
import { checkFunction, checkInteger, checkObject } from '../config/options.js';
import { InvalidArgumentError } from '../errors.js';

const DAY_MS = 86_400_000;

/** The checked part of RegistrarOptions (registrar.ts), declared here so that this module needs no registrar.ts. */
export interface RegistrarOptionsToCheck {
  readonly name: string;
  readonly sources: readonly unknown[];
  readonly intervalMs: number;
  readonly debounceMs: number;
  readonly maxConflictRetries?: number;
  readonly errorSummaryPeriodMs?: number;
  readonly retry?: { readonly baseMs: number; readonly maxMs: number };
  readonly random?: () => number;
}

/** Throws InvalidArgumentError naming the first bad option; defaults stay where they are documented (registrar.ts). */
export function validateRegistrarOptions(options: RegistrarOptionsToCheck): void {
  if (typeof options.name !== 'string' || options.name.length === 0)
    throw new InvalidArgumentError('name', 'expected the seed record name');
  if (!Array.isArray(options.sources)) throw new InvalidArgumentError('sources', 'expected a list of sources');
  checkInteger(options.intervalMs, 'intervalMs', 1, DAY_MS);
  checkInteger(options.debounceMs, 'debounceMs', 0, 3_600_000);
  if (options.maxConflictRetries !== undefined) checkInteger(options.maxConflictRetries, 'maxConflictRetries', 0, 100);
  if (options.errorSummaryPeriodMs !== undefined)
    checkInteger(options.errorSummaryPeriodMs, 'errorSummaryPeriodMs', 0, DAY_MS);
  if (options.retry !== undefined) {
    checkObject(options.retry, 'retry');
    const base = checkInteger(options.retry.baseMs, 'retry.baseMs', 0, DAY_MS);
    const max = checkInteger(options.retry.maxMs, 'retry.maxMs', 0, DAY_MS);
    if (max < base) throw new InvalidArgumentError('retry.maxMs', `must not be below retry.baseMs (${base})`);
  }
  if (options.random !== undefined) checkFunction(options.random, 'random');
}
