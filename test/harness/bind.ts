// Starts a real BIND 9 `named` as an authoritative primary for one test zone on 127.0.0.1:<random>,
// with TSIG-only dynamic updates. Recipe and gotchas: shared/test-env.md §1–2.
// - fresh mkdtemp dir per instance (no stale journal can replay old updates);
// - absolute include path, `controls { };` (no rndc on :953), `session-keyfile` inside the dir;
// - `reuseport no;`: with the default (yes) a second named on the same port starts silently and the
//   kernel splits queries between the two; with `no` the loser logs "address in use", which we detect
//   and retry on another port. Readiness also checks a per-instance nonce TXT `_instance.<zone>`;
// - runs under `timeout` and is stopped by PID.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { spawnDaemon, stopDaemon, waitFor, type Daemon } from './processes.js';

export interface BindRecord {
  /** Relative to the zone (`api`), `@`, or a name inside the zone (`api.seed.test`, trailing dot optional). */
  name: string;
  type: 'A' | 'AAAA' | 'TXT';
  value: string;
  ttl?: number;
}

export interface BindOptions {
  zone?: string;
  records?: readonly BindRecord[];
  rrsetOrder?: 'none' | 'random';
  /** Upper bound on the named process's life (the `timeout` wrapper), seconds. Default 600. */
  maxLifetimeSec?: number;
}

export interface NsupdateResult {
  code: number;
  stdout: string;
  stderr: string;
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

const HOST = '127.0.0.1';
const KEY_NAME = 'seedkeeper-test-key';
const READY_TIMEOUT_MS = 10_000;
const NSUPDATE_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;
const SAFE_NAME = /^[A-Za-z0-9_@.-]+$/;

function fqdn(name: string, zone: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`bind harness: unsupported record name ${JSON.stringify(name)}`);
  const n = name.replace(/\.$/, '').toLowerCase();
  if (n === '@' || n === zone) return `${zone}.`;
  if (n.endsWith(`.${zone}`)) return `${n}.`;
  return `${n}.${zone}.`;
}

function rdata(type: BindRecord['type'], value: string): string {
  if (type === 'A' && !net.isIPv4(value)) throw new Error(`bind harness: bad A value ${value}`);
  if (type === 'AAAA' && !net.isIPv6(value)) throw new Error(`bind harness: bad AAAA value ${value}`);
  if (type !== 'TXT') return value;
  if (/[\r\n]/.test(value)) throw new Error('bind harness: TXT value with a newline');
  const chunks: string[] = [];
  for (let i = 0; i === 0 || i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
  return chunks.map((c) => `"${c.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(' ');
}

function ttlOf(ttl: number | undefined): number {
  const t = ttl ?? 30;
  if (!Number.isInteger(t) || t < 0 || t > 2_147_483_647) throw new Error(`bind harness: bad TTL ${t}`);
  return t;
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

function zoneFile(zone: string, nonce: string, records: readonly BindRecord[]): string {
  const lines = [
    '$TTL 30',
    `@ IN SOA ns.${zone}. hostmaster.${zone}. ( 1 3600 600 86400 30 )`,
    `@ IN NS ns.${zone}.`,
    `ns.${zone}. IN A ${HOST}`,
    `_instance.${zone}. 0 IN TXT "${nonce}"`,
  ];
  const ttls = new Map<string, number>();
  for (const r of records) {
    // One TTL per RRset: named would silently use the first one for all records.
    const key = `${fqdn(r.name, zone)} ${r.type}`;
    const prev = ttls.get(key);
    if (prev !== undefined && prev !== ttlOf(r.ttl)) throw new Error(`bind harness: RRset ${key} has different TTLs`);
    ttls.set(key, ttlOf(r.ttl));
  }
  for (const r of records) lines.push(`${fqdn(r.name, zone)} ${ttlOf(r.ttl)} IN ${r.type} ${rdata(r.type, r.value)}`);
  return `${lines.join('\n')}\n`;
}

function runNsupdate(secret: string, port: number, zone: string, commands: readonly string[]): Promise<NsupdateResult> {
  for (const c of commands) if (/[\r\n]/.test(c)) throw new Error('bind harness: nsupdate command with a newline');
  const input = [`server ${HOST} ${port}`, `zone ${zone}.`, ...commands, 'send', ''].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile(
      'nsupdate',
      ['-y', `hmac-sha256:${KEY_NAME}:${secret}`],
      { timeout: NSUPDATE_TIMEOUT_MS, killSignal: 'SIGKILL', encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`nsupdate failed to run: ${err.message} ${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => undefined); // an early nsupdate exit (EPIPE) is reported by its rc
    child.stdin?.end(input);
  });
}

function newResolver(port: number): dns.promises.Resolver {
  const r = new dns.promises.Resolver({ timeout: 1000, tries: 1 });
  r.setServers([`${HOST}:${port}`]);
  return r;
}

async function startOnce(options: BindOptions, zone: string): Promise<BindServer | 'port-clash'> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-bind-'));
  let daemon: Daemon | undefined;
  try {
    const keySecret = randomBytes(32).toString('base64');
    const keyFile = path.join(dir, 'key.conf');
    const nonce = randomBytes(12).toString('hex');
    const port = await freePort(HOST);
    await writeFile(keyFile, `key "${KEY_NAME}" { algorithm hmac-sha256; secret "${keySecret}"; };\n`);
    await writeFile(path.join(dir, 'named.conf'), namedConf(dir, port, zone, options.rrsetOrder ?? 'none'));
    await writeFile(path.join(dir, 'zone.db'), zoneFile(zone, nonce, options.records ?? []));

    const t0 = performance.now();
    const d = spawnDaemon('named', ['-g', '-c', path.join(dir, 'named.conf')], {
      cwd: dir,
      maxLifetimeSec: options.maxLifetimeSec,
    });
    daemon = d;
    const resolver = newResolver(port);
    const clash = (): boolean => /address in use/i.test(d.log());
    await waitFor(
      `named on ${HOST}:${port}`,
      async () => {
        if (clash()) return true;
        try {
          const txt = await resolver.resolveTxt(`_instance.${zone}`);
          return txt.some((parts) => parts.join('') === nonce);
        } catch {
          return false;
        }
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 10,
        abort: () => (d.exited() ? `named exited during startup:\n${d.log()}` : undefined),
      },
    );
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
      resolver: () => newResolver(port),
      nsupdate: (commands) => runNsupdate(keySecret, port, zone, commands),
      async setRecords(name, type, values, ttl) {
        const owner = fqdn(name, zone);
        const t = ttlOf(ttl);
        const cmds = [`update delete ${owner} ${type}`, ...values.map((v) => `update add ${owner} ${t} IN ${type} ${rdata(type, v)}`)];
        const res = await runNsupdate(keySecret, port, zone, cmds);
        if (res.code !== 0) throw new Error(`setRecords ${owner} ${type}: nsupdate rc ${res.code}: ${res.stderr.trim()}`);
      },
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
