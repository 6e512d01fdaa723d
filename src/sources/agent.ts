/**
 * `agent` source: the nodes that registered themselves (through the registrar's agent API). Each member is
 * `{ id, address, port }`; the id (instance id or host name) is its identity, so a node that re-registers with
 * a new address replaces its old one, and an address registered by a new id is taken from the id that held it
 * (the IP was recycled to another instance that never deregistered).
 *
 * Registration only makes an address a candidate: health still decides whether it is published.
 *
 * Leases: with `leaseMs` 0 (the default) a registration lasts until it is deregistered. With a lease, a member
 * not renewed within `leaseMs` expires (agents re-register on their watch interval, which must be shorter than
 * the lease), so a force-terminated instance that never deregistered leaves by itself.
 */
import { SeedkeeperError, InvalidArgumentError } from '../errors.js';
import { checkNodeAddress, type AddressPolicy } from '../net/address-policy.js';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.js';
import { repeatEvery } from '../time/repeat.js';
import { agentIdProblem } from './agent-id.js';
import type { Candidate, Source } from './types.js';

export { AGENT_ID_PATTERN, AGENT_ID_RULE, agentIdProblem } from './agent-id.js';

/** Default upper bound of registered members. */
export const MAX_AGENT_MEMBERS = 4096;

export interface AgentMemberInput {
  readonly id: string;
  readonly address: string;
  readonly port: number;
}

export interface RegisteredMember {
  readonly id: string;
  /** Canonical IP text. */
  readonly address: string;
  readonly port: number;
  /** When this registration was created or last changed (ms since the epoch). */
  readonly registeredAt: number;
  /** When it expires without a renewal; absent without a lease. */
  readonly expiresAt?: number;
}

export type RegisterResult = 'added' | 'replaced' | 'renewed';

/** A member the registry refuses: invalid input (`ERR_AGENT_MEMBER_INVALID`) or a full registry (`ERR_AGENT_REGISTRY_FULL`). */
export class AgentRegistryError extends SeedkeeperError {}

/** Why a member is invalid, or undefined when it is valid. Addresses follow the one address policy (net/address-policy.ts). */
export function memberProblem(
  member: { id?: unknown; address?: unknown; port?: unknown },
  policy: AddressPolicy = {},
): string | undefined {
  const idProblem = agentIdProblem(member.id);
  if (idProblem) return `id: ${idProblem}`;
  if (typeof member.address !== 'string') return 'address: expected an IPv4 or IPv6 address';
  const verdict = checkNodeAddress(member.address, policy);
  if (!verdict.ok) return `address: ${verdict.reason}`;
  if (typeof member.port !== 'number' || !Number.isInteger(member.port) || member.port < 1 || member.port > 65535)
    return 'port: expected an integer from 1 to 65535';
  return undefined;
}

export interface AgentSourceOptions {
  /** Registrations expire after this long without a renewal; 0 = never. Default 0. */
  readonly leaseMs?: number;
  /** Most members held at once. Default 4,096. */
  readonly maxMembers?: number;
  /** Lease times and the sweep timer (tests). Default systemClock. */
  readonly clock?: Clock;
  /** Accept loopback addresses (tests and the demo). Default false. */
  readonly allowLoopback?: boolean;
  /** How often expired members are swept out (only with a lease). Default: a quarter of the lease, 100 ms - 5 s. */
  readonly sweepIntervalMs?: number;
}

export interface AgentSource extends Source {
  readonly kind: 'agent';
  /** Add or renew a member; throws AgentRegistryError when it is invalid or the registry is full. */
  register(member: AgentMemberInput): { readonly member: RegisteredMember; readonly result: RegisterResult };
  /** Remove a member; false when it was not registered (deregistering is idempotent). */
  deregister(id: string): boolean;
  /** Renew a member's lease; false when it is not registered (or expired): the agent must register again. */
  touch(id: string): boolean;
  /** The registered, unexpired members, in registration order. */
  members(): readonly RegisteredMember[];
  /** Drop expired members now; returns how many went (calls onChange when any did). */
  sweep(): number;
}

