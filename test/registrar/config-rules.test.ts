/**
 * The whole registrar config is checked before anything starts, with the path and the rule; a start that
 * fails after the DNS server bound closes it again.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateAgentConfig } from '../../src/agent/config.js';
import { loadDocument } from '../../src/config/file.js';
import { ConfigError, describeError } from '../../src/errors.js';
import { buildRegistrar } from '../../src/registrar/build.js';
import { configSchema } from '../../src/registrar/config-schema.js';
import { validateConfig } from '../../src/registrar/config.js';
import { createMetrics } from '../../src/registrar/metrics.js';
import { staticCandidates } from '../../src/sources/static.js';
import { freePort } from '../harness/ports.js';

const base = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  record: { name: 'seed.rules.test' },
  sources: [{ type: 'static', addresses: ['10.0.0.1'] }],
  provider: { type: 'embedded', listen: '127.0.0.1:0' },
  http: { listen: 'off' },
  log: { level: 'silent' },
  ...extra,
});

describe('registrar config: rules checked before anything starts', () => {
  it('rejects unhealthyAfterMs below intervalMs with the path and the rule', () => {
    expect(() =>
      validateConfig(base({ health: { intervalMs: 1000, unhealthyAfterMs: 100, timeoutMs: 500 } }), 'r.yaml'),
    ).toThrow(/r\.yaml: health\.unhealthyAfterMs: expected unhealthyAfterMs >= intervalMs/);
    expect(
      validateConfig(base({ health: { intervalMs: 1000, unhealthyAfterMs: 1000, timeoutMs: 500 } })).health
        .unhealthyAfterMs,
    ).toBe(1000);
  });

  it('rejects a listen address that is a host name at validation, naming the path', () => {
    expect(() => validateConfig(base({ provider: { type: 'embedded', listen: 'localhost:15363' } }), 'r.yaml')).toThrow(
      /r\.yaml: provider\.listen: expected an IP address and port .*"localhost:15363"/,
    );
    expect(() => validateConfig(base({ http: { listen: 'localhost:9464' } }), 'r.yaml')).toThrow(
      /r\.yaml: http\.listen: expected an IP address/,
    );
  });

  it('rejects an invalid static address and an oversized CIDR pool at validation, naming the entry', () => {
    expect(() =>
      validateConfig(base({ sources: [{ type: 'static', addresses: ['10.0.0.1', '0.0.0.0'] }] }), 'r.yaml'),
    ).toThrow(/r\.yaml: sources\[0\]\.addresses\[1\]: "0\.0\.0\.0" is in 0\.0\.0\.0\/8/);
    expect(() => validateConfig(base({ sources: [{ type: 'static', cidrs: ['10.0.0.0/8'] }] }), 'r.yaml')).toThrow(
      /r\.yaml: sources\[0\]\.cidrs\[0\]: 10\.0\.0\.0\/8 holds 16777216/,
    );
    expect(() => validateConfig(base({ sources: [{ type: 'static', addresses: ['not-an-ip'] }] }))).toThrow(
      /sources\[0\]\.addresses\[0\]: "not-an-ip" is not an IPv4 or IPv6 address/,
    );
    expect(() => validateConfig(base({ sources: [{ type: 'static', cidrs: ['224.0.0.0/28'] }] }))).toThrow(
      /sources\[0\]\.cidrs\[0\].*multicast/,
    );
  });

  it('applies the address policy to static sources: loopback only when allowed, ::ffff: mapped to IPv4', () => {
    expect(() => validateConfig(base({ sources: [{ type: 'static', addresses: ['127.0.0.1'] }] }))).toThrow(
      /"127\.0\.0\.1" is a loopback address/,
    );
    const mapped = staticCandidates({ addresses: ['::ffff:127.0.0.1', '127.0.0.1'], allowLoopback: true });
    expect(mapped.map((c) => c.address)).toEqual(['127.0.0.1']);
    expect(() => staticCandidates({ addresses: ['169.254.169.254'] })).toThrow(/link-local/);
  });

  it('closes the DNS server it started when the HTTP server cannot start, and leaves nothing running', async () => {
    const dnsPort = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const config = validateConfig(
        base({ provider: { type: 'embedded', listen: `127.0.0.1:${dnsPort}` }, http: { listen: `127.0.0.1:${busy}` } }),
      );
      await expect(buildRegistrar(config)).rejects.toThrow(/EADDRINUSE/);
      // The DNS port is free again: bind it ourselves.
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(dnsPort, '127.0.0.1', () => resolve());
      });
      socket.close();
    } finally {
      blocker.close();
    }
  });
});

describe('agent config: one id rule and the address policy', () => {
  const agent = (node: Record<string, unknown>) =>
    validateAgentConfig(
      { node, target: { type: 'registrar', url: 'http://10.0.0.9:9464', tokenEnv: 'T' } },
      'agent.yaml',
    );

  it('accepts exactly the ids the agent API accepts', () => {
    expect(agent({ id: 'i-0abc123def456' }).node.id).toBe('i-0abc123def456');
    expect(() => agent({ id: 'node:1@rack' })).toThrow(
      /agent\.yaml: node\.id: expected 1-64 letters, digits, dots, dashes or underscores/,
    );
    expect(() => agent({ id: 'a'.repeat(65) })).toThrow(/node\.id/);
    expect(() => agent({ id: '..' })).toThrow(/node\.id/);
  });

  it('refuses a non-unicast literal address, and loopback unless allowLoopback is set', () => {
    expect(() => agent({ address: '0.0.0.0' })).toThrow(/agent\.yaml: node\.address: "0\.0\.0\.0" is in 0\.0\.0\.0\/8/);
    expect(() => agent({ address: '255.255.255.255' })).toThrow(/broadcast/);
    expect(() => agent({ address: '127.0.0.1' })).toThrow(/loopback/);
    expect(agent({ address: '127.0.0.1', allowLoopback: true }).node.address).toBe('127.0.0.1');
  });
});

describe('smaller ones', () => {
  it('prints a YAML error once, not twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seedkeeper-rules-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'record: [\n');
    const error = await loadDocument(configSchema, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const text = describeError(error);
    expect(text).toMatch(/bad\.yaml: not valid YAML: /);
    const detail = text.split('not valid YAML: ')[1]!.slice(0, 20);
    expect(text.split(detail)).toHaveLength(2);
  });

  it('names process metrics seedkeeper_process_*, never seedkeeper_process_process_*', async () => {
    const text = await createMetrics({ defaultMetrics: true }).registry.metrics();
    expect(text).toContain('seedkeeper_process_cpu_user_seconds_total');
    expect(text).not.toContain('process_process');
  });
});
