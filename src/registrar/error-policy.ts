/**
 * Which reconcile errors may stop the registrar. The rule: nothing that arrives from the network, an agent, a
 * source or a provider's data can stop it; only its own configuration can, and only before it has ever
 * succeeded (at start-up, where an operator is watching and a wrong key or zone is the likely cause).
 *
 * After one good reconcile the same errors are survived: the record keeps its last published state (the
 * embedded server keeps answering), the error is logged and counted, and the next cycle tries again. A key
 * revoked at 3 a.m. is better met by an alert than by taking the seed record down.
 */
import { ConfigError, SeedkeeperError } from '../errors.js';

/**
 * Provider error codes that mean "this registrar is configured wrongly": credentials, key, zone, server.
 * Everything else labelled `usage` by a provider (a set too large, a value refused) comes from data.
 */
const CONFIGURATION_CODES: ReadonlySet<string> = new Set([
  'ERR_CONFIG',
  'ERR_NOT_IN_ZONE',
  'ERR_INVALID_ZONE',
  'ERR_TSIG_BADKEY',
  'ERR_TSIG_BADSIG',
  'ERR_DNS_REFUSED',
  'ERR_DNS_NOTAUTH',
  'ERR_ROUTE53_ACCESS_DENIED',
  'ERR_ROUTE53_NO_SUCH_ZONE',
]);

export type ErrorVerdict = 'fatal' | 'survive';

/** True for errors that mean the registrar's own configuration is wrong. */
export function isConfigurationError(error: unknown): boolean {
  if (error instanceof ConfigError) return true;
  return error instanceof SeedkeeperError && error.hasLabel('usage') && CONFIGURATION_CODES.has(error.code);
}

/** `fatal` only for a configuration error before the first successful reconcile. */
export function classifyReconcileError(error: unknown, state: { readonly everSucceeded: boolean }): ErrorVerdict {
  return !state.everSucceeded && isConfigurationError(error) ? 'fatal' : 'survive';
}
