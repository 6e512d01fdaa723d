/**
 * Small pure parts of the Route 53 provider: name and TXT spelling, error classification, options.
 */
import {
  InvalidChangeBatch,
  NoSuchHostedZone,
  PriorRequestNotComplete,
  ThrottlingException,
} from '@aws-sdk/client-route-53';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  decodeTxt,
  encodeTxt,
  findHostedZoneId,
  fromRoute53Name,
  isConflict,
  toProviderError,
  toRoute53Name,
  transientKind,
  unreachableReason,
} from '../../../src/providers/route53/index.js';
import { ConflictError } from '../../../src/providers/types.js';
import { serviceError } from '../../aws/route53-model.js';
import { testRoute53Client } from '../../aws/sdk-env.js';
import { useWorld } from './helpers.js';

const world = useWorld();
const meta = { $metadata: { httpStatusCode: 400 } };

describe('route53 codec', () => {
  it('spells names the Route 53 way and back', () => {
    expect(toRoute53Name('Seed.Example.com.')).toBe('seed.example.com.');
    expect(fromRoute53Name('\\052.Example.com.')).toBe('*.example.com');
    expect(fromRoute53Name('_seedkeeper.seed.example.com.')).toBe('_seedkeeper.seed.example.com');
  });

  it.each([
    ['seedkeeper/v1 owner=prod', '"seedkeeper/v1 owner=prod"'],
    ['say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'],
    ['tab\there', '"tab\\011here"'],
    ['', '""'],
  ])('encodes TXT %j as %s and decodes it back', (text, wire) => {
    expect(encodeTxt(text)).toBe(wire);
    expect(decodeTxt(wire)).toBe(text);
  });

  it('splits long and non-ASCII TXT values into 255-byte strings that join back', () => {
    const long = `${'x'.repeat(300)} é ${'y'.repeat(260)}`;
    const wire = encodeTxt(long);
    expect(wire.match(/"(?:[^"\\]|\\.)*"/g)).toHaveLength(3);
    expect(decodeTxt(wire)).toBe(long);
    expect(decodeTxt('"a" "b" bare')).toBe('abbare');
  });
});

describe('route53 error classification', () => {
  it('tells conflicts from other refusals', () => {
    const conflict = new InvalidChangeBatch({
      message: 'x',
      messages: ["Tried to create resource record set [name='a.', type='A'] but it already exists"],
      ...meta,
    });
    const other = new InvalidChangeBatch({ message: 'RRSet with DNS name a. is not permitted in zone b.', ...meta });
    expect(isConflict(conflict)).toBe(true);
    expect(isConflict(other)).toBe(false);
    expect(toProviderError(conflict, 'w', 'Z1')).toBeInstanceOf(ConflictError);
    expect(toProviderError(other, 'w', 'Z1')).toMatchObject({ code: 'ERR_ROUTE53_INVALID' });
    expect(toProviderError(new NoSuchHostedZone({ message: 'no', ...meta }), 'w', 'Z1')).toMatchObject({
      code: 'ERR_ROUTE53_NO_SUCH_ZONE',
    });
  });

  it('retries throttling, a busy zone, 5xx and connection failures, nothing else', () => {
    expect(transientKind(serviceError('Throttling', 'Rate exceeded', 400))).toBe('throttled');
    expect(transientKind(new ThrottlingException({ message: 'x', ...meta }))).toBe('throttled');
    expect(transientKind(new PriorRequestNotComplete({ message: 'x', ...meta }))).toBe('busy');
    expect(transientKind(serviceError('ServiceUnavailable', 'x', 503))).toBe('unavailable');
    expect(transientKind(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe('unavailable');
    expect(transientKind(serviceError('AccessDenied', 'x', 403))).toBeUndefined();
    expect(transientKind(new InvalidChangeBatch({ message: 'x', ...meta }))).toBeUndefined();
  });

  it('knows which addresses Route 53 health checkers cannot reach', () => {
    expect(unreachableReason('10.1.2.3')).toContain('RFC 1918');
    expect(unreachableReason('100.64.0.1')).toContain('RFC 6598');
    expect(unreachableReason('fe80::1')).toContain('link-local');
    expect(unreachableReason('::ffff:192.168.0.1')).toContain('RFC 1918');
    expect(unreachableReason('::FFFF:c0a8:1')).toContain('RFC 1918');
    expect(unreachableReason('203.0.113.5')).toBeUndefined();
    expect(unreachableReason('2600:1f18::1')).toBeUndefined();
  });
});

describe('route53 options and zone lookup', () => {
  it.each([
    [{ hostedZoneId: 'not an id' }, 'hostedZoneId'],
    [{ zone: '' }, 'zone'],
    [{ mode: 'both' as never }, 'mode'],
    [{ rate: { requestsPerSecond: 0 } }, 'rate.requestsPerSecond'],
    [{ rate: { maxRetries: -1 } }, 'rate.maxRetries'],
    [{ waitForInsync: { timeoutMs: 0 } }, 'waitForInsync.timeoutMs'],
  ])('refuses %j with a ConfigError naming %s', (overrides, path) => {
    expect(() => world.provider(overrides)).toThrow(ConfigError);
    expect(() => world.provider(overrides)).toThrow(new RegExp(`^${path.replace('.', '\\.')}:`));
  });

  it('accepts the /hostedzone/ prefix', () => {
    expect(world.provider({ hostedZoneId: '/hostedzone/Z0TEST' }).hostedZoneId).toBe('Z0TEST');
  });

  it('finds a hosted zone id by name', async () => {
    await expect(findHostedZoneId(testRoute53Client(), 'Example.com')).resolves.toBe('Z0TEST');
    await expect(findHostedZoneId(testRoute53Client(), 'nowhere.org')).rejects.toMatchObject({
      code: 'ERR_ROUTE53_NO_SUCH_ZONE',
    });
  });
});
