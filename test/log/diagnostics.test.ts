// Every seedkeeper diagnostics channel carries `{ type, ...payload }` (docs/diagnostics.md).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { ClusterEventEmitter } from '../../src/discovery/events.js';
import { DIAGNOSTICS_CHANNELS, diagnosticsPublisher } from '../../src/log/diagnostics.js';

const listeners: [string, (message: unknown) => void][] = [];

/** Messages published on `name` from now on. */
function record(name: string): unknown[] {
  const seen: unknown[] = [];
  const listener = (message: unknown): void => void seen.push(message);
  subscribe(name, listener);
  listeners.push([name, listener]);
  return seen;
}

afterEach(() => {
  for (const [name, listener] of listeners.splice(0)) unsubscribe(name, listener);
});

describe('diagnostics channels', () => {
  it('are named seedkeeper:<part>', () => {
    expect(Object.values(DIAGNOSTICS_CHANNELS)).toEqual([
      'seedkeeper:discovery',
      'seedkeeper:health',
      'seedkeeper:agent',
      'seedkeeper:registrar',
    ]);
  });

  it('a publisher sends { type, ...payload }', () => {
    const seen = record(DIAGNOSTICS_CHANNELS.discovery);
    diagnosticsPublisher(DIAGNOSTICS_CHANNELS.discovery)('reseeded', { attempt: 2, nodes: ['A1'] });
    expect(seen).toEqual([{ type: 'reseeded', attempt: 2, nodes: ['A1'] }]);
  });

  it('discovery events', () => {
    const seen = record('seedkeeper:discovery');
    new ClusterEventEmitter().publish('clusterLost', { lastNodes: ['A1'] });
    expect(seen).toEqual([{ type: 'clusterLost', lastNodes: ['A1'] }]);
  });

  it('agent events', () => {
    const seen = record('seedkeeper:agent');
    const member = { id: 'n1', address: '192.0.2.1', port: 3000 };
    const agent = new Agent({ target: { name: 'test' } as never, identity: member });
    agent.report('recovered', { member, passes: 2 });
    expect(seen).toEqual([{ type: 'recovered', member, passes: 2 }]);
  });
});
