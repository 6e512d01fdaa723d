// What the twin DNS harnesses bind.ts and knot.ts share: each runs one authoritative primary for one test
// zone on 127.0.0.1:<port> with TSIG-only dynamic updates, seeded from the same zone file and updated with
// BIND's nsupdate. Here: the record and result types, owner names, rdata and TTL checks, the zone file
// (with the per-instance readiness nonce `_instance.<zone>`), the TSIG key, nsupdate, and a resolver.
// Server-specific parts (config, start/stop, readiness details, port-clash detection) stay in each harness.
// Checks throw `<harness> harness: …`, naming the server the test asked for.
import { execFile } from 'node:child_process';
import dns from 'node:dns';
import net from 'node:net';

export interface ZoneRecord {
  /** Relative to the zone (`api`), `@`, or a name inside the zone (`api.seed.test`, trailing dot optional). */
  name: string;
  type: 'A' | 'AAAA' | 'TXT';
  value: string;
  ttl?: number;
}

export interface NsupdateResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Which harness is calling; it starts every error message. */
export type HarnessName = 'bind' | 'knot';

/** One running server's zone, as nsupdate needs it. */
export interface UpdateTarget {
  port: number;
  zone: string;
  keySecret: string;
}

/** The methods every DNS harness server has, whatever the server. */
export interface ZoneClient {
  setRecords(name: string, type: 'A' | 'AAAA', values: readonly string[], ttl?: number): Promise<void>;
  nsupdate(commands: readonly string[]): Promise<NsupdateResult>;
  resolver(): dns.promises.Resolver;
}

export const HOST = '127.0.0.1';
export const KEY_NAME = 'seedkeeper-test-key';
export const SAFE_NAME = /^[A-Za-z0-9_@.-]+$/;
export const READY_TIMEOUT_MS = 10_000;
export const START_ATTEMPTS = 3;
const TOOL_TIMEOUT_MS = 10_000;

/** The absolute owner name (with trailing dot) of `name` in `zone`; `zone` is already normalised. */
export function fqdn(harness: HarnessName, name: string, zone: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`${harness} harness: unsupported record name ${JSON.stringify(name)}`);
  const n = name.replace(/\.$/, '').toLowerCase();
  if (n === '@' || n === zone) return `${zone}.`;
  if (n.endsWith(`.${zone}`)) return `${n}.`;
  return `${n}.${zone}.`;
}

