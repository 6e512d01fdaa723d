// The npm tarball, as a user gets it: the working tree copied like a fresh clone (tracked and new files, no
// dist/), packed with `npm pack` (prepack builds), installed into an empty folder, then used from there:
// the CLI, the library, `seedkeeper/cdk` (synth, offline) and `seedkeeper/aerospike` against the simulator.
// The optional peers (aerospike, aws-cdk-lib, constructs) are linked from this checkout's node_modules
// rather than installed again (they are large; the official client builds native code).
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'seedkeeper-pack-'));
const clone = path.join(tmp, 'clone');
const app = path.join(tmp, 'app');
const PEERS = ['aerospike', 'aws-cdk-lib', 'constructs', 'typescript', '@types/node'];
let packed: { filename: string; files: { path: string }[] };
let sim: SimCluster;

function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 480_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 32 * 1024 * 1024,
        env: { ...process.env, npm_config_update_notifier: 'false' },
      },
      (error, stdout, stderr) =>
        // A child killed by the timeout has no exit code: say so, rather than a bare 1 with empty output.
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr: error?.killed
            ? `${stderr}\n[killed by ${error.signal ?? 'a signal'} after the ${timeoutMs} ms limit]`
            : stderr,
        }),
    );
  });
}

beforeAll(async () => {
  sim = await startSimCluster({ nodes: 3, clusterName: 'packtest' });
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files.filter((f) => !f.startsWith('dist/'))) {
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    try {
      cpSync(path.join(REPO, file), path.join(clone, file));
    } catch {
      /* listed but deleted in the working tree */
    }
  }
  symlinkSync(path.join(REPO, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  const pack = await run('npm', ['pack', '--json', '--pack-destination', tmp], clone);
  expect(pack.code, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as (typeof packed)[])[0]!;

  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const install = await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', path.join(tmp, packed.filename)],
    app,
  );
  expect(install.code, install.stderr).toBe(0);
  // After the install: npm removes packages it did not put there.
  mkdirSync(path.join(app, 'node_modules', '@types'), { recursive: true });
  for (const peer of PEERS)
    symlinkSync(path.join(REPO, 'node_modules', peer), path.join(app, 'node_modules', peer), 'dir');
}, 1_000_000);

