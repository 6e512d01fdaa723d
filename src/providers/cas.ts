/**
 * Compare-and-swap for any DnsProvider: read, compute the changes, apply them with what was read as their
 * precondition; on ConflictError (someone else changed it in between) re-read and retry after a full-jitter
 * exponential backoff, a bounded number of times. `addAddress` and
 * `removeAddress` are what agents use: each writer adds or removes only its own address, so several
 * writers at once never lose each other's changes.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { canonicalIp } from '../net/ip.js';
import { canonicalName, canonicalSet, sameSet } from '../records/canonical.js';
import { ConflictError, ProviderError, type DnsProvider } from './types.js';
import type { RecordChange, RecordSet, RecordType } from '../records/types.js';
import { backoffDelay, type BackoffPolicy } from '../time/backoff.js';
import { systemClock, type Clock } from '../time/clock.js';
import { InvalidArgumentError } from '../errors.js';

export interface ModifyOptions {
  /** Attempts (reads + applies) before giving up. Default 8. */
  readonly maxAttempts?: number;
  /** First backoff ceiling, ms; doubles per conflict. Default 20. */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling, ms. Default 1000. */
  readonly maxDelayMs?: number;
  readonly signal?: AbortSignal;
  /** Random number in [0, 1) for the jitter (tests). Default Math.random. */
  readonly random?: () => number;
  /** Sleeps between attempts. Default systemClock. */
  readonly clock?: Clock;
  /**
   * The whole pause policy between attempts, for callers whose pauses always had another shape (the
   * reconcile's short linear pauses); when set, baseDelayMs and maxDelayMs are not used. Default: full jitter,
   * doubling from baseDelayMs up to maxDelayMs.
   */
  readonly backoff?: BackoffPolicy;
  /** Told about each conflict that will be retried (logs, metrics), before the pause. */
  readonly onConflict?: (attempt: number, error: ConflictError) => void;
}

export const DEFAULT_MODIFY_OPTIONS = Object.freeze({ maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 1000 });

export interface ModifyResult {
  /** Attempts used (1 = no conflict). */
  readonly attempts: number;
  /** The change applied, or undefined when the set already was what `mutate` wanted. */
  readonly change: RecordChange | undefined;
  /** The set as it is now (after the change), or undefined when absent. */
  readonly set: RecordSet | undefined;
}

/** Every attempt met a conflict. `cause` is the last ConflictError. */
export class CasExhaustedError extends ConflictError {
  readonly attempts: number;
  constructor(provider: string, what: string, attempts: number, cause: ConflictError) {
    super(
      provider,
      `${what}: still conflicting after ${attempts} attempts (other writers keep changing it): ${cause.message}`,
      { cause },
    );
    this.attempts = attempts;
  }
}

function usage(provider: string, code: string, message: string): ProviderError {
  return new ProviderError(provider, code, message, { labels: ['usage'] });
}

function boundedInt(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(what, `${value} is not an integer in ${min}..${max}`);
  return value;
}

/** The change turning `current` into `next` (both canonical), or undefined when they are the same. */
export function changeBetween(current: RecordSet | undefined, next: RecordSet | undefined): RecordChange | undefined {
  if (current === undefined) return next === undefined ? undefined : { kind: 'create', set: next };
  if (next === undefined) return { kind: 'delete', set: current };
  return sameSet(current, next) ? undefined : { kind: 'update', before: current, after: next };
}

export interface CasBatchResult {
  /** Attempts used (1 = no conflict). */
  readonly attempts: number;
  /** What was applied; empty when nothing needed changing. */
  readonly changes: readonly RecordChange[];
  /** The sets read on the attempt that succeeded. */
  readonly current: readonly RecordSet[];
}

/**
 * The compare-and-swap loop for any batch: read `names`, let `plan(current)` compute the changes (each
 * carrying the set it read as its precondition), apply them as one batch, and on ConflictError re-read and
 * retry with full-jitter backoff: sleep random(0, min(maxDelay, base·2^n)) (or `options.backoff`). The one
 * compare-and-swap loop: modifyRecordSet, the agent's DNS target and the registrar's and Lambda's reconcile
 * all run it. `plan` may run several times and should be pure; what it throws is passed through. `what`
 * names the operation in the final error.
 */
