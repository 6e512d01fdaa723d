/**
 * The Lambda's environment configuration: defaults, and errors that name the variable.
 */
import { describe, expect, it } from 'vitest';
import { loadLambdaConfig } from '../../../src/aws/lambda/config.js';
import { ConfigError } from '../../../src/errors.js';

const minimal = {
  SEEDKEEPER_RECORD_NAME: 'seed.db.example.com',
  SEEDKEEPER_HOSTED_ZONE_ID: 'Z0TEST',
  SEEDKEEPER_ASG_NAMES: 'aerospike-asg',
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadLambdaConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Lambda configuration', () => {
  it('fills every default and normalises names', () => {
    expect(
      loadLambdaConfig({
        ...minimal,
        SEEDKEEPER_RECORD_NAME: 'Seed.DB.Example.com.',
        SEEDKEEPER_HOSTED_ZONE_ID: '/hostedzone/Z0TEST',
        PATH: '/usr/bin',
      }),
    ).toEqual({
      recordName: 'seed.db.example.com',
      hostedZoneId: 'Z0TEST',
      zone: 'db.example.com',
      groups: ['aerospike-asg'],
      address: 'private',
      port: 3000,
      ttl: 30,
      mode: 'shared',
      ownerId: 'seedkeeper',
      maxRemovals: 2,
      maxRecordSize: 0,
      healthChecks: false,
      planMode: 'sync',
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadLambdaConfig({
      ...minimal,
      SEEDKEEPER_ZONE: 'example.com',
      SEEDKEEPER_ASG_NAMES: ' a , b,a,, c ',
      SEEDKEEPER_ADDRESS: 'public',
      SEEDKEEPER_PORT: '3100',
      SEEDKEEPER_TTL: '60',
      SEEDKEEPER_MODE: 'per-node',
      SEEDKEEPER_OWNER_ID: 'prod-seed',
      SEEDKEEPER_MAX_REMOVALS: '5',
      SEEDKEEPER_MAX_RECORD_SIZE: '16',
      SEEDKEEPER_HEALTH_CHECKS: 'TRUE',
      SEEDKEEPER_PLAN_MODE: 'upsert-only',
      SEEDKEEPER_LOG_LEVEL: 'debug',
      SEEDKEEPER_TTL_UNUSED: undefined,
    });
    expect(config).toMatchObject({
      zone: 'example.com',
      groups: ['a', 'b', 'c'],
      address: 'public',
      port: 3100,
      ttl: 60,
      mode: 'per-node',
      ownerId: 'prod-seed',
    });
    expect(config).toMatchObject({
      maxRemovals: 5,
      maxRecordSize: 16,
      healthChecks: true,
      planMode: 'upsert-only',
      logLevel: 'debug',
    });
  });

  it('treats empty values as unset', () => {
    expect(loadLambdaConfig({ ...minimal, SEEDKEEPER_TTL: '', SEEDKEEPER_ZONE: ' ' }).ttl).toBe(30);
  });

  it.each([
    [{ SEEDKEEPER_RECORD_NAME: undefined }, 'SEEDKEEPER_RECORD_NAME', /required: expected a fully qualified DNS name/],
    [{ SEEDKEEPER_RECORD_NAME: 'not a name' }, 'SEEDKEEPER_RECORD_NAME', /fully qualified DNS name.*got "not a name"/],
    [{ SEEDKEEPER_HOSTED_ZONE_ID: undefined }, 'SEEDKEEPER_HOSTED_ZONE_ID', /required: the Route 53 hosted zone id/],
    [{ SEEDKEEPER_HOSTED_ZONE_ID: 'zone one' }, 'SEEDKEEPER_HOSTED_ZONE_ID', /hosted zone id/],
    [{ SEEDKEEPER_ASG_NAMES: undefined }, 'SEEDKEEPER_ASG_NAMES', /required: comma-separated Auto Scaling group names/],
    [{ SEEDKEEPER_ASG_NAMES: ' , ' }, 'SEEDKEEPER_ASG_NAMES', /at least one/],
    [{ SEEDKEEPER_ZONE: 'other.org' }, 'SEEDKEEPER_ZONE', /contains SEEDKEEPER_RECORD_NAME/],
    [{ SEEDKEEPER_ZONE: 'seed.db.example.com' }, 'SEEDKEEPER_ZONE', /contains SEEDKEEPER_RECORD_NAME/],
    [{ SEEDKEEPER_ADDRESS: 'elastic' }, 'SEEDKEEPER_ADDRESS', /private, public or ipv6, got "elastic"/],
    [{ SEEDKEEPER_PORT: '0' }, 'SEEDKEEPER_PORT', /port 1\.\.65535, got "0"/],
    [{ SEEDKEEPER_PORT: '3000.5' }, 'SEEDKEEPER_PORT', /port 1\.\.65535/],
    [{ SEEDKEEPER_TTL: 'thirty' }, 'SEEDKEEPER_TTL', /TTL in seconds 1\.\.86400, got "thirty"/],
    [{ SEEDKEEPER_MODE: 'multi' }, 'SEEDKEEPER_MODE', /shared or per-node/],
    [{ SEEDKEEPER_OWNER_ID: 'has space' }, 'SEEDKEEPER_OWNER_ID', /letters, digits/],
    [{ SEEDKEEPER_MAX_REMOVALS: '0' }, 'SEEDKEEPER_MAX_REMOVALS', /1\.\.1000/],
    [{ SEEDKEEPER_HEALTH_CHECKS: 'yes' }, 'SEEDKEEPER_HEALTH_CHECKS', /true or false, got "yes"/],
    [{ SEEDKEEPER_HEALTH_CHECKS: 'true' }, 'SEEDKEEPER_HEALTH_CHECKS', /need SEEDKEEPER_MODE=per-node/],
    [
      { SEEDKEEPER_HEALTH_CHECKS: 'true', SEEDKEEPER_MODE: 'per-node' },
      'SEEDKEEPER_HEALTH_CHECKS',
      /cannot reach private IPs/,
    ],
    [{ SEEDKEEPER_RECORDNAME: 'x.example.com' }, 'SEEDKEEPER_RECORDNAME', /unknown variable/],
  ])('names the variable and what was expected (%#)', (overrides, variable, pattern) => {
    const error = errorOf({ ...minimal, ...overrides });
    expect(error.path).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(pattern);
  });
});
