import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { MARKER_VERSION, formatMarker, markerName, parseMarker, validateOwnerId } from '../../src/records/marker.js';

describe('ownership marker', () => {
  it('lives at _seedkeeper.<name>, canonical', () => {
    expect(markerName('seed.example.com')).toBe('_seedkeeper.seed.example.com');
    expect(markerName('Seed.Example.com.')).toBe('_seedkeeper.seed.example.com');
  });

  it('is versioned and round-trips', () => {
    expect(MARKER_VERSION).toBe(1);
    expect(formatMarker('prod-1')).toBe('seedkeeper/v1 owner=prod-1');
    expect(parseMarker(formatMarker('a.b_c-D9'))).toEqual({
      version: 1,
      owner: 'a.b_c-D9',
      fields: { owner: 'a.b_c-D9' },
    });
  });

  it.each([
    [
      'seedkeeper/v2 owner=x region=eu-west-1 since=2026',
      { version: 2, owner: 'x', fields: { owner: 'x', region: 'eu-west-1', since: '2026' } },
    ],
    ['  seedkeeper/v1   owner=x  ', { version: 1, owner: 'x', fields: { owner: 'x' } }],
    ['"seedkeeper/v1 owner=x"', { version: 1, owner: 'x', fields: { owner: 'x' } }],
    ['seedkeeper/v1 zone=a owner=x', { version: 1, owner: 'x', fields: { zone: 'a', owner: 'x' } }],
    ['seedkeeper/v1 owner=x note=', { version: 1, owner: 'x', fields: { owner: 'x', note: '' } }],
  ])('parses %j tolerantly', (text, expected) => {
    expect(parseMarker(text)).toEqual(expected);
  });

  it.each([
    '',
    'owner=x',
    'seedkeeper/v1',
    'seedkeeper/v0 owner=x',
    'seedkeeper/V1 owner=x',
    'heritage=external-dns,external-dns/owner=default',
    'seedkeeper/v1 owner=',
    'seedkeeper/v1 owner=has/slash',
    `seedkeeper/v1 owner=${'x'.repeat(64)}`,
    'seedkeeper/v1 owner=x owner=y',
    'seedkeeper/v1 owner=x bare-token',
    'seedkeeper/v1 owner=x __proto__=y',
    'seedkeeper/vx owner=x',
  ])('does not take %j for a marker', (text) => {
    expect(parseMarker(text)).toBeUndefined();
  });

  it.each(['', ' ', 'a b', 'a/b', 'é', 'x'.repeat(64)])('rejects the owner id %j with a ConfigError', (id) => {
    expect(() => formatMarker(id)).toThrow(ConfigError);
    expect(() => validateOwnerId(id, 'registrar.ownerId')).toThrow(/^registrar\.ownerId: expected 1 to 63 characters/);
  });

  it('accepts owner ids up to 63 characters', () => {
    expect(validateOwnerId('x'.repeat(63))).toBe('x'.repeat(63));
  });
});