/** `value` checked and written as zone-file / nsupdate rdata (TXT quoted, in 255-byte strings). */
export function rdata(harness: HarnessName, type: ZoneRecord['type'], value: string): string {
  if (type === 'A' && !net.isIPv4(value)) throw new Error(`${harness} harness: bad A value ${value}`);
  if (type === 'AAAA' && !net.isIPv6(value)) throw new Error(`${harness} harness: bad AAAA value ${value}`);
  if (type !== 'TXT') return value;
  if (/[\r\n]/.test(value)) throw new Error(`${harness} harness: TXT value with a newline`);
  const chunks: string[] = [];
  for (let i = 0; i === 0 || i < value.length; i += 255) chunks.push(value.slice(i, i + 255));
  return chunks.map((c) => `"${c.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(' ');
}

/** `ttl` checked; default 30 s. */
export function ttlOf(harness: HarnessName, ttl: number | undefined): number {
  const t = ttl ?? 30;
  if (!Number.isInteger(t) || t < 0 || t > 2_147_483_647) throw new Error(`${harness} harness: bad TTL ${t}`);
  return t;
}

/** The zone file: SOA, NS, the nonce TXT `_instance.<zone>` (TTL 0) that readiness looks for, then `records`. */
export function zoneFile(harness: HarnessName, zone: string, nonce: string, records: readonly ZoneRecord[]): string {
  const lines = [
    '$TTL 30',
    `@ IN SOA ns.${zone}. hostmaster.${zone}. ( 1 3600 600 86400 30 )`,
    `@ IN NS ns.${zone}.`,
    `ns.${zone}. IN A ${HOST}`,
    `_instance.${zone}. 0 IN TXT "${nonce}"`,
  ];
  const ttls = new Map<string, number>();
  for (const r of records) {
    // One TTL per RRset: mixed TTLs would be silently unified by the server (named takes the first).
    const key = `${fqdn(harness, r.name, zone)} ${r.type}`;
    const prev = ttls.get(key);
    if (prev !== undefined && prev !== ttlOf(harness, r.ttl))
      throw new Error(`${harness} harness: RRset ${key} has different TTLs`);
    ttls.set(key, ttlOf(harness, r.ttl));
  }
  for (const r of records) {
    lines.push(
      `${fqdn(harness, r.name, zone)} ${ttlOf(harness, r.ttl)} IN ${r.type} ${rdata(harness, r.type, r.value)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** True once the server at `resolver` answers `_instance.<zone>` with this instance's `nonce`. */
export async function servesNonce(resolver: dns.promises.Resolver, zone: string, nonce: string): Promise<boolean> {
  try {
    const txt = await resolver.resolveTxt(`_instance.${zone}`);
    return txt.some((parts) => parts.join('') === nonce);
  } catch {
    return false;
  }
}

/** The TSIG key as a BIND-style `key` statement (named.conf include, or `nsupdate -k` file). */
export function tsigKeyConf(secret: string): string {
  return `key "${KEY_NAME}" { algorithm hmac-sha256; secret "${secret}"; };\n`;
}

/** Runs `cmd args` with `input` on stdin; resolves with its exit code and output (rejects only if it could not run). */
export function runWithInput(cmd: string, args: readonly string[], input: string): Promise<NsupdateResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { timeout: TOOL_TIMEOUT_MS, killSignal: 'SIGKILL', encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`${cmd} failed to run: ${err.message} ${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => undefined); // an early exit (EPIPE) is reported by the exit code
    child.stdin?.end(input);
  });
}

/** nsupdate with the TSIG key against `HOST:port`; `server` and `zone` lines prepended, `send` appended. Never throws on rcode. */
export function runNsupdate(
  harness: HarnessName,
  target: UpdateTarget,
  commands: readonly string[],
): Promise<NsupdateResult> {
  for (const c of commands)
    if (/[\r\n]/.test(c)) throw new Error(`${harness} harness: nsupdate command with a newline`);
  const input = [`server ${HOST} ${target.port}`, `zone ${target.zone}.`, ...commands, 'send', ''].join('\n');
  return runWithInput('nsupdate', ['-y', `hmac-sha256:${KEY_NAME}:${target.keySecret}`], input);
}

/** A fresh Resolver pointed at `HOST:port` (timeout 1 s, 1 try). */
export function newResolver(port: number): dns.promises.Resolver {
  const r = new dns.promises.Resolver({ timeout: 1000, tries: 1 });
  r.setServers([`${HOST}:${port}`]);
  return r;
}

/** `setRecords`, `nsupdate` and `resolver` for the server behind `target`. */
export function zoneClient(harness: HarnessName, target: UpdateTarget): ZoneClient {
  return {
    resolver: () => newResolver(target.port),
    nsupdate: (commands) => runNsupdate(harness, target, commands),
    async setRecords(name, type, values, ttl) {
      const owner = fqdn(harness, name, target.zone);
      const t = ttlOf(harness, ttl);
      const cmds = [
        `update delete ${owner} ${type}`,
        ...values.map((v) => `update add ${owner} ${t} IN ${type} ${rdata(harness, type, v)}`),
      ];
      const res = await runNsupdate(harness, target, cmds);
      if (res.code !== 0) throw new Error(`setRecords ${owner} ${type}: nsupdate rc ${res.code}: ${res.stderr.trim()}`);
    },
  };
}
