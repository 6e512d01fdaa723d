// Starts a real Knot DNS 3.2 `knotd` as an authoritative primary for one test zone on 127.0.0.1:<random>,
// with TSIG-only dynamic updates: the Knot twin of bind.ts (same API, so a scenario can run against
// either server). Recipe and gotchas: docs/testing.md, "Knot DNS".
// - fresh mkdtemp dir per instance holding config, zone file, rundir (knot.pid, knot.sock) and the
//   database; `database.storage` must exist before start, or every update is answered SERVFAIL
//   (log "DDNS, processing failed (not exists)");
// - `zonefile-sync: -1` + `journal-content: changes`: updates live in the journal in db/, the zone file
//   is never rewritten; the fresh dir means no journal from an earlier run can replay;
// - Knot binds UDP with SO_REUSEPORT but TCP without (`tcp-reuseport: off`), so a second knotd on a
//   taken port logs "address already in use" and exits; we detect that and retry on another port.
//   Readiness also checks a per-instance nonce TXT `_instance.<zone>`;
// - `knotc conf-check` before start; runs under `timeout` and is stopped by PID.
// Differences from BIND worth knowing in tests: an update without TSIG is answered NOTAUTH (BIND:
// REFUSED), and answers always come in stored order (no rrset-order option, no rotation).
// What it shares with bind.ts (records, zone file, TSIG key, nsupdate, resolver) is in dns-zone.ts.
import { randomBytes } from 'node:crypto';
import type dns from 'node:dns';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  HOST,
  KEY_NAME,
  READY_TIMEOUT_MS,
  SAFE_NAME,
  START_ATTEMPTS,
  newResolver,
  runWithInput,
  servesNonce,
  tsigKeyConf,
  zoneClient,
  zoneFile,
  type NsupdateResult,
  type ZoneRecord,
} from './dns-zone.js';
import { freePort } from './ports.js';
import { childPids, spawnDaemon, stopDaemon, waitFor, type Daemon } from './processes.js';

export type { NsupdateResult } from './dns-zone.js';
/** Same shape as bind.ts's records, so one fixture can seed both servers. */
export type KnotRecord = ZoneRecord;

export interface KnotOptions {
  zone?: string;
  records?: readonly KnotRecord[];
  /** Upper bound on the knotd process's life (the `timeout` wrapper), seconds. Default 600. */
  maxLifetimeSec?: number;
}

export interface KnotServer {
  port: number;
  host: '127.0.0.1';
  zone: string;
  keyName: string;
  keySecret: string;
  /** BIND-style key file (`key "name" { algorithm hmac-sha256; secret "…"; };`): `nsupdate -k keyFile` works. */
  keyFile: string;
  dir: string;
  /** PID of the knotd process itself. */
  pid: number;
  /** Milliseconds from spawn to the first correct nonce answer. */
  startMs: number;
  /** Replaces the whole RRset `name`/`type` with `values` (empty = delete it) in one TSIG-signed update. */
  setRecords(name: string, type: 'A' | 'AAAA', values: readonly string[], ttl?: number): Promise<void>;
  /** Runs BIND's nsupdate with the TSIG key; `server` and `zone` lines are prepended, `send` appended. Never throws on rcode. */
  nsupdate(commands: readonly string[]): Promise<NsupdateResult>;
  /** A fresh Resolver pointed at this server (timeout 1 s, 1 try). */
  resolver(): dns.promises.Resolver;
  /** knotd's log so far (tail). */
  log(): string;
  stop(): Promise<void>;
}

const PORT_CLASH = /address already in use/i;
// knotd keeps running when the zone file does not load; fail fast instead of waiting for the nonce.
const ZONE_LOAD_FAILED = /zone event 'load' failed/;

