/**
 * An agent registering with every registrar replica (src/agent/targets/every-replica.ts): all are called at
 * once; the call succeeds when at least one took it (the misses are reported), fails when none did, and a wrong
 * token fails it wherever it happens.
 */
import { describe, expect, it } from 'vitest';
import type { AgentMember, RegistrationTarget } from '../../src/agent/target.js';
import { createEveryReplicaTarget } from '../../src/agent/targets/every-replica.js';
import { AgentApiError } from '../../src/agent/targets/registrar-api.js';

const member: AgentMember = { id: 'i-1', address: '192.0.2.1', port: 3000 };

function fake(fail?: () => Error): RegistrationTarget & { calls: string[]; closed: boolean } {
  const t = {
    kind: 'registrar',
    calls: [] as string[],
    closed: false,
    register: (m: AgentMember) => {
      t.calls.push(`register ${m.id}`);
      return fail ? Promise.reject(fail()) : Promise.resolve();
    },
    deregister: (m: AgentMember) => {
      t.calls.push(`deregister ${m.id}`);
      return fail ? Promise.reject(fail()) : Promise.resolve();
    },
    close: () => ((t.closed = true), Promise.resolve()),
  };
  return t;
}

async function failure(call: Promise<void>): Promise<AgentApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentApiError);
  return error as AgentApiError;
}

const down = (name: string) => () =>
  new AgentApiError('ERR_AGENT_API', `PUT http://${name}:9464/v1/members/i-1: connection refused`, {
    labels: ['retryable'],
  });

describe('createEveryReplicaTarget', () => {
  it('is the target itself when there is one replica', () => {
    const only = fake();
    expect(createEveryReplicaTarget([only])).toBe(only);
  });

  it('registers and deregisters with every replica, and closes them all', async () => {
    const [a, b, c] = [fake(), fake(), fake()];
    const target = createEveryReplicaTarget([a, b, c]);
    await target.register(member);
    await target.deregister(member);
    for (const t of [a, b, c]) expect(t.calls).toEqual(['register i-1', 'deregister i-1']);
    await target.close();
    expect([a.closed, b.closed, c.closed]).toEqual([true, true, true]);
  });

  it('one replica down: the others still get the call, it succeeds, and the miss is reported with its URL', async () => {
    const [a, b] = [fake(), fake(down('b'))];
    const missed: [string, string[], number][] = [];
    const target = createEveryReplicaTarget([a, b], {
      onMissed: (call, errors, of) => missed.push([call, errors.map((e) => (e as Error).message), of]),
    });
    await target.register(member);
    await target.deregister(member);
    expect(a.calls).toEqual(['register i-1', 'deregister i-1']);
    expect(missed).toEqual([
      ['register', [expect.stringContaining('http://b:9464') as unknown as string], 2],
      ['deregister', [expect.stringContaining('http://b:9464') as unknown as string], 2],
    ]);
  });

  it('every replica down: one retryable error naming each', async () => {
    const none = await failure(createEveryReplicaTarget([fake(down('b')), fake(down('c'))]).register(member));
    expect(none.message).toMatch(/^no registrar replica took the change: .*http:\/\/b.*http:\/\/c/);
    expect(none.hasLabel('retryable')).toBe(true);
  });

  it('a wrong token fails the call even when other replicas took it', async () => {
    const unauthorized = () =>
      new AgentApiError('ERR_AGENT_UNAUTHORIZED', 'PUT http://c:9464/v1/members/i-1: 401, check the token', {
        labels: ['usage'],
      });
    const usage = await failure(
      createEveryReplicaTarget([fake(), fake(down('b')), fake(unauthorized)]).register(member),
    );
    expect(usage.code).toBe('ERR_AGENT_UNAUTHORIZED');
  });
});
