/** Amazon Route 53 provider (AWS SDK v3): shared compare-and-swap record or per-node multivalue records with health checks. */
export { createRoute53Provider, type Route53Provider } from './provider.js';
export {
  DEFAULT_ROUTE53_OPTIONS,
  type Route53Logger,
  type Route53Mode,
  type Route53ProviderOptions,
} from './options.js';
export { RateBudget, Route53Caller, type Route53Stats, type RetryPolicy } from './rate.js';
export { ROUTE53_BATCH_LIMITS, packBatches, type Unit } from './batch.js';
export { MEMBER_TAG, OWNER_TAG, unreachableReason } from './health-checks.js';
export { decodeTxt, encodeTxt, fromRoute53Name, toRoute53Name } from './codec.js';
export {
  isConflict,
  toProviderError,
  transientKind,
  PROVIDER as ROUTE53_PROVIDER,
  type TransientKind,
} from './errors.js';
export { findHostedZoneId } from './zones.js';
