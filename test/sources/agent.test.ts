/**
 * The agent source's registry: candidates from registrations, replacement by id and by address, idempotent
 * deregistration, leases on a fake clock, the size bound, and input checks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AgentRegistryError, createAgentSource, memberProblem, type AgentSource } from '../../src/sources/agent.js';
import { ManualClock } from '../../src/time/manual-clock.js';
import { jumpingClock } from '../helpers/jumping-clock.js';

let source: AgentSource | undefined;

afterEach(async () => {
  await source?.close();
  source = undefined;
});

function started(options: Parameters<typeof createAgentSource>[0] = {}): {
  source: AgentSource;
  changes: () => number;
} {
  let count = 0;
  source = createAgentSource(options);
  void source.start(() => count++);
  return { source, changes: () => count };
}

describe('agent source: registry', () => {
  it('offers every registered member as a candidate with its id and source', () => {
    const { source: s, changes } = started();
    expect(s.kind).toBe('agent');
    expect(s.candidates()).toEqual([]);
    expect(s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 }).result).toBe('added');
    expect(s.register({ id: 'i-2', address: '2001:DB8::0:1', port: 3100 }).result).toBe('added');
    expect(s.candidates()).toEqual([
      { id: 'i-1', address: '10.0.0.1', port: 3000, source: 'agent' },
      { id: 'i-2', address: '2001:db8::1', port: 3100, source: 'agent' },
    ]);
    expect(changes()).toBe(2);
    expect(s.members().map((m) => m.id)).toEqual(['i-1', 'i-2']);
    expect(s.members()[0]).not.toHaveProperty('expiresAt');
  });

  it('renews an unchanged registration without a change notice', () => {
    const { source: s, changes } = started();
    s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    const before = s.candidates();
    expect(s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 }).result).toBe('renewed');
    expect(changes()).toBe(1);
    expect(s.candidates()).toBe(before);
  });

  it('replaces the old address when the same id registers a new one', () => {
    const { source: s, changes } = started();
    s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    expect(s.register({ id: 'i-1', address: '10.0.0.9', port: 3000 }).result).toBe('replaced');
    expect(s.candidates()).toEqual([{ id: 'i-1', address: '10.0.0.9', port: 3000, source: 'agent' }]);
    expect(s.register({ id: 'i-1', address: '10.0.0.9', port: 3001 }).result).toBe('replaced');
    expect(s.candidates().map((c) => c.port)).toEqual([3001]);
    expect(changes()).toBe(3);
  });

  it('gives an address to the newest id that registers it (a recycled IP)', () => {
    const { source: s } = started();
    s.register({ id: 'i-old', address: '10.0.0.1', port: 3000 });
    s.register({ id: 'i-other', address: '10.0.0.2', port: 3000 });
    s.register({ id: 'i-new', address: '10.0.0.1', port: 3000 });
    expect(s.candidates().map((c) => c.id)).toEqual(['i-other', 'i-new']);
  });

  it('deregisters idempotently and only notifies on a real change', () => {
    const { source: s, changes } = started();
    s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    expect(s.deregister('i-1')).toBe(true);
    expect(s.deregister('i-1')).toBe(false);
    expect(s.deregister('never')).toBe(false);
    expect(s.candidates()).toEqual([]);
    expect(changes()).toBe(2);
  });

  it('rejects invalid members with a typed error naming the field', () => {
    const { source: s } = started();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ id: '', address: '10.0.0.1', port: 3000 }, /^id:/],
      [{ id: 'a'.repeat(65), address: '10.0.0.1', port: 3000 }, /^id:/],
      [{ id: 'bad/id', address: '10.0.0.1', port: 3000 }, /^id:/],
      [{ id: 'i-1', address: 'db.example.com', port: 3000 }, /^address:/],
      [{ id: 'i-1', address: '10.0.0.256', port: 3000 }, /^address:/],
      [{ id: 'i-1', address: '10.0.0.1', port: 0 }, /^port:/],
      [{ id: 'i-1', address: '10.0.0.1', port: 65536 }, /^port:/],
      [{ id: 'i-1', address: '10.0.0.1', port: 30.5 }, /^port:/],
      [{ id: 'i-1', address: '10.0.0.1', port: '3000' }, /^port:/],
    ];
    for (const [member, pattern] of cases) {
      expect(memberProblem(member)).toMatch(pattern);
      expect(() => s.register(member as never)).toThrow(AgentRegistryError);
    }
    expect(memberProblem({ id: 'i-0abc.def_1', address: '::1', port: 65535 }, { allowLoopback: true })).toBeUndefined();
    expect(memberProblem({ id: 'i-0abc.def_1', address: '::1', port: 65535 })).toMatch(
      /^address: "::1" is a loopback address/,
    );
    expect(s.candidates()).toEqual([]);
  });

  it('holds at most maxMembers; renewals and replacements still work when full', () => {
    const { source: s } = started({ maxMembers: 3 });
    for (let i = 1; i <= 3; i++) s.register({ id: `i-${i}`, address: `10.0.0.${i}`, port: 3000 });
    let error: unknown;
    try {
      s.register({ id: 'i-4', address: '10.0.0.4', port: 3000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentRegistryError);
    expect((error as AgentRegistryError).code).toBe('ERR_AGENT_REGISTRY_FULL');
    expect(s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 }).result).toBe('renewed');
    expect(s.register({ id: 'i-2', address: '10.0.0.22', port: 3000 }).result).toBe('replaced');
    s.deregister('i-3');
    expect(s.register({ id: 'i-4', address: '10.0.0.4', port: 3000 }).result).toBe('added');
    expect(s.candidates()).toHaveLength(3);
  });

  it('defaults to 4,096 members', () => {
    const { source: s } = started();
    for (let i = 0; i < 4096; i++)
      s.register({ id: `n${i}`, address: `10.${Math.floor(i / 256)}.${i % 256}.1`, port: 3000 });
    expect(() => s.register({ id: 'one-more', address: '10.99.0.1', port: 3000 })).toThrow(/full \(4096 members\)/);
    expect(s.candidates()).toHaveLength(4096);
  });
});

describe('agent source: leases', () => {
  it('never expires without a lease', () => {
    let now = 1_000;
    const { source: s } = started({
      clock: jumpingClock(
        () => now,
        () => undefined,
      ),
    });
    s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    now += 365 * 86_400_000;
    expect(s.candidates()).toHaveLength(1);
    expect(s.sweep()).toBe(0);
  });

  it('expires a member not renewed within leaseMs; a renewal (register or touch) extends it', () => {
    let now = 1_000;
    const { source: s, changes } = started({
      leaseMs: 10_000,
      clock: jumpingClock(
        () => now,
        () => undefined,
      ),
    });
    s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    s.register({ id: 'i-2', address: '10.0.0.2', port: 3000 });
    expect(s.members()[0]?.expiresAt).toBe(11_000);
    now = 8_000;
    expect(s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 }).result).toBe('renewed');
    now = 9_000;
    expect(s.touch('i-2')).toBe(true);
    now = 17_999;
    expect(s.candidates().map((c) => c.id)).toEqual(['i-1', 'i-2']);
    now = 18_000;
    expect(s.candidates().map((c) => c.id)).toEqual(['i-2']);
    expect(changes()).toBe(3);
    now = 19_000;
    expect(s.candidates()).toEqual([]);
    expect(changes()).toBe(4);
    expect(s.touch('i-2')).toBe(false);
  });

  it('sweeps expired members on a timer and tells the registrar', async () => {
    const clock = new ManualClock(0);
    const { source: s, changes } = started({ leaseMs: 2000, clock });
    s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    expect(changes()).toBe(1);
    await clock.advance(1900);
    expect(changes()).toBe(1);
    await clock.advance(700);
    expect(changes()).toBe(2);
    expect(s.members()).toEqual([]);
    await s.close();
    await clock.advance(10_000);
    expect(clock.pendingTimers).toBe(0);
  });

  it('makes room for a new member by dropping expired ones when full', () => {
    let now = 0;
    const { source: s } = started({
      leaseMs: 1000,
      maxMembers: 1,
      clock: jumpingClock(
        () => now,
        () => undefined,
      ),
    });
    s.register({ id: 'i-1', address: '10.0.0.1', port: 3000 });
    expect(() => s.register({ id: 'i-2', address: '10.0.0.2', port: 3000 })).toThrow(/full/);
    now = 1000;
    expect(s.register({ id: 'i-2', address: '10.0.0.2', port: 3000 }).result).toBe('added');
    expect(s.candidates().map((c) => c.id)).toEqual(['i-2']);
  });

  it('refuses nonsensical options', () => {
    expect(() => createAgentSource({ leaseMs: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => createAgentSource({ maxMembers: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
