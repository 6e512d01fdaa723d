/** The `replicas` section of the registrar config: defaults, the lease rules with config paths, the default id. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { REPLICA_ID_PATTERN } from '../../src/lease/index.js';
import { validateConfig } from '../../src/registrar/config.js';
import { defaultReplicaId, replicaLeaseOptions } from '../../src/registrar/replicas-config.js';
import { replicaHealth } from '../../src/registrar/build.js';

const rfc2136 = { type: 'rfc2136', server: '127.0.0.1:5300', zone: 'db.example.com', key: { file: '/dev/null' } };
const minimal = {
  record: { name: 'seed.db.example.com' },
  sources: [{ type: 'static', addresses: ['10.0.0.1'] }],
  provider: rfc2136,
};

/** The ConfigError's message for `document` (which must not validate). */
const refusal = (document: unknown): string => {
  const result = (() => {
    try {
      return validateConfig(document);
    } catch (error) {
      return error;
    }
  })();
  expect(result).toBeInstanceOf(ConfigError);
  return (result as ConfigError).message;
};

describe('replicas config', () => {
  it('is off by default, with the lease defaults of src/lease', () => {
    expect(validateConfig(minimal).replicas).toEqual({
      enabled: false,
      leaseMs: 15_000,
      renewMs: 5_000,
      skewMs: 2_000,
    });
    const on = validateConfig({ ...minimal, replicas: { enabled: true, id: 'registrar-a' } }).replicas;
    expect(replicaLeaseOptions(on)).toEqual({ durationMs: 15_000, renewEveryMs: 5_000, skewMarginMs: 2_000 });
  });

  it.each([
    [{ enabled: true, id: '-bad' }, 'replicas.id', /letters, digits/],
    [{ enabled: true, leaseMs: 500 }, 'replicas.leaseMs', /whole milliseconds from 1000/],
    [{ enabled: true, renewMs: 50 }, 'replicas.renewMs', /from 100/],
    [{ enabled: true, leaseMs: 10_000, renewMs: 5_000 }, 'replicas.renewMs', /need leaseMs >= 12000/],
    [{ enabled: true, skewMs: 1.5 }, 'replicas.skewMs', /expected int/],
    [{ enabled: true, lease: 1 }, 'replicas', /unknown option/],
  ])('refuses %j at %s', (replicas, path, expected) => {
    const message = refusal({ ...minimal, replicas });
    expect(message).toContain(path);
    expect(message).toMatch(expected);
  });

  it('refuses replicas with the embedded provider: each replica is its own server there', () => {
    const message = refusal({ ...minimal, provider: { type: 'embedded' }, replicas: { enabled: true } });
    expect(message).toContain('replicas.enabled');
    expect(message).toMatch(/its own authoritative server/);
  });

  it('derives a unique, valid id from host name, pid and randomness', () => {
    expect(defaultReplicaId('db-1.example.com', 4242, 'beef')).toBe('db-1.example.com-4242-beef');
    expect(defaultReplicaId('_weird host!', 1, '0000')).toBe('weird-host--1-0000');
    const long = defaultReplicaId('h'.repeat(200), 99999, 'abcd');
    expect(long).toHaveLength(64);
    expect(long).toMatch(REPLICA_ID_PATTERN);
    expect(defaultReplicaId('', 1, 'ffff')).toBe('replica-1-ffff');
    expect(defaultReplicaId()).not.toBe(defaultReplicaId());
  });

  it('says leader or follower, term and lease age on /healthz', () => {
    expect(replicaHealth({ replica: 'a', role: 'leader', holder: 'a', term: 3, leaseAgeMs: 1234 })).toBe(
      'ok leader replica=a term=3 lease-age=1.2s',
    );
    expect(replicaHealth({ replica: 'b', role: 'follower', holder: 'a', term: 3, leaseAgeMs: 200 })).toBe(
      'ok follower replica=b leader=a term=3 lease-age=0.2s',
    );
    expect(
      replicaHealth({ replica: 'b', role: 'follower', holder: undefined, term: undefined, leaseAgeMs: undefined }),
    ).toBe('ok follower replica=b leader=none term=0 lease-age=none');
  });
});
