/**
 * A BIND 9 primary for the chaos run that can be stopped and started again on the same port with the same
 * zone (its journal replays the registrar's updates), unlike test/harness/bind.ts, whose every start is a
 * fresh directory. Shares the zone file, TSIG key, readiness nonce and process handling with that harness.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HOST, KEY_NAME, newResolver, servesNonce, tsigKeyConf, zoneFile } from '../../test/harness/dns-zone.js';
import { freePort } from '../../test/harness/ports.js';
import { replicaKeyName } from './fencing.js';
import { spawnDaemon, stopDaemon, waitFor, type Daemon } from '../../test/harness/processes.js';

export interface ChaosBind {
  readonly port: number;
  readonly zone: string;
  /** The shared key (one registrar). */
  readonly keyFile: string;
  /** One key file per replica id, key `chaos-<id>` (replicaKeyName): BIND's log names the signer of each update. */
  readonly replicaKeyFiles: ReadonlyMap<string, string>;
  /** BIND's log of applied updates (categories update and update-security), across restarts. */
  updateLog(): Promise<string>;
  /** Start named (again); resolves once it serves the zone. */
  start(): Promise<void>;
  /** SIGTERM named (SIGKILL after a grace period); the directory and journal stay. */
  stop(): Promise<void>;
  readonly running: boolean;
  /** Stop and remove the directory. */
  close(): Promise<void>;
}

const conf = (
  dir: string,
  port: number,
  zone: string,
  keyFiles: readonly string[],
  keyNames: readonly string[],
): string =>
  [
    ...keyFiles.map((f) => `include "${f}";`),
    `options { directory "${dir}"; pid-file "named.pid"; session-keyfile "session.key"; managed-keys-directory ".";`,
    `  listen-on port ${port} { ${HOST}; }; listen-on-v6 { none; }; reuseport no; recursion no; dnssec-validation no;`,
    `  notify no; allow-transfer { none; }; allow-query { 127.0.0.0/8; }; };`,
    'controls { };',
    // Run with -f (not -g, which sends every category to stderr): applied updates go to a file that survives restarts.
    'logging { channel updates { file "updates.log"; print-time iso8601-utc; severity info; };',
    '  category update { updates; }; category update-security { updates; }; category default { default_stderr; }; };',
    `zone "${zone}" { type primary; file "zone.db"; allow-update { ${keyNames.map((k) => `key "${k}"; `).join('')}}; };`,
    '',
  ].join('\n');

export async function createChaosBind(
  zone: string,
  maxLifetimeSec: number,
  replicaIds: readonly string[] = [],
): Promise<ChaosBind> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-chaos-bind-'));
  const port = await freePort(HOST);
  const nonce = randomBytes(12).toString('hex');
  const keyFile = path.join(dir, 'key.conf');
  await writeFile(keyFile, tsigKeyConf(randomBytes(32).toString('base64')));
  const replicaKeyFiles = new Map<string, string>();
  for (const id of replicaIds) {
    const file = path.join(dir, `key-${id}.conf`);
    await writeFile(
      file,
      `key "${replicaKeyName(id)}" { algorithm hmac-sha256; secret "${randomBytes(32).toString('base64')}"; };\n`,
    );
    replicaKeyFiles.set(id, file);
  }
  const keyNames = [KEY_NAME, ...replicaIds.map(replicaKeyName)];
  await writeFile(
    path.join(dir, 'named.conf'),
    conf(dir, port, zone, [keyFile, ...replicaKeyFiles.values()], keyNames),
  );
  await writeFile(path.join(dir, 'zone.db'), zoneFile('bind', zone, nonce, []));
  const resolver = newResolver(port);
  let daemon: Daemon | undefined;
  const bind: ChaosBind = {
    port,
    zone,
    keyFile,
    replicaKeyFiles,
    updateLog: () => readFile(path.join(dir, 'updates.log'), 'utf8').catch(() => ''),
    get running() {
      return daemon !== undefined;
    },
    async start() {
      if (daemon) return;
      const d = spawnDaemon('named', ['-f', '-c', path.join(dir, 'named.conf')], { cwd: dir, maxLifetimeSec });
      daemon = d;
      await waitFor(`named on ${HOST}:${port}`, () => servesNonce(resolver, zone, nonce), {
        timeoutMs: 15_000,
        intervalMs: 20,
        abort: () =>
          d.exited()
            ? `named exited:\n${d.log().slice(-2000)}`
            : /address in use/i.test(d.log())
              ? 'port in use'
              : undefined,
      });
    },
    async stop() {
      const d = daemon;
      daemon = undefined;
      if (d) await stopDaemon(d);
    },
    async close() {
      await bind.stop();
      resolver.cancel();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return bind;
}
