/**
 * What a Route 53 failure means to seedkeeper. One classifier reads the SDK exception's `name`, `$fault`
 * and HTTP status (never its message text, except to tell a compare-and-swap conflict from other
 * InvalidChangeBatch causes, where Route 53 gives nothing else to go on).
 */
import { ConflictError, ProviderError } from '../types.js';

export const PROVIDER = 'route53';

/** Failures worth retrying after a pause, and why. */
export type TransientKind = 'throttled' | 'busy' | 'unavailable';

const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
]);
/** Route 53's InvalidChangeBatch messages that mean "the records are not what you said": re-read and retry. */
/** Route 53's wording for quotas ("Number of records limit of 1000 exceeded", "… limit exceeded …"). */
const QUOTA_MESSAGES = /\blimit\b.*\bexceeded\b|\bquota\b/i;
const CONFLICT_MESSAGES = [
  /but it already exists/i,
  /values provided do not match the current values/i,
  /but it was not found/i,
];

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly messages?: unknown;
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

export function errorName(error: unknown): string {
  const name = shape(error).name;
  return typeof name === 'string' ? name : 'Error';
}

function status(error: unknown): number | undefined {
  const code = shape(error).$metadata?.httpStatusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Throttling, PriorRequestNotComplete, 5xx and connection failures are transient; anything else is not. */
export function transientKind(error: unknown): TransientKind | undefined {
  if (error instanceof ProviderError) return undefined;
  const name = errorName(error);
  if (THROTTLED.has(name) || status(error) === 429) return 'throttled';
  if (name === 'PriorRequestNotComplete') return 'busy';
  const s = shape(error);
  if (s.$fault === 'server' || (status(error) ?? 0) >= 500) return 'unavailable';
  if (name === 'TimeoutError' || (typeof s.code === 'string' && NETWORK_CODES.has(s.code))) return 'unavailable';
  return undefined;
}

/** The lines of an InvalidChangeBatch (its `messages`, else its message). */
export function batchMessages(error: unknown): string[] {
  const s = shape(error);
  if (Array.isArray(s.messages) && s.messages.length > 0) return s.messages.map(String);
  return typeof s.message === 'string' ? [s.message] : [];
}

/** True when Route 53 refused a batch because a record was not as the batch expected (a lost race). */
export function isConflict(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  if (errorName(error) !== 'InvalidChangeBatch') return false;
  const lines = batchMessages(error);
  return lines.length > 0 && lines.every((line) => CONFLICT_MESSAGES.some((re) => re.test(line)));
}

/** True when Route 53 refused a batch over a quota ("… limit … exceeded"). */
export function isQuota(error: unknown): boolean {
  if (errorName(error) !== 'InvalidChangeBatch') return false;
  return batchMessages(error).some((line) => QUOTA_MESSAGES.test(line));
}

/**
 * The ProviderError for a failed call. `what` says what was being done ("change batch for seed.example.com
 * A", "list records at …"); `zoneId` names the hosted zone in hints.
 */
export function toProviderError(error: unknown, what: string, zoneId: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const name = errorName(error);
  const detail = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  if (isConflict(error)) {
    return new ConflictError(
      PROVIDER,
      `${what}: the records changed since they were read (${batchMessages(error).join('; ')}); re-read and retry`,
      options,
    );
  }
  if (name === 'InvalidChangeBatch' && isQuota(error)) {
    // A quota (records per name, values per record…) is reached by data, not by configuration: never `usage`.
    return new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_LIMIT',
      `${what}: Route 53 refused the change over a quota: ${batchMessages(error).join('; ')}`,
      { ...options, labels: ['retryable'] },
    );
  }
  if (name === 'InvalidChangeBatch' || name === 'InvalidInput') {
    return new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_INVALID',
      `${what}: Route 53 refused the request (${name}): ${batchMessages(error).join('; ') || detail}`,
      { ...options, labels: ['usage'] },
    );
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || status(error) === 403) {
    return new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_ACCESS_DENIED',
      `${what}: access denied (${detail}). The credentials need route53:ListResourceRecordSets, route53:ChangeResourceRecordSets and route53:GetChange on hosted zone ${zoneId} (and the health check actions when health checks are on)`,
      { ...options, labels: ['usage'] },
    );
  }
  if (name === 'NoSuchHostedZone') {
    return new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_NO_SUCH_ZONE',
      `${what}: there is no hosted zone ${zoneId} (check hostedZoneId)`,
      { ...options, labels: ['usage'] },
    );
  }
  if (name === 'NoSuchHealthCheck') {
    return new ProviderError(PROVIDER, 'ERR_ROUTE53_NO_SUCH_HEALTH_CHECK', `${what}: ${detail}`, {
      ...options,
      labels: ['usage'],
    });
  }
  const kind = transientKind(error);
  if (kind !== undefined)
    return new ProviderError(PROVIDER, 'ERR_ROUTE53_UNAVAILABLE', `${what}: ${name}: ${detail}`, {
      ...options,
      labels: ['retryable'],
    });
  return new ProviderError(PROVIDER, 'ERR_ROUTE53', `${what}: ${name}: ${detail}`, options);
}
