/** Health checking: TCP and Aerospike probes, hysteresis, and the scheduler that runs them at scale. */
export * from './types.js';
export { createTcpProbe, socketErrorReason } from './tcp-probe.js';
export { createAerospikeProbe, probeErrorReason, type AerospikeProbeOptions } from './aerospike-probe.js';
export {
  initialHealth,
  isFailingTowardUnhealthy,
  nextHealth,
  transitionReason,
  type HysteresisOptions,
} from './hysteresis.js';
export { resolveHealthOptions } from './options.js';
export { HealthChecker, type HealthCheckerEvents, type HealthCheckerStats } from './checker.js';
