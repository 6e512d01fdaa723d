// "Silent" addresses for connect-timeout tests (docs/testing.md, "nftables: silent addresses"): an
// nftables table of our own drops outgoing SYNs to the given 127.x.y.z:port, so a connect() there gets no
// answer at all (like a dead host), whereas a loopback address with no listener is refused at once (RST).
// Needs root + nft. Only our own tables are ever touched: `seedkeeper_test_<pid>_<n>`, family inet.
// Caution: a listener bound to 0.0.0.0:<port> answers on EVERY 127.x address, so pick targets whose
// address and port have no listener (e.g. freePort(host) on that very host).
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface SilentTarget {
  host: string;
  port: number;
}

export interface Silence {
  /** Name of the nftables table (family inet) holding the drop rules. */
  readonly table: string;
  /** Deletes the table; connects to the targets are refused again. Idempotent. */
  release(): Promise<void>;
}

const TABLE_PREFIX = 'seedkeeper_test_';
const NFT_TIMEOUT_MS = 10_000;
const MAX_TARGETS = 1000;
const unreleased = new Set<string>();
let counter = 0;
let exitHookInstalled = false;
let staleCleaned = false;

function nft(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('nft', [...args], { timeout: NFT_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`nft ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.on('error', () => undefined); // nft may exit before reading (EPIPE); its rc tells
    if (input === undefined) child.stdin?.end();
    else child.stdin?.end(input);
  });
}

function assertLoopbackV4(t: SilentTarget): void {
  const octets = t.host.split('.');
  if (!net.isIPv4(t.host) || octets[0] !== '127') {
    throw new Error(`silenceAddresses: only 127.0.0.0/8 may be silenced, got ${JSON.stringify(t.host)}`);
  }
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) {
    throw new Error(`silenceAddresses: bad port ${String(t.port)}`);
  }
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that forgot release() must not leave the rule behind once this process ends.
  process.on('exit', () => {
    for (const table of unreleased) {
      try {
        execFileSync('nft', ['delete', 'table', 'inet', table], { timeout: NFT_TIMEOUT_MS, stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
  });
}

/** Deletes `seedkeeper_test_<pid>_*` tables whose <pid> no longer exists. Returns the names deleted. */
export async function cleanupStaleSilentTables(): Promise<string[]> {
  const listing = await nft(['list', 'tables', 'inet']);
  const deleted: string[] = [];
  for (const line of listing.split('\n').slice(0, 10_000)) {
    const m = /^table inet (seedkeeper_test_(\d+)_[A-Za-z0-9_]+)\s*$/.exec(line.trim());
    if (!m?.[1] || !m[2]) continue;
    if (Number(m[2]) === process.pid || isPidAlive(Number(m[2]))) continue;
    try {
      await nft(['delete', 'table', 'inet', m[1]]);
      deleted.push(m[1]);
    } catch {
      /* deleted concurrently by another cleaner */
    }
  }
  return deleted;
}

/** Makes TCP connects to each target hang (SYN dropped) until release(). */
export async function silenceAddresses(targets: readonly SilentTarget[]): Promise<Silence> {
  if (targets.length === 0) throw new Error('silenceAddresses: no targets');
  if (targets.length > MAX_TARGETS) throw new Error(`silenceAddresses: more than ${MAX_TARGETS} targets`);
  for (const t of targets) assertLoopbackV4(t);
  if (!staleCleaned) {
    staleCleaned = true;
    await cleanupStaleSilentTables();
  }
  const table = `${TABLE_PREFIX}${process.pid}_${++counter}${randomBytes(4).toString('hex')}`;
  const rules = targets.map((t) => `        ip daddr ${t.host} tcp dport ${t.port} tcp flags & (syn|ack) == syn drop`);
  const script = [
    `table inet ${table} {`,
    '    chain out {',
    '        type filter hook output priority 0; policy accept;',
    ...rules,
    '    }',
    '}',
    '',
  ].join('\n');
  installExitHook();
  unreleased.add(table);
  try {
    await nft(['-f', '-'], script);
  } catch (err) {
    unreleased.delete(table);
    throw err;
  }
  let released = false;
  return {
    table,
    async release() {
      if (released) return;
      released = true;
      try {
        await nft(['delete', 'table', 'inet', table]);
      } catch (err) {
        if (await tableExists(table)) {
          released = false;
          throw err;
        }
      }
      unreleased.delete(table);
    },
  };
}

async function tableExists(table: string): Promise<boolean> {
  const listing = await nft(['list', 'tables', 'inet']);
  return listing.split('\n').some((l) => l.trim() === `table inet ${table}`);
}
