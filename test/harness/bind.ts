// Starts a real BIND 9 `named` as an authoritative primary for one test zone on 127.0.0.1:<random>,
// with TSIG-only dynamic updates. Recipe and gotchas: docs/testing.md, "BIND 9".
// - fresh mkdtemp dir per instance (no stale journal can replay old updates);
// - absolute include path, `controls { };` (no rndc on :953), `session-keyfile` inside the dir;
// - `reuseport no;`: with the default (yes) a second named on the same port starts silently and the
//   kernel splits queries between the two; with `no` the loser logs "address in use", which we detect
//   and retry on another port. Readiness also checks a per-instance nonce TXT `_instance.<zone>`;
// - runs under `timeout` and is stopped by PID.
// What it shares with its twin knot.ts (records, zone file, TSIG key, nsupdate, resolver) is in dns-zone.ts.
import { randomBytes } from 'node:crypto';
import type dns from 'node:dns';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  HOST,
  KEY_NAME,
  READY_TIMEOUT_MS,
  SAFE_NAME,
  START_ATTEMPTS,
  newResolver,
  servesNonce,
  tsigKeyConf,
  zoneClient,
  zoneFile,
  type NsupdateResult,
  type ZoneRecord,
} from './dns-zone.js';
import { freePort } from './ports.js';
import { spawnDaemon, stopDaemon, waitFor, type Daemon } from './processes.js';

export type { NsupdateResult } from './dns-zone.js';
/** A record to seed the zone with (the same shape as knot.ts's, so one fixture can seed both servers). */
export type BindRecord = ZoneRecord;

export interface BindOptions {
  zone?: string;
  records?: readonly BindRecord[];
  rrsetOrder?: 'none' | 'random';
  /** Upper bound on the named process's life (the `timeout` wrapper), seconds. Default 600. */
  maxLifetimeSec?: number;
}

export interface BindServer {
  port: number;
  host: '127.0.0.1';
  zone: string;
  keyName: string;
  keySecret: string;
  /** named.conf-style key file (`nsupdate -k keyFile` works too). */
  keyFile: string;
  dir: string;
  /** PID of the named process itself. */
  pid: number;
  /** Milliseconds from spawn to the first correct nonce answer. */
  startMs: number;
  /** Replaces the whole RRset `name`/`type` with `values` (empty = delete it) in one TSIG-signed update. */
  setRecords(name: string, type: 'A' | 'AAAA', values: readonly string[], ttl?: number): Promise<void>;
  /** Runs nsupdate with the TSIG key; `server` and `zone` lines are prepended, `send` appended. Never throws on rcode. */
  nsupdate(commands: readonly string[]): Promise<NsupdateResult>;
  /** A fresh Resolver pointed at this server (timeout 1 s, 1 try). */
  resolver(): dns.promises.Resolver;
  /** named's log so far (tail). */
  log(): string;
  stop(): Promise<void>;
}

function namedConf(dir: string, port: number, zone: string, order: 'none' | 'random'): string {
  return `include "${path.join(dir, 'key.conf')}";
options {
    directory "${dir}";
    pid-file "named.pid";
    session-keyfile "session.key";
    managed-keys-directory ".";
    listen-on port ${port} { ${HOST}; };
    listen-on-v6 { none; };
    reuseport no;
    recursion no;
    dnssec-validation no;
    notify no;
    allow-transfer { none; };
    allow-query { 127.0.0.0/8; };
    rrset-order { order ${order}; };
};
controls { };
zone "${zone}" {
    type primary;
    file "zone.db";
    allow-update { key "${KEY_NAME}"; };
};
`;
}

async function startOnce(options: BindOptions, zone: string): Promise<BindServer | 'port-clash'> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-bind-'));
  let daemon: Daemon | undefined;
  try {
    const keySecret = randomBytes(32).toString('base64');
    const keyFile = path.join(dir, 'key.conf');
    const nonce = randomBytes(12).toString('hex');
    const port = await freePort(HOST);
    await writeFile(keyFile, tsigKeyConf(keySecret));
    await writeFile(path.join(dir, 'named.conf'), namedConf(dir, port, zone, options.rrsetOrder ?? 'none'));
    await writeFile(path.join(dir, 'zone.db'), zoneFile('bind', zone, nonce, options.records ?? []));

    const t0 = performance.now();
    const d = spawnDaemon('named', ['-g', '-c', path.join(dir, 'named.conf')], {
      cwd: dir,
      maxLifetimeSec: options.maxLifetimeSec,
    });
    daemon = d;
    const resolver = newResolver(port);
    const clash = (): boolean => /address in use/i.test(d.log());
    await waitFor(`named on ${HOST}:${port}`, async () => clash() || (await servesNonce(resolver, zone, nonce)), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 10,
      abort: () => (d.exited() ? `named exited during startup:\n${d.log()}` : undefined),
    });
    if (clash()) {
      await stopDaemon(d);
      await rm(dir, { recursive: true, force: true });
      return 'port-clash';
    }
    const startMs = performance.now() - t0;
    const pid = Number((await readFile(path.join(dir, 'named.pid'), 'utf8')).trim());
    let stopped = false;

    const server: BindServer = {
      port,
      host: HOST,
      zone,
      keyName: KEY_NAME,
      keySecret,
      keyFile,
      dir,
      pid,
      startMs,
      log: () => d.log(),
      ...zoneClient('bind', { port, zone, keySecret }),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await stopDaemon(d, { extraPids: Number.isInteger(pid) && pid > 0 ? [pid] : [] });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
    return server;
  } catch (err) {
    if (daemon) await stopDaemon(daemon).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Starts named for `zone` (default `seed.test`) with the given records; resolves once it answers. */
export async function startBind(options: BindOptions = {}): Promise<BindServer> {
  const zone = (options.zone ?? 'seed.test').replace(/\.$/, '').toLowerCase();
  if (!SAFE_NAME.test(zone) || zone.startsWith('.')) throw new Error(`bind harness: bad zone ${zone}`);
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const result = await startOnce(options, zone);
    if (result !== 'port-clash') return result;
  }
  throw new Error(`startBind: port clashed ${START_ATTEMPTS} times in a row`);
}