export async function applyWithRetries(
  provider: DnsProvider,
  names: readonly string[],
  plan: (current: readonly RecordSet[]) => readonly RecordChange[],
  what: string,
  options: ModifyOptions = {},
): Promise<CasBatchResult> {
  const maxAttempts = boundedInt(options.maxAttempts ?? DEFAULT_MODIFY_OPTIONS.maxAttempts, 1, 100, 'maxAttempts');
  const policy = options.backoff ?? {
    baseMs: boundedInt(options.baseDelayMs ?? DEFAULT_MODIFY_OPTIONS.baseDelayMs, 0, 60_000, 'baseDelayMs'),
    maxMs: boundedInt(options.maxDelayMs ?? DEFAULT_MODIFY_OPTIONS.maxDelayMs, 0, 600_000, 'maxDelayMs'),
    jitter: 'full',
  };
  const random = options.random ?? Math.random;
  const clock = options.clock ?? systemClock;
  let last: ConflictError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    const current = await provider.read(names);
    const changes = plan(current);
    if (changes.length === 0) return { attempts: attempt, changes, current };
    try {
      await provider.apply(changes);
      return { attempts: attempt, changes, current };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      last = error;
    }
    if (attempt < maxAttempts) {
      options.onConflict?.(attempt, last);
      try {
        await clock.sleep(backoffDelay(attempt, policy, random()), options.signal);
      } catch (error) {
        options.signal?.throwIfAborted(); // the caller's reason, as before a read
        throw error;
      }
    }
  }
  throw new CasExhaustedError(provider.kind, what, maxAttempts, last!);
}

/**
 * Reads `name`/`type`, applies `mutate(current)` (undefined = absent / delete it) as one compare-and-swap
 * change, retried on conflict as applyWithRetries does. `mutate` may run several times and should be pure;
 * what it throws is passed through.
 */
export async function modifyRecordSet(
  provider: DnsProvider,
  name: string,
  type: RecordType,
  mutate: (current: RecordSet | undefined) => RecordSet | undefined,
  options: ModifyOptions = {},
): Promise<ModifyResult> {
  const owner = canonicalName(name);
  const what = `${owner} ${type}`;
  let next: RecordSet | undefined;
  const result = await applyWithRetries(
    provider,
    [owner],
    (sets) => {
      const current = sets.find((s) => s.name === owner && s.type === type);
      const wanted = mutate(current);
      next = wanted === undefined ? undefined : canonicalSet(wanted);
      if (next !== undefined && (next.name !== owner || next.type !== type)) {
        throw usage(
          provider.kind,
          'ERR_INVALID_RECORD',
          `${what}: mutate returned ${next.name} ${next.type}; it must keep the name and type`,
        );
      }
      const change = changeBetween(current, next);
      if (change === undefined) next = current;
      return change === undefined ? [] : [change];
    },
    what,
    options,
  );
  return { attempts: result.attempts, change: result.changes[0], set: next };
}

function addressType(provider: string, address: string): { type: 'A' | 'AAAA'; ip: string } {
  if (isIPv4(address)) return { type: 'A', ip: canonicalIp(address) };
  if (isIPv6(address) && !address.includes('%')) return { type: 'AAAA', ip: canonicalIp(address) };
  throw usage(provider, 'ERR_INVALID_RECORD', `${JSON.stringify(address)} is not an IP address`);
}

/** The set `address` belongs in at `name` (A for IPv4, AAAA for IPv6), changed by modifyRecordSet. */
async function modifyAddressSet(
  provider: DnsProvider,
  name: string,
  address: string,
  options: ModifyOptions,
  mutate: (
    current: RecordSet | undefined,
    at: { owner: string; type: 'A' | 'AAAA'; ip: string },
  ) => RecordSet | undefined,
): Promise<ModifyResult> {
  const { type, ip } = addressType(provider.kind, address);
  const owner = canonicalName(name);
  return await modifyRecordSet(provider, owner, type, (current) => mutate(current, { owner, type, ip }), options);
}

/**
 * Adds `address` to the A (IPv4) or AAAA (IPv6) set at `name`, creating the set with `ttl` if absent.
 * A set that already holds the address is left alone; otherwise the set gets `ttl`.
 */
export async function addAddress(
  provider: DnsProvider,
  name: string,
  address: string,
  ttl: number,
  options: ModifyOptions = {},
): Promise<ModifyResult> {
  return await modifyAddressSet(provider, name, address, options, (current, { owner, type, ip }) => {
    if (current?.values.includes(ip)) return current;
    return { name: owner, type, ttl, values: [...(current?.values ?? []), ip] };
  });
}

export interface RemoveAddressOptions extends ModifyOptions {
  /** Delete the set when `address` is its last value. Default false: refuse (ERR_LAST_ADDRESS). */
  readonly allowEmpty?: boolean;
}

/**
 * Removes `address` from the set at `name` (nothing to do when it is not there). Never removes the last
 * address unless `allowEmpty`: an empty seed record leaves clients with nothing to connect to.
 */
export async function removeAddress(
  provider: DnsProvider,
  name: string,
  address: string,
  options: RemoveAddressOptions = {},
): Promise<ModifyResult> {
  return await modifyAddressSet(provider, name, address, options, (current, { owner, type, ip }) => {
    if (current === undefined || !current.values.includes(ip)) return current;
    const rest = current.values.filter((v) => v !== ip);
    if (rest.length > 0) return { ...current, values: rest };
    if (options.allowEmpty === true) return undefined;
    throw usage(
      provider.kind,
      'ERR_LAST_ADDRESS',
      `${owner} ${type}: ${ip} is its last address; removing it would leave the record empty (pass allowEmpty: true to allow that)`,
    );
  });
}
