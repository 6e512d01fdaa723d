// The single-file release, as a node gets it: dist/release/seedkeeper.mjs alone in an empty folder, run with a
// clean environment (no node_modules anywhere up the tree, no NODE_PATH), against the simulator: probe,
// `run --once` (static source, embedded DNS server), and `agent register` against a registrar's agent API.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease, RELEASE_FILE } from '../../scripts/build-release.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../harness/ports.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'seedkeeper-release-'));
const node = path.join(tmp, 'node');
const file = path.join(node, RELEASE_FILE);
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
const CLEAN_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: tmp, AGENT_TOKEN: 'release-test-token-0123456789' };
let sim: SimCluster;
let port: number;

function release(
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      { cwd: node, env: CLEAN_ENV, timeout: timeoutMs },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  const built = await buildRelease({ outdir: path.join(tmp, 'build') });
  // What an operator's install step does: copy from the artifact store, check the SHA-256.
  const { mkdirSync } = await import('node:fs');
  mkdirSync(node);
  copyFileSync(built.file, file);
  const [sum, name] = readFileSync(`${built.file}.sha256`, 'utf8').trim().split(/\s+/);
  expect(name).toBe(RELEASE_FILE);
  expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(sum);
  port = await freePort();
  sim = await startSimCluster({
    nodes: 3,
    clusterName: 'rel',
    nodeOptions: HOSTS.map((host) => ({ listen: [{ host, port }] })),
  });
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('single-file release', () => {
  it('probe finds every node', async () => {
    const result = await release(['probe', '--json', `127.0.0.1:${port}`]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { clusterName: string; nodes: unknown[] };
    expect(report.clusterName).toBe('rel');
    expect(report.nodes).toHaveLength(3);
  });

  it('plan finds the healthy static candidates (the registrar, config loader and health checks in one file)', async () => {
    const dnsPort = await freePort();
    writeFileSync(
      path.join(node, 'registrar.yaml'),
      `allowLoopback: true
record: { name: seed.rel.test, ttl: 5 }
sources:
  - { type: static, addresses: [${HOSTS.join(', ')}], port: ${port} }
health: { intervalMs: 200, timeoutMs: 150, healthyAfter: 1, unhealthyAfterMs: 400 }
provider: { type: embedded, listen: "127.0.0.1:${dnsPort}" }
http: { listen: "off" }
log: { level: warn }
`,
    );
    // run --once refuses the embedded provider (its record would leave with the process): plan is the one-shot here.
    const result = await release(['plan', '--config', 'registrar.yaml']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    for (const host of HOSTS) expect(result.stdout).toContain(host);
  });

  it('agent register reaches a registrar (both run from the release file)', async () => {
    const httpPort = await freePort();
    writeFileSync(
      path.join(node, 'registrar-api.yaml'),
      `allowLoopback: true
record: { name: seed.rel.test, ttl: 5 }
sources: [{ type: agent }]
health: { intervalMs: 200, timeoutMs: 150, healthyAfter: 1 }
provider: { type: embedded, listen: "127.0.0.1:${await freePort()}" }
http: { listen: "127.0.0.1:${httpPort}", agentToken: { env: AGENT_TOKEN } }
log: { level: warn }
`,
    );
    writeFileSync(
      path.join(node, 'agent.yaml'),
      `imds: { enabled: false }
node: { id: node-1, address: 127.0.0.1, port: ${port}, allowLoopback: true }
target: { type: registrar, url: "http://127.0.0.1:${httpPort}", tokenEnv: AGENT_TOKEN }
wait: { timeoutMs: 5000, intervalMs: 100 }
log: { level: warn }
`,
    );
    const registrar = spawn(process.execPath, [file, 'run', '--config', 'registrar-api.yaml'], {
      cwd: node,
      env: CLEAN_ENV,
      stdio: 'ignore',
    });
    try {
      let result = { code: -1, stdout: '', stderr: '' };
      for (let i = 0; i < 40 && result.code !== 0; i++) {
        await sleep(250);
        result = await release(['agent', 'register', '--config', 'agent.yaml']);
      }
      expect(result.code, result.stderr + result.stdout).toBe(0);
    } finally {
      registrar.kill('SIGTERM');
    }
  });
});
