// The real `seedkeeper agent` command (bin/seedkeeper.js over the built dist/): SIGTERM during `watch`
// deregisters before a clean exit; register/deregister exit codes; config and usage errors exit 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBind, type BindServer } from '../harness/bind.js';
import { freePort } from '../harness/ports.js';
import { describeIfTool } from '../harness/require-tool.js';
import { cliBuilt, runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { resolveAll } from '../providers/rfc2136/helpers.js';

const BIN = fileURLToPath(new URL('../../bin/seedkeeper.js', import.meta.url));
const OTHER = '198.51.100.1';
// Every CLI run is a cold Node start: well under a second on an idle machine, up to ~20 s with both cores
// busy. Bounds are set for the latter; each test is about exit codes, messages and records, not speed.
const CLI_MS = 60_000;
const SLOW = { timeout: 180_000 };
const ME = '192.0.2.10';

let dir: string;
let child: ChildProcess | undefined;
let listener: net.Server | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-agent-cli-'));
});

afterEach(async () => {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
  listener = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function openPort(): Promise<number> {
  listener = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listener!.listen(0, '127.0.0.1', resolve));
  return (listener.address() as net.AddressInfo).port;
}

async function writeConfig(document: Record<string, unknown>, name = 'agent.json'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(document));
  return file;
}

function bindConfig(bind: BindServer, port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    node: { id: 'node-1', address: ME, port, probeHost: '127.0.0.1' },
    imds: { enabled: false },
    record: { name: `db.${bind.zone}`, ttl: 30 },
    ownerId: 'cli',
    target: { type: 'rfc2136', server: `127.0.0.1:${bind.port}`, key: { file: bind.keyFile } },
    wait: { timeoutMs: 10_000, intervalMs: 100 },
    watch: { intervalMs: 200, shutdownTimeoutMs: 5000 },
    log: { level: 'info' },
    ...extra,
  };
}

function exitOf(
  proc: ChildProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the agent did not exit within ${timeoutMs} ms`)), timeoutMs);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describeIfTool(['named', 'nsupdate'])('seedkeeper agent against BIND 9', () => {
  let bind: BindServer;
  beforeEach(async () => {
    bind = await startBind({
      zone: 'seed.test',
      records: [
        { name: 'db', type: 'A', value: OTHER },
        { name: '_seedkeeper.db', type: 'TXT', value: 'seedkeeper/v1 owner=cli' },
      ],
    });
  });
  afterEach(async () => {
    await bind.stop();
  });

  it('watch registers, and SIGTERM deregisters before exiting 0', SLOW, async () => {
    const config = await writeConfig(bindConfig(bind, await openPort()));
    await cliBuilt();
    const proc = spawn(process.execPath, [BIN, 'agent', 'watch', '--config', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = exitOf(proc, 2 * CLI_MS);
    await waitFor(async () => (await resolveAll(bind, `db.${bind.zone}`, 'A')).includes(ME), {
      timeoutMs: CLI_MS,
      intervalMs: 100,
      what: `the agent to register (output: ${output})`,
    });
    expect(await resolveAll(bind, `db.${bind.zone}`, 'A')).toEqual([ME, OTHER].sort());

    expect(proc.kill('SIGTERM')).toBe(true);
    const { code, signal } = await exited;
    expect({ code, signal, output }).toMatchObject({ code: 0, signal: null });
    expect(await resolveAll(bind, `db.${bind.zone}`, 'A')).toEqual([OTHER]);
    expect(output).toMatch(/"reason":"shutdown".*agent: deregistered/);
  });

  it('register and deregister as one-shot commands; flags override the config', SLOW, async () => {
    const config = await writeConfig(bindConfig(bind, 1));
    const port = await openPort();
    const registered = await runCli(
      ['agent', 'register', '--config', config, '--port', String(port), '--address', '192.0.2.77'],
      { timeoutMs: CLI_MS },
    );
    expect(registered.code).toBe(0);
    expect(await resolveAll(bind, `db.${bind.zone}`, 'A')).toEqual(['192.0.2.77', OTHER].sort());
    const deregistered = await runCli(['agent', 'deregister', '--config', config, '--address', '192.0.2.77'], {
      timeoutMs: CLI_MS,
    });
    expect(deregistered.code).toBe(0);
    expect(await resolveAll(bind, `db.${bind.zone}`, 'A')).toEqual([OTHER]);
  });

  it('exits 1 with the clear error when the port never opens, and registers nothing', SLOW, async () => {
    const config = await writeConfig(bindConfig(bind, await freePort(), { wait: { timeoutMs: 300, intervalMs: 50 } }));
    const result = await runCli(['agent', 'register', '--config', config], { timeoutMs: CLI_MS });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/did not accept connections within 0\.3 s/);
    expect(await resolveAll(bind, `db.${bind.zone}`, 'A')).toEqual([OTHER]);
  });
});

describe('seedkeeper agent: usage and configuration errors exit 2', () => {
  const base = {
    record: { name: 'db.seed.test' },
    target: { type: 'rfc2136', server: '127.0.0.1:53', allowUnsigned: true },
  };

  it('names the config path and what was expected', SLOW, async () => {
    const config = await writeConfig({ ...base, watch: { unavailableAfterMs: 'soon' } });
    const result = await runCli(['agent', 'watch', '--config', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/agent\.json: watch\.unavailableAfterMs: expected number/);
  });

  // Four independent CLI runs, started together rather than one after another.
  it('asks for --id when instance metadata is off, and rejects a bad --port or --address', SLOW, async () => {
    const config = await writeConfig({ ...base, imds: { enabled: false } }, 'no-imds.json');
    const plain = await writeConfig(base, 'base.json');
    const [noId, withoutImds, badPort, badAddress] = await Promise.all([
      runCli(['agent', 'deregister', '--config', config, '--address', '192.0.2.1']),
      runCli(['agent', 'deregister', '--config', plain, '--no-imds', '--id', 'n1']),
      runCli(['agent', 'register', '--config', config, '--port', '99999']),
      runCli(['agent', 'register', '--config', config, '--address', 'somewhere']),
    ]);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toMatch(/node\.id: .*give --id/);
    expect(withoutImds.code).toBe(2);
    expect(withoutImds.stderr).toMatch(/node\.address: .*give --address/);
    expect(badPort.code).toBe(2);
    expect(badAddress.code).toBe(2);
    expect(badAddress.stderr).toMatch(/--address: expected private, public, ipv6 or an IP address/);
  });
});
