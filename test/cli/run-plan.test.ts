import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { freePort } from '../harness/ports.js';
import { runCli } from '../helpers/cli.js';

let sim: SimCluster;
let port: number;
let dir: string;
const ips = ['127.0.0.70', '127.0.0.71'];

beforeAll(async () => {
  port = await freePort();
  sim = await startSimCluster({
    nodes: 2,
    clusterName: 'cli',
    nodeOptions: ips.map((host) => ({ listen: [{ host, port }] })),
  });
  dir = mkdtempSync(path.join(tmpdir(), 'seedkeeper-cli-'));
});

afterAll(async () => {
  await sim.stop();
});

function writeConfig(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const goodConfig = (): string => `allowLoopback: true
record:
  name: seed.cli.test
  ttl: 5
sources:
  - type: static
    addresses: [${ips.join(', ')}, 127.0.0.79]
    port: ${port}
health:
  clusterName: cli
  # Generous: \`plan\` probes once, and a loaded 2-core machine can take a second to answer a probe.
  intervalMs: 3000
  timeoutMs: 2500
  unhealthyAfterMs: 3000
provider:
  type: embedded
  listen: 127.0.0.1:0
http:
  listen: "off"
`;

describe('seedkeeper plan / run', () => {
  it('plan prints the changes one reconcile would make and applies nothing', async () => {
    const result = await runCli(['plan', '--config', writeConfig('good.yaml', goodConfig())]);
    expect(result.code).toBe(0);
    for (const ip of ips) expect(result.stdout).toContain(ip);
    expect(result.stdout).not.toContain('+127.0.0.79');
  });

  it('plan says what clients will dial: members sharing one IP, and a port that is not 3000', async () => {
    const shared = goodConfig().replace(
      'health:',
      `  - type: static\n    addresses: [${ips[0]}]\n    port: ${port + 1}\nhealth:`,
    );
    const result = await runCli(['plan', '--config', writeConfig('ports.yaml', shared)]);
    expect(result.stdout).toContain(
      `[shared-ip] 2 members differ only by port (${ips[0]}:${port}, ${ips[0]}:${port + 1}): they collapse into one A value ${ips[0]}, and clients given seed.cli.test will dial ${ips[0]}:3000`,
    );
    expect(result.stdout).toMatch(
      /\[non-default-port\] 3 members listen on ports \d+, \d+, not 3000: .*clients given only seed\.cli\.test will dial port 3000/,
    );
  });

  it('run --once refuses the embedded provider up front (its server would exit with the process), exit 2', async () => {
    const result = await runCli(['run', '--once', '--config', writeConfig('once.yaml', goodConfig())]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /--once cannot use the embedded provider.*exits with this process.*without --once.*seedkeeper plan/,
    );
    // Refused before anything started: no "registrar started" log line.
    expect(result.stderr).not.toContain('registrar started');
  });

  it.each([
    [
      'bad-name.yaml',
      'record:\n  name: nope\nsources:\n  - type: static\n    addresses: [10.0.0.1]\n',
      /bad-name\.yaml: record\.name: expected a fully qualified DNS name/,
    ],
    [
      'bad-source.yaml',
      'record:\n  name: seed.a.test\nsources:\n  - type: cluster\n    seeds: []\n',
      /sources\[0\]\.seeds/,
    ],
    ['bad-yaml.yaml', 'record: [\n', /not valid YAML/],
  ])('exits 2 naming the config path for %s', async (file, text, pattern) => {
    for (const command of ['run', 'plan']) {
      const result = await runCli([command, '--config', writeConfig(file, text)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(pattern);
    }
  });

  it('exits 2 when the config file does not exist', async () => {
    const result = await runCli(['run', '--config', path.join(dir, 'nope.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nope\.yaml: cannot read the config file/);
  });
});
