/** The node agent: identity from IMDSv2 or flags, wait for the service port, register / deregister / watch. */
export type { AgentMember, RegistrationTarget } from './target.js';
export { Agent, DEFAULT_AGENT_SETTINGS, type AgentOptions, type WaitSettings } from './agent.js';
export type { WatchSettings } from './watch.js';
export type { WatchOutcome } from './watch.js';
export {
  AGENT_CHANNEL,
  type AgentEventName,
  type AgentEvents,
  type DeregisterReason,
  type RegisterReason,
} from './events.js';
export { AgentError, ImdsError, TargetRefusedError, type AgentErrorCode, type ImdsErrorCode } from './errors.js';
export {
  createImdsClient,
  DEFAULT_IMDS_OPTIONS,
  type ImdsClient,
  type ImdsOptions,
  type SpotInstanceAction,
} from './imds.js';
export {
  resolveIdentity,
  isAddressChoice,
  type AddressChoice,
  type IdentityInput,
  type MetadataSource,
} from './identity.js';
export {
  createReadinessCheck,
  waitForPort,
  type Readiness,
  type ReadinessCheck,
  type WaitPortOptions,
  type WaitProgress,
} from './wait-port.js';
export { createProgressPrinter, describeProgress, type ProgressPrinter } from './progress.js';
export { createDnsTarget, DEFAULT_DNS_TARGET_OPTIONS, type DnsTargetOptions } from './targets/dns.js';
export { agentConfigSchema, loadAgentConfig, validateAgentConfig, type AgentConfig } from './config.js';
export { buildAgent, createTarget, type AgentOverrides, type AgentRuntime } from './build.js';
