import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseSeed, parseSeeds } from '../../src/discovery/seed.js';

describe('parseSeed', () => {
  it.each([
    ['10.0.0.1', { host: '10.0.0.1', port: 3000, tlsName: undefined, isLiteral: true }],
    ['10.0.0.1:3100', { host: '10.0.0.1', port: 3100, tlsName: undefined, isLiteral: true }],
    ['seed.db.example.com', { host: 'seed.db.example.com', port: 3000, tlsName: undefined, isLiteral: false }],
    [
      'seed.example.com:tls.example.com',
      { host: 'seed.example.com', port: 3000, tlsName: 'tls.example.com', isLiteral: false },
    ],
    ['seed.example.com:node-tls:4333', { host: 'seed.example.com', port: 4333, tlsName: 'node-tls', isLiteral: false }],
    ['[::1]:3000', { host: '::1', port: 3000, tlsName: undefined, isLiteral: true }],
    ['[2001:db8::1]', { host: '2001:db8::1', port: 3000, tlsName: undefined, isLiteral: true }],
    ['[2001:db8::1]:tls.example:4333', { host: '2001:db8::1', port: 4333, tlsName: 'tls.example', isLiteral: true }],
    ['[::ffff:127.0.0.1]:3300', { host: '::ffff:127.0.0.1', port: 3300, tlsName: undefined, isLiteral: true }],
  ])('parses %s', (text, expected) => {
    expect(parseSeed(text)).toMatchObject(expected);
  });

  it('uses the given default port', () => {
    expect(parseSeed('a.example', 4000).port).toBe(4000);
  });

  it.each([
    '',
    '[::1',
    '[not-v6]:3000',
    '10.0.0.1:0',
    '10.0.0.1:70000',
    '10.0.0.1:3x',
    'bad host:3000',
    '[::1]x',
    'h:tls:',
    '127.0.0.1:notaport',
    '127.0.0.1:4000:4101',
  ])('rejects %j with a ConfigError naming the path', (text) => {
    const error = (() => {
      try {
        parseSeed(text, 3000, 'seeds[4]');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^seeds\[4\]: /);
  });
});

describe('parseSeeds', () => {
  it('splits comma-separated host strings and keeps order', () => {
    const seeds = parseSeeds(['a.example:3000,b.example:3001', '10.0.0.9']);
    expect(seeds.map((s) => `${s.host}:${s.port}`)).toEqual(['a.example:3000', 'b.example:3001', '10.0.0.9:3000']);
  });

  it('refuses an empty list', () => {
    expect(() => parseSeeds([])).toThrow(ConfigError);
    expect(() => parseSeeds([' , '])).toThrow(/at least one seed/);
  });

  it('names the entry that is wrong', () => {
    expect(() => parseSeeds(['ok.example', 'x.example:99999'])).toThrow(/^seeds\[1\]/);
  });
});

describe('seed errors say what was expected', () => {
  it.each([
    [
      '127.0.0.1:notaport',
      /"notaport" .* is neither a port nor a TLS name; expected host\[:tlsname\]\[:port\], where a TLS name looks like a DNS name/,
    ],
    ['127.0.0.1:4000:4101', /"4000" .* is neither a port nor a TLS name/],
  ])('%s', (text, message) => {
    expect(() => parseSeed(text)).toThrow(message);
  });
});
