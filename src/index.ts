/**
 * seedkeeper as a library. Client side: discovery (`discover`, `Cluster`, `probe`). Registration side: the
 * pipeline pieces (sources, health, plan, providers), the registrar, and the node agent. The AWS SDK parts
 * (Route 53 provider, Auto Scaling group source) live in `seedkeeper/aws`, so this entry never loads the SDK.
 */
export * from './discovery/index.js';
export {
  SeedkeeperError,
  ConfigError,
  InvalidArgumentError,
  InternalError,
  describeError,
  type ErrorLabel,
} from './errors.js';
export { InfoConnection, type ConnectOptions, type Credentials, type TlsOptions } from './protocol/connection.js';
export type { HostPort } from './net/endpoint.js';

export {
  HealthChecker,
  createAerospikeProbe,
  createTcpProbe,
  type Endpoint,
  type EndpointHealth,
  type HealthOptions,
  type HealthTransition,
  type Probe,
  type ProbeResult,
} from './health/index.js';
export {
  calculatePlan,
  renderPlan,
  type DesiredMember,
  type Plan,
  type PlanInput,
  type PlanPolicy,
} from './plan/index.js';
export { markerName, formatMarker, parseMarker } from './records/marker.js';
export { ConflictError, ProviderError, type DnsProvider } from './providers/types.js';
export type { RecordChange, RecordSet, RecordType } from './records/types.js';
export { modifyRecordSet, addAddress, removeAddress } from './providers/cas.js';
export { createEmbeddedProvider, startEmbeddedDnsServer, type EmbeddedDnsServer } from './providers/embedded/index.js';
export { createRfc2136Provider, loadTsigKey, type TsigKey } from './providers/rfc2136/index.js';
export { createClusterSource, createStaticSource, type Candidate, type Source } from './sources/index.js';
export { Registrar, type ReconcileOutcome } from './registrar/registrar.js';
export { buildRegistrar, type RegistrarRuntime } from './registrar/build.js';
export { loadConfig, validateConfig } from './registrar/config.js';
export {
  Agent,
  buildAgent,
  createDnsTarget,
  createImdsClient,
  loadAgentConfig,
  type AgentMember,
  type RegistrationTarget,
} from './agent/index.js';
