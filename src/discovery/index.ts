export { Cluster, type ConnectReport } from './cluster.js';
export { discover, type DiscoveryResult } from './discover.js';
export { diffClusters, type ClusterChange, type ClusterDescription, type NodeDescription } from './description.js';
export {
  ClusterClosedError,
  ClusterNameMismatchError,
  NodeIdMismatchError,
  NoSeedNodeError,
  NodeValidationError,
} from './errors.js';
export type { ClusterEvent, ClusterEventName, ClusterEvents, NodeRemovalReason } from './events.js';
export { DEFAULT_DISCOVERY_OPTIONS, type DiscoveryOptions } from './options.js';
export { probe, type ProbeOptions } from './probe/probe.js';
export type { NodeReport, ProbeReport, ProbeWarning, SeedReport } from './probe/report.js';
export { createResolver, ResolveError, type HostResolver } from './resolve.js';
export { parseSeed, parseSeeds, type Seed } from './seed.js';
export { createTranslator, type AddressTranslation, type TranslationRule } from './translate.js';
