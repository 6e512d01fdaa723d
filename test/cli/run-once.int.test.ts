/**
 * `run --once` against a real BIND 9 primary (RFC 2136 + TSIG): the one stdout line says what the run did —
 * published on the first run, nothing to change on the second. With replicas, it writes only under the lease:
 * it takes a free lease, writes fenced and gives the lease up; a live lease of another replica stops it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { leaseSet } from '../../src/lease/fence.js';
import { createRfc2136Provider, loadTsigKey } from '../../src/providers/rfc2136/index.js';
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

  it('with replicas: takes the free lease, writes fenced and gives it up; a live lease of another replica stops it', async () => {
    const name = `rep.${bind!.zone}`;
    const replicaConfig = path.join(path.dirname(config), 'replica.yaml');
    const yaml = (id: string): string =>
      readFileSync(config, 'utf8').replace(`name: db.${bind!.zone}`, `name: ${name}`) +
      `replicas:\n  enabled: true\n  id: ${id}\n`;
    writeFileSync(replicaConfig, yaml('r1'));
    const first = await runCli(['run', '--once', '--config', replicaConfig]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`published 2 addresses for ${name} (A: ${ips.join(', ')}; AAAA: (none))\n`);
    const leaseName = `_seedkeeper-lease.${name}`;
    const released = (await bind!.resolver().resolveTxt(leaseName)).map((t) => t.join(''));
    expect(released).toEqual(['holder=r1 until=0 term=1']);

    // Another replica holds a live lease: this one must not write, and says who keeps the record.
    const provider = createRfc2136Provider({
      server: { host: '127.0.0.1', port: bind!.port },
      zone: bind!.zone,
      key: await loadTsigKey({ file: bind!.keyFile }),
      timeoutMs: 2000,
    });
    await provider.apply([
      {
        kind: 'update',
        before: leaseSet(name, { holder: 'r1', until: 0, term: 1 }),
        after: leaseSet(name, { holder: 'r9', until: Date.now() + 10 * 60_000, term: 2 }),
      },
    ]);
    await sim!.nodes[1]!.stop();
    writeFileSync(replicaConfig, yaml('r2'));
    const second = await runCli(['run', '--once', '--config', replicaConfig]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(
      'did not publish: replica r9 holds the lease (term 2) and keeps the record; nothing was changed\n',
    );
    expect((await bind!.resolver().resolve4(name)).sort()).toEqual(ips);
  });
});
