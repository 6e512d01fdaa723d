import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadConfig, validateConfig } from '../../src/registrar/config.js';

const minimal = { record: { name: 'seed.db.example.com' }, sources: [{ type: 'static', addresses: ['10.0.0.1'] }] };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('registrar config', () => {
  it('fills every default', () => {
    const config = validateConfig(minimal);
    expect(config).toMatchObject({
      record: { name: 'seed.db.example.com', ttl: 30 },
      ownerId: 'seedkeeper',
      health: { probe: 'aerospike', intervalMs: 1000, timeoutMs: 500, healthyAfter: 2, unhealthyAfterMs: 3000 },
      plan: { mode: 'sync', maxRemovalsPerCycle: 2, maxRecordSize: 0 },
      provider: { type: 'embedded', listen: '127.0.0.1:15353' },
      http: { listen: '127.0.0.1:9464' },
    });
  });

  it.each([
    [{ ...minimal, record: { name: 'not a name' } }, 'record.name', /fully qualified DNS name/],
    [{ ...minimal, sources: [] }, 'sources', />=1/],
    [{ ...minimal, sources: [{ type: 'cluster', seeds: [] }] }, 'sources[0].seeds', />=1/],
    [{ ...minimal, sources: [{ type: 'magic' }] }, 'sources[0].type', /static|cluster/],
    [{ ...minimal, health: { intervalMs: 'fast' } }, 'health.intervalMs', /expected number/],
    [{ ...minimal, health: { healthyAfter: 0 } }, 'health.healthyAfter', />=1/],
    [{ ...minimal, health: { intervalMs: 100, timeoutMs: 200 } }, 'health.timeoutMs', /timeoutMs <= intervalMs/],
    [{ ...minimal, plan: { mode: 'yolo' } }, 'plan.mode', /sync|upsert-only/],
    [{ ...minimal, provider: { type: 'embedded', listen: 'everywhere' } }, 'provider.listen', /host:port/],
    [{ ...minimal, typo: true }, '(top level)', /unknown option.*typo/],
    [{ ...minimal, sources: [{ type: 'static' }] }, 'sources[0]', /addresses or cidrs/],
    [{ ...minimal, sources: [{ type: 'aws-asg', groups: [] }] }, 'sources[0].groups', />=1/],
    [
      { ...minimal, sources: [{ type: 'aws-asg', groups: ['g'], address: 'elastic' }] },
      'sources[0].address',
      /private|public|ipv6/,
    ],
    [
      { ...minimal, provider: { type: 'route53', hostedZoneId: 'not an id' } },
      'provider.hostedZoneId',
      /hosted zone id/,
    ],
    [
      { ...minimal, provider: { type: 'route53', hostedZoneId: 'Z123', mode: 'shared', healthChecks: {} } },
      'provider.healthChecks',
      /per-node/,
    ],
    [{ ...minimal, provider: { type: 'rfc2136', server: '127.0.0.1:53' } }, 'provider.key', /TSIG key/],
    [
      { ...minimal, provider: { type: 'rfc2136', server: '127.0.0.1:53', key: { file: 'k', secretEnv: 'S' } } },
      'provider.key',
      /exactly one of file or secretEnv/,
    ],
  ])('names the path and what was expected (%#)', (document, pathText, pattern) => {
    const error = errorOf(() => validateConfig(document, 'f.yaml'));
    expect(error.path).toBe(`f.yaml: ${pathText}`);
    expect(error.message).toMatch(pattern);
  });

  it('reads YAML and JSON files and reports syntax errors with the file name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seedkeeper-config-'));
    const yamlFile = path.join(dir, 'ok.yaml');
    writeFileSync(yamlFile, 'record:\n  name: seed.a.example\nsources:\n  - type: static\n    cidrs: [10.0.0.0/30]\n');
    expect((await loadConfig(yamlFile)).sources[0]).toMatchObject({ type: 'static', cidrs: ['10.0.0.0/30'] });
    const jsonFile = path.join(dir, 'bad.json');
    writeFileSync(jsonFile, '{"record": ');
    await expect(loadConfig(jsonFile)).rejects.toThrow(/bad\.json: not valid JSON/);
    await expect(loadConfig(path.join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read the config file \(ENOENT\)/);
  });
});