afterAll(async () => {
  await sim?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const node = (script: string, ...args: string[]) => {
  writeFileSync(path.join(app, 'script.mjs'), script);
  // Generous: a CDK synth or the official client's load takes minutes on a saturated 2-core machine.
  return run(process.execPath, ['script.mjs', ...args], app, 300_000);
};

// Whole processes (npm, CDK synth, tsc, the official client): minutes on a saturated machine, never a timing claim.
describe('npm pack tarball', { timeout: 360_000 }, () => {
  it('ships the build, the construct and its Lambda bundle, the adapter, LICENSE and CHANGELOG; no sources, maps or release file', () => {
    const names = packed.files.map((f) => f.path);
    for (const needed of [
      'bin/seedkeeper.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/cdk/seed-record.js',
      'dist/cdk/seed-record.d.ts',
      'dist/lambda/index.mjs',
      'dist/aerospike/index.js',
      'dist/aerospike/index.d.ts',
      'dist/aws/index.js',
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'deploy/systemd/seedkeeper-registrar.service',
      'native/udp/build/Release/seedkeeper_udp.node',
      'native/udp/engine.cc',
    ]) {
      expect(names, needed).toContain(needed);
    }
    expect(
      names.filter(
        (n) =>
          n.endsWith('.map') ||
          n.startsWith('dist/release/') ||
          n.startsWith('dist/.') ||
          /^(src|test|infra|scripts|bench)\//.test(n),
      ),
    ).toEqual([]);
  });

  it('the CLI runs from the installed package', async () => {
    const help = await run(path.join(app, 'node_modules/.bin/seedkeeper'), ['--help'], app);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('resolve');
    const resolved = await run(
      path.join(app, 'node_modules/.bin/seedkeeper'),
      ['resolve', '--format', 'python', ...sim.seedList().split(',')],
      app,
    );
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout.match(/\("127\.0\.0\.1", \d+\)/g)).toHaveLength(3);
  });

  it('the library discovers the cluster', async () => {
    const out = await node(
      `import { discover } from 'seedkeeper';\nconst { nodes } = await discover(process.argv[2].split(','));\nconsole.log(JSON.stringify(nodes.map((n) => n.nodeId)));`,
      sim.seedList(),
    );
    expect(out.code, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as string[]).sort()).toEqual(sim.nodes.map((n) => n.id).sort());
  });

  it('the embedded DNS server answers through the native UDP engine shipped in the package', async () => {
    const out = await node(
      [
        `import dns from 'node:dns';`,
        `import { startEmbeddedDnsServer } from 'seedkeeper';`,
        `const records = [{ name: 'api.seed.test', type: 'A', ttl: 30, values: ['10.9.8.7'] }];`,
        `const server = await startEmbeddedDnsServer({ zone: 'seed.test', port: 0, engine: 'native', records });`,
        `const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 3 });`,
        `resolver.setServers(['127.0.0.1:' + server.port]);`,
        `const answer = await resolver.resolve4('api.seed.test');`,
        `console.log(JSON.stringify({ engine: server.engine, answer, answered: server.stats().responses.noerror }));`,
        `await server.stop();`,
      ].join('\n'),
    );
    expect(out.code, out.stderr).toBe(0);
    const got = JSON.parse(out.stdout) as { engine: string; answer: string[]; answered: number };
    expect(got).toMatchObject({ engine: 'native', answer: ['10.9.8.7'] });
    expect(got.answered).toBeGreaterThanOrEqual(1);
  });

  it('seedkeeper/cdk synthesizes a stack offline', async () => {
    const out = await node(
      `import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { SeedRecord } from 'seedkeeper/cdk';
import { ConfigError } from 'seedkeeper';
const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'Db');
const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123EXAMPLE', zoneName: 'db.example.com' });
// No \`code\`: the construct must find the Lambda bundle the package ships.
new SeedRecord(stack, 'Seed', { recordName: 'seed.db.example.com', hostedZone, autoScalingGroupNames: ['aero'] });
const template = app.synth().getStackByName('Db').template;
let refused;
try { new SeedRecord(stack, 'Bad', { recordName: 'elsewhere.example.org', hostedZone, autoScalingGroupNames: ['aero'], code: lambda.Code.fromInline('x') }); } catch (e) { refused = e instanceof ConfigError; }
const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
console.log(JSON.stringify({ types: Object.values(template.Resources).map((r) => r.Type), refused, handler: fn.Properties.Handler }));`,
      path.join(tmp, 'cdk.out'),
    );
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(out.stdout) as { types: string[]; refused: boolean; handler: string };
    // The default code is the shipped bundle, staged as the synthesized app's one asset.
    expect(result.handler).toBe('index.handler');
    const assets = readdirSync(path.join(tmp, 'cdk.out')).filter((f) => f.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const staged = readdirSync(path.join(tmp, 'cdk.out', assets[0]!));
    expect(staged).toContain('index.mjs');
    expect(staged.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(result.types).toContain('AWS::Lambda::Function');
    expect(result.types).toContain('AWS::Events::Rule');
    // The construct's errors are the library's own classes.
    expect(result.refused).toBe(true);
  }, 360_000);

  it('seedkeeper/aerospike connects the official client to the direct node addresses', async () => {
    const out = await node(
      `import { connect } from 'seedkeeper/aerospike';
const seeded = await connect({ hosts: process.argv[2], clusterName: 'packtest', log: { level: -1 } });
console.log(JSON.stringify(seeded.client.getNodes()));
await seeded.close();
process.exit(0);`,
      sim.seedList(),
    );
    expect(out.code, out.stderr).toBe(0);
    expect((JSON.parse(out.stdout) as { name: string }[]).map((n) => n.name).sort()).toEqual(
      sim.nodes.map((n) => n.id).sort(),
    );
  });

  it('type-checks an app importing every entry point', async () => {
    writeFileSync(
      path.join(app, 'check.ts'),
      `import { discover, type DiscoveryOptions } from 'seedkeeper';
import { SeedRecord, type SeedRecordProps } from 'seedkeeper/cdk';
import { connect, type SeededClient } from 'seedkeeper/aerospike';
import { createRoute53Provider, createAsgSource } from 'seedkeeper/aws';
import { Cluster } from 'seedkeeper/discovery';
const options: DiscoveryOptions = { clusterName: 'x' };
export const used: [typeof discover, typeof SeedRecord, typeof connect, SeedRecordProps | undefined, SeededClient | undefined, DiscoveryOptions, typeof createRoute53Provider, typeof createAsgSource, typeof Cluster] = [discover, SeedRecord, connect, undefined, undefined, options, createRoute53Provider, createAsgSource, Cluster];
`,
    );
    const tsc = await run(
      process.execPath,
      [
        path.join(app, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        'check.ts',
      ],
      app,
      300_000,
    );
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
  }, 360_000);
});
