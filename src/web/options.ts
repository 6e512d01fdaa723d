/** Status service options: the documented defaults in one frozen object, every value checked once. */
import { checkBoolean, checkFunction, checkInteger, checkObject } from '../config/options.js';
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_SSE_LIMITS, type SseLimits } from './sse.js';

/** The tunable part of StatusServiceOptions, resolved. */
export interface StatusServiceSettings {
  /** Also ask the system resolver (never for a special-use name such as the demo's). */
  readonly systemResolver: boolean;
  /** Verdict sampling period (one sparkline cell), ms. */
  readonly sampleMs: number;
  /** Pushes to watching pages are at most this often, ms. */
  readonly pushMinMs: number;
  /** Server-sent event streams: how many at once, keepalive period, bytes buffered per slow page. */
  readonly sse: SseLimits;
}

export const DEFAULT_STATUS_SERVICE_OPTIONS: StatusServiceSettings = Object.freeze({
  systemResolver: true,
  sampleMs: 1000,
  pushMinMs: 200,
  sse: DEFAULT_SSE_LIMITS,
});

/** Defaults overridden by `options`; InvalidArgumentError naming the first bad option. */
export function resolveStatusServiceOptions(
  options: Partial<StatusServiceSettings> & { readonly dnsTargets?: unknown; readonly serial?: unknown },
): StatusServiceSettings {
  const d = DEFAULT_STATUS_SERVICE_OPTIONS;
  if (!Array.isArray(options.dnsTargets))
    throw new InvalidArgumentError('dnsTargets', 'expected a list of { label, host?, port? }');
  if (options.serial !== undefined) checkFunction(options.serial, 'serial');
  const sse = options.sse ?? d.sse;
  checkObject(sse, 'sse');
  return Object.freeze({
    systemResolver: checkBoolean(options.systemResolver ?? d.systemResolver, 'systemResolver'),
    sampleMs: checkInteger(options.sampleMs ?? d.sampleMs, 'sampleMs', 1, 3_600_000),
    pushMinMs: checkInteger(options.pushMinMs ?? d.pushMinMs, 'pushMinMs', 0, 60_000),
    sse: Object.freeze({
      maxClients: checkInteger(sse.maxClients, 'sse.maxClients', 1, 10_000),
      keepaliveMs: checkInteger(sse.keepaliveMs, 'sse.keepaliveMs', 1, 3_600_000),
      maxBufferedBytes: checkInteger(sse.maxBufferedBytes, 'sse.maxBufferedBytes', 1024, 1 << 30),
    }),
  });
}