export function createAgentSource(options: AgentSourceOptions = {}): AgentSource {
  const leaseMs = options.leaseMs ?? 0;
  const maxMembers = options.maxMembers ?? MAX_AGENT_MEMBERS;
  if (!Number.isInteger(leaseMs) || leaseMs < 0)
    throw new InvalidArgumentError('leaseMs', `must be a non-negative integer, got ${leaseMs}`);
  if (!Number.isInteger(maxMembers) || maxMembers < 1)
    throw new InvalidArgumentError('maxMembers', `must be a positive integer, got ${maxMembers}`);
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now();
  const registry = new Map<string, RegisteredMember>();
  let onChange: (() => void) | undefined;
  let sweepTimer: TimerHandle | undefined;
  let cached: readonly Candidate[] | undefined;

  const changed = (): void => {
    cached = undefined;
    onChange?.();
  };
  const live = (m: RegisteredMember, at: number): boolean => m.expiresAt === undefined || m.expiresAt > at;
  const expiry = (at: number): { expiresAt?: number } => (leaseMs > 0 ? { expiresAt: at + leaseMs } : {});

  const dropExpired = (): number => {
    if (leaseMs === 0) return 0;
    const at = now();
    let dropped = 0;
    for (const [id, member] of registry) {
      if (!live(member, at)) {
        registry.delete(id);
        dropped++;
      }
    }
    return dropped;
  };

  const sweep = (): number => {
    const dropped = dropExpired();
    if (dropped > 0) changed();
    return dropped;
  };

  const register = (input: AgentMemberInput): { member: RegisteredMember; result: RegisterResult } => {
    const policy = { allowLoopback: options.allowLoopback === true };
    const problem = memberProblem(input, policy);
    if (problem) throw new AgentRegistryError('ERR_AGENT_MEMBER_INVALID', problem, { labels: ['usage'] });
    let expired = dropExpired() > 0;
    const at = now();
    const verdict = checkNodeAddress(input.address, policy);
    const address = verdict.ok ? verdict.address : input.address;
    const previous = registry.get(input.id);
    if (previous && previous.address === address && previous.port === input.port) {
      const renewed: RegisteredMember = { ...previous, ...expiry(at) };
      registry.set(input.id, renewed);
      if (expired) changed();
      return { member: renewed, result: 'renewed' };
    }
    // The address now belongs to this id: whoever held it before is gone (recycled IP).
    for (const [id, other] of registry) {
      if (id !== input.id && other.address === address && other.port === input.port) {
        registry.delete(id);
        expired = true;
      }
    }
    if (!previous && registry.size >= maxMembers) {
      if (expired) changed();
      throw new AgentRegistryError('ERR_AGENT_REGISTRY_FULL', `the agent registry is full (${maxMembers} members)`, {
        labels: ['retryable'],
      });
    }
    const member: RegisteredMember = { id: input.id, address, port: input.port, registeredAt: at, ...expiry(at) };
    registry.set(input.id, member);
    changed();
    return { member, result: previous ? 'replaced' : 'added' };
  };

  return {
    kind: 'agent',
    start(listener) {
      onChange = listener;
      if (leaseMs > 0) {
        const every = options.sweepIntervalMs ?? Math.min(5000, Math.max(100, Math.floor(leaseMs / 4)));
        sweepTimer = repeatEvery(clock, every, sweep);
      }
      return Promise.resolve();
    },
    candidates() {
      if (sweep() === 0 && cached) return cached;
      cached = Object.freeze(
        [...registry.values()].map((m): Candidate => ({ id: m.id, address: m.address, port: m.port, source: 'agent' })),
      );
      return cached;
    },
    register,
    deregister(id) {
      const existed = registry.delete(id);
      if (existed) changed();
      return existed;
    },
    touch(id) {
      sweep();
      const member = registry.get(id);
      if (!member) return false;
      if (leaseMs > 0) registry.set(id, { ...member, ...expiry(now()) });
      return true;
    },
    members() {
      sweep();
      return [...registry.values()];
    },
    sweep,
    close() {
      sweepTimer?.cancel();
      sweepTimer = undefined;
      onChange = undefined;
      return Promise.resolve();
    },
  };
}
