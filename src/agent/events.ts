/**
 * What the agent reports, for logs and tests: typed EventEmitter events, also published (only when someone
 * subscribes) on the diagnostics channel `seedkeeper:agent` as `{ type, ...payload }` (docs/diagnostics.md).
 */
import { DIAGNOSTICS_CHANNELS, diagnosticsPublisher } from '../log/diagnostics.js';
import type { SpotInstanceAction } from './imds.js';
import type { AgentMember } from './target.js';
import type { Readiness, WaitProgress } from './wait-port.js';

export type RegisterReason = 'command' | 'start' | 'recovered';
export type DeregisterReason = 'command' | 'unavailable' | 'spot' | 'shutdown';

export interface AgentEvents {
  /** The node's identity, once resolved. */
  identity: [AgentMember];
  /** A readiness attempt failed while waiting for the port. */
  waiting: [WaitProgress];
  /** The port accepted connections (and the node answered as expected). */
  ready: [{ readonly member: AgentMember; readonly waitedMs: number; readonly attempts: number }];
  registered: [{ readonly member: AgentMember; readonly reason: RegisterReason; readonly target: string }];
  deregistered: [{ readonly member: AgentMember; readonly reason: DeregisterReason; readonly target: string }];
  /** watch: a periodic re-registration (renewMs) went through. */
  renewed: [{ readonly member: AgentMember; readonly target: string }];
  /** watch: a probe failed after passing (the unavailability clock starts). */
  down: [{ readonly member: AgentMember; readonly last: Readiness }];
  /** watch: unavailable continuously for `unavailableAfterMs`: the node is to leave the record. */
  unavailable: [{ readonly member: AgentMember; readonly forMs: number; readonly last: Readiness }];
  /** watch: `healthyAfter` consecutive passes after being unavailable: the node is to rejoin. */
  recovered: [{ readonly member: AgentMember; readonly passes: number }];
  /** watch: EC2 posted a spot interruption notice; the node leaves and stays out. */
  spotNotice: [{ readonly member: AgentMember; readonly notice: SpotInstanceAction }];
  /** A target operation failed (watch retries it with backoff). */
  targetError: [
    {
      readonly member: AgentMember;
      readonly op: 'register' | 'deregister';
      readonly error: unknown;
      readonly retryInMs: number | undefined;
    },
  ];
  /** Reading the spot notice failed (watch keeps polling). */
  imdsError: [{ readonly error: unknown }];
  /** watch: the stop signal arrived; deregistration follows. */
  stopping: [{ readonly member: AgentMember | undefined }];
}

export type AgentEventName = keyof AgentEvents;

export const AGENT_CHANNEL = DIAGNOSTICS_CHANNELS.agent;
const publishDiagnostics = diagnosticsPublisher(AGENT_CHANNEL);

/** Publish on the diagnostics channel (free when nobody listens). */
export function publish<K extends AgentEventName>(event: K, payload: AgentEvents[K][0]): void {
  publishDiagnostics(event, payload);
}
