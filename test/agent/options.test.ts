import { describe, expect, it } from 'vitest';
import {
  DEFAULT_AGENT_SETTINGS,
  resolveAgentSettings,
  type AgentOptionsToCheck as AgentOptions,
} from '../../src/agent/options.js';

const invalid = (path: string): unknown => expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', path });
const base = {
  target: { kind: 'test' },
  identity: { id: 'n1', address: '192.0.2.1', port: 3000 },
} as unknown as AgentOptions;
const withOptions = (extra: Record<string, unknown>): AgentOptions => ({ ...base, ...extra });

describe('agent library options', () => {
  it('apply the documented defaults', () => {
    expect(resolveAgentSettings(base)).toEqual(DEFAULT_AGENT_SETTINGS);
    expect(resolveAgentSettings(withOptions({ wait: { intervalMs: 50 } })).wait).toEqual({
      timeoutMs: 600_000,
      intervalMs: 50,
    });
  });

  it('refuse bad values, naming the option', () => {
    expect(() => resolveAgentSettings(withOptions({ target: null }))).toThrow(invalid('target'));
    expect(() => resolveAgentSettings(withOptions({ identity: 'n1' }))).toThrow(invalid('identity'));
    expect(() => resolveAgentSettings(withOptions({ clusterName: '' }))).toThrow(invalid('clusterName'));
    expect(() => resolveAgentSettings(withOptions({ wait: { timeoutMs: 0 } }))).toThrow(invalid('wait.timeoutMs'));
    expect(() => resolveAgentSettings(withOptions({ wait: { timeout: 5 } }))).toThrow(invalid('wait.timeout'));
    expect(() => resolveAgentSettings(withOptions({ watch: { healthyAfter: 0 } }))).toThrow(
      invalid('watch.healthyAfter'),
    );
    expect(() => resolveAgentSettings(withOptions({ watch: { renewMs: -1 } }))).toThrow(invalid('watch.renewMs'));
    expect(() => resolveAgentSettings(withOptions({ watch: 5 }))).toThrow(invalid('watch'));
    expect(() => resolveAgentSettings(withOptions({ spot: true }))).toThrow(invalid('spot'));
  });
});
