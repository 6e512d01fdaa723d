export { createClusterSource, type ClusterSourceOptions } from './cluster.js';
export { createStaticSource, staticCandidates, MAX_STATIC_CANDIDATES, type StaticSourceOptions } from './static.js';
export { SourceError, type Candidate, type Source } from './types.js';
