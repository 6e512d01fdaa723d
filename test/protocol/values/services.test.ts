import { describe, expect, it } from 'vitest';
import { InfoParseError } from '../../../src/protocol/errors.js';
import { parseInfoError } from '../../../src/protocol/info-codec.js';
import { formatServiceList, parseServiceList } from '../../../src/protocol/values/services.js';
import { PORTS, capturedValue } from '../fixture-data.js';

describe('service lists', () => {
  it('parses the captured service-clear-std of each node', () => {
    for (const port of PORTS) {
      expect(parseServiceList(capturedValue(port, 'service-clear-std'))).toEqual([
        { host: '127.0.0.1', port: Number(port) },
      ]);
    }
  });

  it('reads the captured empty service-clear-alt as no hosts', () => {
    for (const port of PORTS)
      expect(parseServiceList(capturedValue(port, 'service-clear-alt'), 'service-clear-alt')).toEqual([]);
  });

  it('sees the CE refusal of the TLS variant as an error value, not a host list', () => {
    for (const port of PORTS) {
      const value = capturedValue(port, 'service-tls-std');
      expect(parseInfoError(value)).toEqual({ code: 25, message: 'enterprise only' });
      expect(() => parseServiceList(value, 'service-tls-std')).toThrow(InfoParseError);
    }
  });

  it('parses IPv4, bracketed IPv6 and DNS names', () => {
    expect(parseServiceList('10.0.0.11:3000,[2001:db8::11]:3000')).toEqual([
      { host: '10.0.0.11', port: 3000 },
      { host: '2001:db8::11', port: 3000 },
    ]);
    expect(parseServiceList('node1.example.com:4333,[::ffff:127.0.0.1]:3000', 'service-tls-std')).toEqual([
      { host: 'node1.example.com', port: 4333 },
      { host: '::ffff:127.0.0.1', port: 3000 },
    ]);
  });

  it.each([
    '10.0.0.11', // port is mandatory
    '[2001:db8::1]',
    '2001:db8::1:3000', // IPv6 must be bracketed
    ',',
    'a:3000,',
    ',a:3000',
    ':3000',
    'h:0',
    'h:65536',
    'h:30a0',
    'h:',
    'h:+1',
    '[zz]:1',
    '[::1]3000',
    '[::1',
    '999.1.1.1:3000',
    '1.2.3:3000',
    'a..b:1',
    'bad host:1',
    '10.0.0.1:3000;10.0.0.2:3000', // legacy `services` separator
  ])('rejects %j', (value) => {
    expect(() => parseServiceList(value)).toThrow(InfoParseError);
  });

  it('rejects more than 64 hosts', () => {
    const hosts = Array.from({ length: 65 }, (_, i) => `10.0.0.${i}:3000`).join(',');
    expect(() => parseServiceList(hosts)).toThrow(/more than 64/);
  });

  it('formats and round-trips', () => {
    const hosts = [
      { host: '10.0.0.11', port: 3000 },
      { host: '2001:db8::11', port: 3000 },
      { host: 'a.example', port: 4333 },
    ];
    expect(formatServiceList(hosts)).toBe('10.0.0.11:3000,[2001:db8::11]:3000,a.example:4333');
    expect(parseServiceList(formatServiceList(hosts))).toEqual(hosts);
    expect(formatServiceList([])).toBe('');
  });

  it('refuses to format what it could not parse back', () => {
    expect(() => formatServiceList([{ host: 'a,b', port: 1 }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => formatServiceList([{ host: 'a', port: 0 }])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
