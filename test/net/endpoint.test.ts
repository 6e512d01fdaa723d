import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  canonicalHost,
  DEFAULT_SERVICE_PORT,
  endpointKey,
  formatHost,
  formatHostPort,
  formatHostTlsPort,
  isListenAddress,
  parseEndpoint,
  parseListenAddress,
  sameEndpoint,
  splitHost,
  unmapIpv4,
} from '../../src/net/endpoint.js';

describe('formatting', () => {
  it('brackets IPv6 hosts only', () => {
    expect(formatHostPort({ host: '10.0.0.1', port: 3000 })).toBe('10.0.0.1:3000');
    expect(formatHostPort({ host: 'db.example.com', port: 4000 })).toBe('db.example.com:4000');
    expect(formatHostPort({ host: '2001:db8::1', port: 3000 })).toBe('[2001:db8::1]:3000');
    expect(formatHost('::1')).toBe('[::1]');
    expect(formatHost('node1')).toBe('node1');
  });

  it('writes the TLS name between host and port when there is one', () => {
    expect(formatHostTlsPort({ host: '2001:db8::1', port: 4333, tlsName: 'node1.example.com' })).toBe(
      '[2001:db8::1]:node1.example.com:4333',
    );
    expect(formatHostTlsPort({ host: '10.0.0.1', port: 4333, tlsName: undefined })).toBe('10.0.0.1:4333');
  });
});

describe('identity', () => {
  it('reads IPv4-mapped IPv6 in every spelling as IPv4', () => {
    expect(unmapIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(unmapIpv4('::FFFF:a00:1')).toBe('10.0.0.1');
    expect(unmapIpv4('0:0:0:0:0:ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(unmapIpv4('2001:db8::1')).toBeUndefined();
    expect(unmapIpv4('10.0.0.1')).toBeUndefined();
    expect(unmapIpv4('fe80::1%eth0')).toBeUndefined();
  });

  it('gives each host one spelling', () => {
    expect(canonicalHost('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(canonicalHost('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(canonicalHost('Node1.Example.COM')).toBe('node1.example.com');
    expect(canonicalHost('FE80::1%eth0')).toBe('fe80::1%eth0');
    expect(canonicalHost('10.0.0.1')).toBe('10.0.0.1');
  });

  it('compares port and canonical host', () => {
    expect(sameEndpoint({ host: '::ffff:10.0.0.1', port: 3000 }, { host: '10.0.0.1', port: 3000 })).toBe(true);
    expect(sameEndpoint({ host: '2001:db8::1', port: 3000 }, { host: '2001:DB8:0::1', port: 3000 })).toBe(true);
    expect(sameEndpoint({ host: 'A.example', port: 3000 }, { host: 'a.example', port: 3000 })).toBe(true);
    expect(sameEndpoint({ host: '10.0.0.1', port: 3000 }, { host: '10.0.0.1', port: 3001 })).toBe(false);
    expect(sameEndpoint({ host: '10.0.0.1', port: 3000 }, { host: '10.0.0.2', port: 3000 })).toBe(false);
  });

  it('keys endpoints that are the same alike, and IPv6 keys are bracketed', () => {
    expect(endpointKey({ host: '::ffff:10.0.0.1', port: 3000 })).toBe(endpointKey({ host: '10.0.0.1', port: 3000 }));
    expect(endpointKey({ host: '2001:DB8::1', port: 3000 })).toBe('[2001:db8::1]:3000');
    expect(endpointKey({ host: '10.0.0.1', port: 3000 })).not.toBe(endpointKey({ host: '10.0.0.1', port: 30000 }));
  });
});

describe('splitHost', () => {
  it('splits bracketed and plain hosts and reports bracket mistakes', () => {
    expect(splitHost('[::1]:3000')).toEqual({ ok: true, host: '::1', bracketed: true, rest: '3000' });
    expect(splitHost('[::1]')).toEqual({ ok: true, host: '::1', bracketed: true, rest: undefined });
    expect(splitHost('a:tls:1')).toEqual({ ok: true, host: 'a', bracketed: false, rest: 'tls:1' });
    expect(splitHost('a:')).toEqual({ ok: true, host: 'a', bracketed: false, rest: '' });
    expect(splitHost('[::1')).toEqual({ ok: false, problem: 'unclosed-bracket' });
    expect(splitHost('[::1]x')).toEqual({
      ok: false,
      problem: 'text-after-bracket',
      host: '::1',
      bracketed: true,
      after: 'x',
    });
  });
});

describe('parseEndpoint', () => {
  it('reads host, TLS name and port, with the service port by default', () => {
    expect(parseEndpoint('db.example.com')).toMatchObject({
      host: 'db.example.com',
      port: DEFAULT_SERVICE_PORT,
      tlsName: undefined,
      isLiteral: false,
    });
    expect(parseEndpoint('[::1]:tls.example:4333')).toMatchObject({
      host: '::1',
      port: 4333,
      tlsName: 'tls.example',
      isLiteral: true,
    });
    expect(parseEndpoint('10.0.0.1', { defaultPort: 4000 }).port).toBe(4000);
  });

  it('reports a bad bracketed address before what follows it', () => {
    expect(() => parseEndpoint('[not-v6]x')).toThrow('seed: "not-v6" inside brackets is not an IPv6 address');
    expect(() => parseEndpoint('[::1]x')).toThrow(`seed: unexpected "x" after ']' in "[::1]x"`);
  });

  it('names the path in its errors', () => {
    expect(() => parseEndpoint('[::1', { path: 'seeds[2]' })).toThrow(ConfigError);
    expect(() => parseEndpoint('[::1', { path: 'seeds[2]' })).toThrow(/^seeds\[2\]/);
  });

  const ipv4 = fc.ipV4();
  const ipv6 = fc.ipV6().filter((ip) => !ip.includes('%'));
  const name = fc.domain().filter((d) => !/^[\d.]+$/.test(d));
  const port = fc.integer({ min: 1, max: 65535 });

  it('round-trips what formatHostPort writes, for IPv4, IPv6 and names', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6, name), port, (host, p) => {
        const parsed = parseEndpoint(formatHostPort({ host, port: p }));
        expect(parsed.host).toBe(host);
        expect(parsed.port).toBe(p);
        expect(sameEndpoint(parsed, { host, port: p })).toBe(true);
      }),
    );
  });

  it('round-trips what formatHostTlsPort writes', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6, name), name, port, (host, tlsName, p) => {
        const parsed = parseEndpoint(formatHostTlsPort({ host, port: p, tlsName }));
        expect(parsed).toMatchObject({ host, port: p, tlsName });
      }),
    );
  });
});

describe('listen addresses (config host:port)', () => {
  it('accepts host:port and [v6]:port, port 0 meaning any free port', () => {
    expect(parseListenAddress('127.0.0.1:0', 'listen')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('[::1]:9464', 'listen')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress('localhost:53', 'listen')).toEqual({ host: 'localhost', port: 53 });
  });

  it.each(['127.0.0.1', '::1:53', '[::1]53', '[zz]:53', 'a b:53', 'host:65536', 'host:123456', ':53', '[::1:53'])(
    'refuses %j',
    (text) => {
      expect(isListenAddress(text)).toBe(false);
      expect(() => parseListenAddress(text, 'http.listen')).toThrow(
        `http.listen: expected host:port, got ${JSON.stringify(text)}`,
      );
    },
  );
});
