export {
  startEmbeddedDnsServer,
  DEFAULT_EMBEDDED_DNS_LIMITS,
  DEFAULT_EMBEDDED_DNS_PORT,
  type EmbeddedDnsServer,
  type EmbeddedDnsServerOptions,
  type EmbeddedDnsLimits,
  type EmbeddedDnsLogger,
  type EmbeddedDnsStats,
} from './server.js';
export { registerEmbeddedDnsMetrics } from './metrics.js';
export { defaultZoneStateFile } from './state-file.js';
export { createEmbeddedProvider, type EmbeddedProviderOptions } from './provider.js';
export {
  ZoneStore,
  DEFAULT_SOA_TIMERS,
  MAX_CHANGES_PER_BATCH,
  setKey,
  type Soa,
  type SoaOptions,
  type ZoneSnapshot,
  type ZoneStoreOptions,
} from './zone-store.js';
