import { describe, expect, it } from 'vitest';
import { setProcessConnectionLimit } from '../../src/discovery/limiter.js';
import { createContext, type DiscoveryOptions } from '../../src/discovery/options.js';
import { ConfigError } from '../../src/errors.js';

/** Options as plain JavaScript or a config file could give them, types unchecked. */
const loose = (options: Record<string, unknown>): DiscoveryOptions => options;

describe('discovery options are validated like config', () => {
  it.each([
    [{ connectTimeoutMs: 0 }, 'discovery.connectTimeoutMs', /integer in 1\.\.600000/],
    [{ tendIntervalMs: 1.5 }, 'discovery.tendIntervalMs', /integer/],
    [{ defaultPort: 70_000 }, 'discovery.defaultPort', /1\.\.65535/],
    [{ maxPeersPerNode: '256' }, 'discovery.maxPeersPerNode', /got "256"/],
    [{ peerRetryInitialDelayMs: 5000, peerRetryMaxDelayMs: 1000 }, 'discovery.peerRetryMaxDelayMs', /not be below/],
    [{ detectLoadBalancer: 'no' }, 'discovery.detectLoadBalancer', /expected a boolean, got string "no"/],
    [{ useAlternateAccessAddress: 1 }, 'discovery.useAlternateAccessAddress', /expected a boolean/],
    [{ clusterName: 42 }, 'discovery.clusterName', /expected a string/],
    [{ clusterName: '' }, 'discovery.clusterName', /must not be empty/],
    [{ clock: 5 }, 'discovery.clock', /expected a function/],
    [{ resolver: {} }, 'discovery.resolver', /expected a function, got an object/],
    [{ tls: true }, 'discovery.tls', /expected an object, got boolean true/],
    [{ credentials: { user: 'u' } }, 'discovery.credentials', /user: string, password: string/],
    [{ dnsServers: '127.0.0.1' }, 'discovery.dnsServers', /list of server addresses/],
    [{ dnsServers: [''] }, 'discovery.dnsServers', /list of server addresses/],
  ])('rejects %j with a ConfigError naming the option', (options, path, message) => {
    let caught: unknown;
    try {
      createContext(loose(options));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe('ERR_CONFIG');
    expect((caught as ConfigError).path).toBe(path);
    expect((caught as ConfigError).message).toMatch(message);
  });

  it('accepts the defaults and every documented form', () => {
    expect(() => createContext()).not.toThrow();
    expect(() =>
      createContext({
        clusterName: 'prod',
        detectLoadBalancer: false,
        dnsServers: ['127.0.0.1:5353'],
        credentials: { user: 'u', password: 'p' },
        clock: () => 0,
        tls: {},
      }),
    ).not.toThrow();
  });

  it('a bad process-wide connection limit is a ConfigError too', () => {
    expect(() => setProcessConnectionLimit(0)).toThrow(ConfigError);
  });
});
