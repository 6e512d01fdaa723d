import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createTranslator } from '../../src/discovery/translate.js';

describe('createTranslator', () => {
  it('is the identity without a translation', () => {
    const t = createTranslator(undefined);
    expect(t({ host: '10.0.0.1', port: 3000 })).toEqual({ host: '10.0.0.1', port: 3000 });
  });

  it('maps exact host:port before host-only entries', () => {
    const t = createTranslator({ '10.0.0.1': '203.0.113.1', '10.0.0.1:3001': '127.0.0.1:4001' });
    expect(t({ host: '10.0.0.1', port: 3001 })).toEqual({ host: '127.0.0.1', port: 4001 });
    expect(t({ host: '10.0.0.1', port: 3000 })).toEqual({ host: '203.0.113.1', port: 3000 });
    expect(t({ host: '10.0.0.2', port: 3000 })).toEqual({ host: '10.0.0.2', port: 3000 });
  });

  it('maps CIDR blocks keeping the host bits', () => {
    const t = createTranslator([{ from: '10.0.1.0/24', to: '192.168.5.0/24' }]);
    expect(t({ host: '10.0.1.7', port: 3000 })).toEqual({ host: '192.168.5.7', port: 3000 });
    expect(t({ host: '10.0.2.7', port: 3000 })).toEqual({ host: '10.0.2.7', port: 3000 });
  });

  it('maps IPv6 CIDR blocks', () => {
    const t = createTranslator([{ from: 'fd00::/64', to: '2001:db8::/64' }]);
    expect(t({ host: 'fd00::1:2', port: 3000 })).toEqual({ host: '2001:db8:0:0:0:0:1:2', port: 3000 });
  });

  it('accepts a function, falling back to the address when it returns undefined', () => {
    const t = createTranslator((a) => (a.port === 3000 ? { host: a.host, port: 4000 } : undefined));
    expect(t({ host: 'h', port: 3000 }).port).toBe(4000);
    expect(t({ host: 'h', port: 3001 }).port).toBe(3001);
  });

  it.each([
    [[{ from: '10.0.1.0/24', to: '192.168.0.0/16' }], /translate\[0\]\.to/],
    [[{ from: 'not-an-ip', to: '10.0.0.1' }], /translate/],
    [[{ from: '10.0.0.1:99999', to: '10.0.0.2' }], /1\.\.65535/],
  ])('rejects bad rules with the path (%j)', (rules, pattern) => {
    expect(() => createTranslator(rules)).toThrow(ConfigError);
    expect(() => createTranslator(rules)).toThrow(pattern);
  });
});
