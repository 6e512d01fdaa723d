// Start-up: each command imports only what it uses. A module hook in the child process records every module
// URL loaded; `--help` must not load the registrar, the testkit or the AWS SDK, and `probe`/`resolve` must not
// load the AWS SDK.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/seedkeeper.js', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'seedkeeper-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hooks = path.join(dir, 'hooks.mjs');
const register = path.join(dir, 'register.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.SEEDKEEPER_TEST_LOADED, result.url + '\\n');
  return result;
}
`,
);
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
);

let runs = 0;
function loadedBy(
  args: readonly string[],
  entry: readonly string[] = [BIN],
): Promise<{ code: number; urls: string[] }> {
  const log = path.join(dir, `loaded-${++runs}.txt`);
  writeFileSync(log, '');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', pathToFileURL(register).href, ...entry, ...args],
      { timeout: 20_000, env: { ...process.env, SEEDKEEPER_TEST_LOADED: log } },
      (error) => {
        const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, urls });
      },
    );
  });
}

const matching = (urls: readonly string[], part: string): string[] => urls.filter((u) => u.includes(part));

describe('lazy command loading', () => {
  it('--help lists every command and loads no command module', async () => {
    const { code, urls } = await loadedBy(['--help']);
    expect(code).toBe(0);
    expect(matching(urls, '/dist/cli/main.js')).toHaveLength(1);
    expect(matching(urls, '/dist/cli/commands/')).toEqual([]);
    expect(matching(urls, '@aws-sdk')).toEqual([]);
    expect(matching(urls, '/dist/registrar/')).toEqual([]);
    expect(matching(urls, '/dist/testkit/')).toEqual([]);
  });

  it('probe --help loads the probe command only, without the AWS SDK or the registrar', async () => {
    const { code, urls } = await loadedBy(['probe', '--help']);
    expect(code).toBe(0);
    expect(matching(urls, '/dist/cli/commands/').map((u) => path.basename(u))).toEqual(['probe.js']);
    expect(matching(urls, '@aws-sdk')).toEqual([]);
    expect(matching(urls, '/dist/registrar/')).toEqual([]);
  });

  it('resolve --help does not load the AWS SDK', async () => {
    const { code, urls } = await loadedBy(['resolve', '--help']);
    expect(code).toBe(0);
    expect(matching(urls, '@aws-sdk')).toEqual([]);
    expect(matching(urls, '/dist/testkit/')).toEqual([]);
  });

  it('run and agent load their command without the AWS SDK (it loads only for a route53 provider or aws-asg source)', async () => {
    for (const command of ['run', 'agent']) {
      const { code, urls } = await loadedBy([command, '--help']);
      expect(code).toBe(0);
      expect(matching(urls, '/dist/cli/commands/').map((u) => path.basename(u))).toContain(`${command}.js`);
      expect(matching(urls, '@aws-sdk')).toEqual([]);
    }
  });

  it('importing the library does not load the AWS SDK; seedkeeper/aws does; seedkeeper/discovery loads no logging, metrics or YAML', async () => {
    const load = (entry: string) =>
      loadedBy(
        [],
        [
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(fileURLToPath(new URL(entry, import.meta.url)))});`,
        ],
      );
    const library = await load('../../dist/index.js');
    expect(library.code).toBe(0);
    expect(matching(library.urls, '/dist/discovery/').length).toBeGreaterThan(0);
    expect(matching(library.urls, '@aws-sdk')).toEqual([]);
    const discovery = await load('../../dist/discovery/index.js');
    expect(discovery.code).toBe(0);
    // seedkeeper/discovery is the client side alone: of the dependencies only bcryptjs (Aerospike's login hash).
    expect(matching(discovery.urls, '/node_modules/').map((u) => u.split('/node_modules/')[1]!.split('/')[0])).toEqual([
      'bcryptjs',
    ]);
    expect(matching(discovery.urls, '/dist/registrar/')).toEqual([]);
    expect(matching(discovery.urls, '/dist/providers/')).toEqual([]);
    const aws = await load('../../dist/aws/index.js');
    expect(aws.code).toBe(0);
    expect(matching(aws.urls, '@aws-sdk/client-route-53').length).toBeGreaterThan(0);
  });

  it('help <command> shows that command; an unknown command exits 2', async () => {
    expect((await loadedBy(['help', 'sim'])).code).toBe(0);
    expect((await loadedBy(['nope'])).code).toBe(2);
  });
});