function knotConf(dir: string, port: number, zone: string, secret: string): string {
  // YAML; every interpolated value is a fixed-charset string (mkdtemp path, validated zone, base64).
  return `server:
    rundir: "${dir}"
    listen: ${HOST}@${port}
    tcp-reuseport: off
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "${path.join(dir, 'db')}"
key:
  - id: ${KEY_NAME}
    algorithm: hmac-sha256
    secret: ${secret}
acl:
  - id: tsig_update
    key: ${KEY_NAME}
    action: update
zone:
  - domain: ${zone}
    storage: "${dir}"
    file: "zone.db"
    acl: tsig_update
    zonefile-sync: -1
    journal-content: changes
`;
}

async function confCheck(conf: string): Promise<void> {
  const res = await runWithInput('knotc', ['-c', conf, 'conf-check'], '');
  if (res.code !== 0)
    throw new Error(`knot harness: knotc conf-check failed (rc ${res.code}):\n${res.stdout}${res.stderr}`);
}

/** knotd's PID: from knot.pid in the rundir, else the wrapper's only child. */
async function daemonPid(dir: string, d: Daemon): Promise<number> {
  try {
    const pid = Number((await readFile(path.join(dir, 'knot.pid'), 'utf8')).trim());
    if (Number.isInteger(pid) && pid > 0) return pid;
  } catch {
    /* fall back below */
  }
  const kids = childPids(d.wrapperPid);
  if (kids.length === 1 && kids[0] !== undefined) return kids[0];
  throw new Error(`knot harness: cannot determine knotd's PID (no knot.pid, wrapper children ${kids.join(',')})`);
}

async function startOnce(options: KnotOptions, zone: string): Promise<KnotServer | 'port-clash'> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-knot-'));
  let daemon: Daemon | undefined;
  try {
    const keySecret = randomBytes(32).toString('base64');
    const keyFile = path.join(dir, 'key.conf');
    const conf = path.join(dir, 'knot.conf');
    const nonce = randomBytes(12).toString('hex');
    const port = await freePort(HOST);
    await mkdir(path.join(dir, 'db'));
    await writeFile(keyFile, tsigKeyConf(keySecret));
    await writeFile(conf, knotConf(dir, port, zone, keySecret));
    await writeFile(path.join(dir, 'zone.db'), zoneFile('knot', zone, nonce, options.records ?? []));
    await confCheck(conf);

    const t0 = performance.now();
    const d = spawnDaemon('knotd', ['-c', conf], { cwd: dir, maxLifetimeSec: options.maxLifetimeSec });
    daemon = d;
    const resolver = newResolver(port);
    const clash = (): boolean => PORT_CLASH.test(d.log());
    await waitFor(`knotd on ${HOST}:${port}`, async () => clash() || (await servesNonce(resolver, zone, nonce)), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 10,
      abort: () => {
        if (ZONE_LOAD_FAILED.test(d.log())) return `zone ${zone} failed to load:\n${d.log()}`;
        return d.exited() && !clash() ? `knotd exited during startup:\n${d.log()}` : undefined;
      },
    });
    if (clash()) {
      // knotd exits on its own after a failed bind; stopDaemon also covers the case where it did not.
      await stopDaemon(d);
      await rm(dir, { recursive: true, force: true });
      return 'port-clash';
    }
    const startMs = performance.now() - t0;
    const pid = await daemonPid(dir, d);
    let stopped = false;

    const server: KnotServer = {
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
      ...zoneClient('knot', { port, zone, keySecret }),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await stopDaemon(d, { extraPids: [pid] });
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

/** Starts knotd for `zone` (default `seed.test`) with the given records; resolves once it answers. */
export async function startKnot(options: KnotOptions = {}): Promise<KnotServer> {
  const zone = (options.zone ?? 'seed.test').replace(/\.$/, '').toLowerCase();
  if (!SAFE_NAME.test(zone) || zone.startsWith('.') || zone.includes('@'))
    throw new Error(`knot harness: bad zone ${zone}`);
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const result = await startOnce(options, zone);
    if (result !== 'port-clash') return result;
  }
  throw new Error(`startKnot: port clashed ${START_ATTEMPTS} times in a row`);
}
