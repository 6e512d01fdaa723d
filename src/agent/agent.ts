/**
 * The agent's three operations on one node:
 * - register: identity -> wait until the service port is ready (bounded) -> target.register;
 * - deregister: identity -> target.deregister;
 * - watch: register as above, then follow the node's health and the spot interruption notice until the
 *   signal aborts, then deregister (bounded by the shutdown timeout). See watch.ts.
 * Every step is reported as a typed event (events.ts).
 */
import { EventEmitter } from 'node:events';
import { publish, type AgentEvents, type DeregisterReason, type RegisterReason } from './events.js';
import type { SpotInstanceAction } from './imds.js';
import { resolveAgentSettings, type WaitSettings } from './options.js';
import type { AgentMember, RegistrationTarget } from './target.js';
import { createReadinessCheck, waitForPort, type ReadinessCheck } from './wait-port.js';
import { runWatch, type WatchOutcome, type WatchSettings } from './watch.js';
import { systemClock, type Clock } from '../time/clock.js';

/** The documented defaults of `wait` and `watch` live with their checks (options.ts). */
export { DEFAULT_AGENT_SETTINGS, type WaitSettings } from './options.js';

export interface AgentOptions {
  readonly target: RegistrationTarget;
  /** The node's identity (resolved once, on first use). */
  readonly identity: AgentMember | ((signal?: AbortSignal) => Promise<AgentMember>);
  /** Where readiness is probed. Default: the registered address. */
  readonly probeHost?: string;
  /** When set, the node must answer info with this cluster name to count as ready. */
  readonly clusterName?: string;
  readonly wait?: Partial<WaitSettings>;
  readonly watch?: Partial<WatchSettings>;
  /** The spot interruption notice (IMDS); without it watch does not poll for one. */
  readonly spot?: (signal: AbortSignal) => Promise<SpotInstanceAction | undefined>;
  /** Injectable readiness check (tests). Default: TCP connect (+ info cluster name). */
  readonly check?: ReadinessCheck;
  /** Pauses, deadlines and retry times of wait and watch (tests). Default systemClock. */
  readonly clock?: Clock;
}

export class Agent extends EventEmitter<AgentEvents> {
  readonly target: RegistrationTarget;
  readonly waitSettings: WaitSettings;
  readonly watchSettings: WatchSettings;
  readonly clock: Clock;
  private readonly options: AgentOptions;
  private identity: Promise<AgentMember> | undefined;
  private readiness: ReadinessCheck | undefined;

  constructor(options: AgentOptions) {
    super();
    this.options = options;
    this.target = options.target;
    const settings = resolveAgentSettings(options);
    this.waitSettings = settings.wait;
    this.watchSettings = settings.watch;
    this.clock = options.clock ?? systemClock;
  }

  /** Emit a typed event, also on the diagnostics channel. */
  report<K extends keyof AgentEvents>(event: K, payload: AgentEvents[K][0]): void {
    publish(event, payload);
    (this.emit as (event: K, payload: AgentEvents[K][0]) => boolean)(event, payload);
  }

  /** The node's identity (resolved once). */
  member(signal?: AbortSignal): Promise<AgentMember> {
    if (this.identity === undefined) {
      const source = this.options.identity;
      const resolving = typeof source === 'function' ? source(signal) : Promise.resolve(source);
      this.identity = resolving.then((member) => {
        this.report('identity', member);
        return member;
      });
      // A failed resolution may be retried by the next call.
      this.identity.catch(() => {
        this.identity = undefined;
      });
    }
    return this.identity;
  }

  /** The readiness check of this node (TCP, plus cluster name when configured). */
  check(member: AgentMember): ReadinessCheck {
    this.readiness ??=
      this.options.check ??
      createReadinessCheck({
        host: this.options.probeHost ?? member.address,
        port: member.port,
        clusterName: this.options.clusterName,
      });
    return this.readiness;
  }

  /** Resolves once the node's port is ready; ERR_PORT_TIMEOUT after wait.timeoutMs. */
  async waitUntilReady(member: AgentMember, signal?: AbortSignal): Promise<void> {
    const result = await waitForPort({
      host: this.options.probeHost ?? member.address,
      port: member.port,
      clusterName: this.options.clusterName,
      timeoutMs: this.waitSettings.timeoutMs,
      intervalMs: this.waitSettings.intervalMs,
      check: this.check(member),
      clock: this.clock,
      onProgress: (progress) => this.report('waiting', progress),
      ...(signal ? { signal } : {}),
    });
    this.report('ready', { member, ...result });
  }

  /** Identity, wait for the port, register. */
  async register(
    options: { readonly signal?: AbortSignal; readonly reason?: RegisterReason } = {},
  ): Promise<AgentMember> {
    const member = await this.member(options.signal);
    await this.waitUntilReady(member, options.signal);
    options.signal?.throwIfAborted();
    await this.target.register(member);
    this.report('registered', { member, reason: options.reason ?? 'command', target: this.target.kind });
    return member;
  }

  /** Identity, deregister (idempotent: nothing to do when the address is not registered). */
  async deregister(
    options: { readonly signal?: AbortSignal; readonly reason?: DeregisterReason } = {},
  ): Promise<AgentMember> {
    const member = await this.member(options.signal);
    await this.target.deregister(member);
    this.report('deregistered', { member, reason: options.reason ?? 'command', target: this.target.kind });
    return member;
  }

  /** Register, follow health and spot notices until `signal` aborts, then deregister. */
  watch(signal: AbortSignal): Promise<WatchOutcome> {
    return runWatch(this, signal, this.options.spot);
  }
}
