// Agent config: documented defaults, errors that name the path, and assembly of each target type.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_SETTINGS } from '../../src/agent/agent.js';
import { buildAgent } from '../../src/agent/build.js';
import { loadAgentConfig, validateAgentConfig } from '../../src/agent/config.js';
import { ConfigError } from '../../src/errors.js';
import { createLogger } from '../../src/log/logger.js';

const rfc2136 = { type: 'rfc2136', server: '127.0.0.1:53', allowUnsigned: true };
const silent = createLogger('silent');

describe('agent config', () => {
  it('fills in the documented defaults', () => {
    const config = validateAgentConfig({ record: { name: 'seed.db.example.com' }, target: rfc2136 });
    expect(config.node).toEqual({ address: 'private', port: 3000, allowLoopback: false });
    expect(config.imds).toEqual({
      enabled: true,
      endpoint: 'http://169.254.169.254',
      timeoutMs: 1000,
      budgetMs: 5000,
      tokenTtlSeconds: 21_600,
    });
    expect(config.record).toEqual({ name: 'seed.db.example.com', ttl: 30, allowEmpty: false });
    expect(config.ownerId).toBe('seedkeeper');
    expect(config.wait).toEqual({ ...DEFAULT_AGENT_SETTINGS.wait, progressEveryMs: 10_000 });
    expect(config.wait.timeoutMs).toBe(600_000);
    expect(config.watch).toEqual({
      intervalMs: 1000,
      unavailableAfterMs: 10_000,
      healthyAfter: 2,
      spotCheckMs: 5000,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.log.level).toBe('info');
  });

  it('names the path of what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [{ target: rfc2136 }, /^agent\.yaml: record: expected the seed record/],
      [
        { record: { name: 'x.example.com' }, target: rfc2136, node: { address: 'elastic' } },
        /^agent\.yaml: node\.address: expected private, public, ipv6 or an IP address/,
      ],
      [
        { record: { name: 'x.example.com' }, target: { type: 'rfc2136', server: '127.0.0.1:53' } },
        /^agent\.yaml: target\.key: expected a TSIG key/,
      ],
      [{ record: { name: 'x.example.com' }, target: { type: 'nsupdate' } }, /^agent\.yaml: target\.type/],
      [
        { target: { type: 'registrar', url: 'http://10.0.1.5:9464' } },
        /^agent\.yaml: target\.tokenEnv: expected exactly one of tokenEnv or tokenFile/,
      ],
      [
        {
          target: { type: 'registrar', url: ['http://10.0.1.5:9464', 'http://10.0.1.5:9464'], tokenEnv: 'T' },
        },
        /^agent\.yaml: target\.url: expected each replica URL once/,
      ],
      [
        { record: { name: 'x.example.com' }, target: rfc2136, imds: { endpoint: 'https://169.254.169.254' } },
        /^agent\.yaml: imds\.endpoint: expected http:\/\/host/,
      ],
      [
        { record: { name: 'x.example.com' }, target: rfc2136, watch: { healthyAfter: 0 } },
        /^agent\.yaml: watch\.healthyAfter/,
      ],
      [
        { record: { name: 'x.example.com' }, target: rfc2136, extra: 1 },
        /^agent\.yaml: \(top level\): unknown option\(s\) "extra"/,
      ],
    ];
    for (const [document, message] of cases) {
      const error = (() => {
        try {
          validateAgentConfig(document, 'agent.yaml');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, JSON.stringify(document)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('loads YAML and accepts the IPv6 metadata endpoint and a literal address', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-agent-config-'));
    try {
      const file = path.join(dir, 'agent.yaml');
      await writeFile(
        file,
        'node:\n  address: "2001:db8::5"\nimds:\n  endpoint: "http://[fd00:ec2::254]"\nrecord:\n  name: seed.db.example.com\ntarget:\n  type: route53\n  hostedZoneId: Z0TEST\n  mode: per-node\n',
      );
      const config = await loadAgentConfig(file);
      expect(config.node.address).toBe('2001:db8::5');
      expect(config.imds.endpoint).toBe('http://[fd00:ec2::254]');
      expect(config.target).toMatchObject({ type: 'route53', mode: 'per-node', region: 'us-east-1' });
      await writeFile(file, 'node: [');
      await expect(loadAgentConfig(file)).rejects.toThrow(/not valid YAML/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('buildAgent', () => {
  it('builds the registrar target with the token from the environment, and says when it is missing', async () => {
    const config = validateAgentConfig({
      target: { type: 'registrar', url: 'http://127.0.0.1:9', tokenEnv: 'AGENT_TOKEN' },
      imds: { enabled: false },
    });
    const runtime = await buildAgent(
      config,
      { id: 'n1', address: '192.0.2.1' },
      { env: { AGENT_TOKEN: 'secret-token' }, logger: silent },
    );
    expect(runtime.target.kind).toBe('registrar');
    expect(runtime.imds).toBeUndefined();
    const replicas = await buildAgent(
      validateAgentConfig({
        target: { type: 'registrar', url: ['http://127.0.0.1:9', 'http://127.0.0.2:9'], tokenEnv: 'AGENT_TOKEN' },
        imds: { enabled: false },
      }),
      { id: 'n1', address: '192.0.2.1' },
      { env: { AGENT_TOKEN: 'secret-token' }, logger: silent },
    );
    // Both replicas refuse connections: the error names each.
    await expect(replicas.target.register({ id: 'n1', address: '192.0.2.1', port: 3000 })).rejects.toThrow(
      /no registrar replica took the change: .*127\.0\.0\.1:9.*127\.0\.0\.2:9/,
    );
    await replicas.close();
    expect(await runtime.agent.member()).toEqual({ id: 'n1', address: '192.0.2.1', port: 3000 });
    await runtime.close();
    await expect(buildAgent(config, {}, { env: {}, logger: silent })).rejects.toThrow(
      /target\.tokenEnv: environment variable AGENT_TOKEN is not set/,
    );
  });

  it('reports a TSIG key problem under target.key, and flags override the config', async () => {
    const config = validateAgentConfig({
      record: { name: 'db.seed.test' },
      target: { type: 'rfc2136', server: '127.0.0.1:53', key: { name: 'k', secretEnv: 'NOPE' } },
    });
    await expect(buildAgent(config, {}, { env: {}, logger: silent })).rejects.toThrow(
      /target\.key\.secretEnv: environment variable NOPE/,
    );
    const unsigned = validateAgentConfig({
      node: { id: 'from-config', port: 3100 },
      record: { name: 'db.seed.test' },
      target: rfc2136,
    });
    const runtime = await buildAgent(
      unsigned,
      { id: 'from-flag', address: '192.0.2.8', port: 3200, imds: false },
      { logger: silent },
    );
    expect(runtime.target.kind).toBe('dns:rfc2136');
    expect(runtime.imds).toBeUndefined();
    expect(await runtime.agent.member()).toEqual({ id: 'from-flag', address: '192.0.2.8', port: 3200 });
    await runtime.close();
  });
});
