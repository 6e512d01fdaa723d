/**
 * `run --once` against a real BIND 9 primary (RFC 2136 + TSIG): the one stdout line says what the run did —
 * published on the first run, nothing to change on the second.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { startBind, type BindServer } from '../harness/bind.js';
import { freePort } from '../harness/ports.js';
import { describeIfTool } from '../harness/require-tool.js';
import { runCli } from '../helpers/cli.js';

const ips = ['127.0.0.72', '127.0.0.73'];

describeIfTool(['named', 'dig'])('seedkeeper run --once + BIND 9', () => {
  let sim: SimCluster | undefined;
  let bind: BindServer | undefined;
  let config: string;

  beforeAll(async () => {
    const port = await freePort();
    sim = await startSimCluster({
      nodes: 2,
      clusterName: 'once',
      nodeOptions: ips.map((host) => ({ listen: [{ host, port }] })),
    });
    bind = await startBind({ zone: 'seed.test' });
    const dir = mkdtempSync(path.join(tmpdir(), 'seedkeeper-once-'));
    config = path.join(dir, 'once.yaml');
    writeFileSync(
      config,
      `allowLoopback: true
record:
  name: db.${bind.zone}
  ttl: 5
sources:
  - type: static
    addresses: [${ips.join(', ')}]
    port: ${port}
health:
  clusterName: once
  intervalMs: 150
  timeoutMs: 120
  unhealthyAfterMs: 200
provider:
  type: rfc2136
  server: 127.0.0.1:${bind.port}
  zone: ${bind.zone}
  key:
    file: ${bind.keyFile}
http:
  listen: "off"
`,
    );
  });

  afterAll(async () => {
    await sim?.stop();
    await bind?.stop();
  });

  it('prints one line: published on the first run, nothing to change on the second', async () => {
    const first = await runCli(['run', '--once', '--config', config]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`published 2 addresses for db.seed.test (A: ${ips.join(', ')}; AAAA: (none))\n`);
    expect((await bind!.resolver().resolve4('db.seed.test')).sort()).toEqual(ips);

    const second = await runCli(['run', '--once', '--config', config]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(`nothing to change: db.seed.test already holds A: ${ips.join(', ')}; AAAA: (none)\n`);
  });
});
