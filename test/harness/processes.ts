// Shared process helpers for the real-server harnesses: every daemon runs under coreutils `timeout`
// (so a crashed test runner can't leave it behind for long), is stopped by PID, and every wait loop is
// bounded in both iterations and wall-clock time.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Upper bound on any harness daemon's life, in seconds (the `timeout` wrapper enforces it). */
export const DEFAULT_MAX_LIFETIME_SEC = 600;
const LOG_TAIL_CHARS = 64 * 1024;

export interface Daemon {
  /** The child we spawned: the `timeout` wrapper. */
  readonly child: ChildProcess;
  /** PID of the `timeout` wrapper. */
  readonly wrapperPid: number;
  /** Last LOG_TAIL_CHARS of the daemon's stdout+stderr. */
  log(): string;
  /** True once the wrapper has exited. */
  exited(): boolean;
  /** Resolves when the wrapper exits (never rejects). */
  readonly exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<Daemon>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort if a test forgot stop(): SIGTERM the wrappers (timeout forwards it to the daemon).
  process.on('exit', () => {
    for (const d of live) {
      try {
        process.kill(d.wrapperPid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  });
}

/** Spawns `timeout -s TERM -k 5 <maxLifetimeSec> <cmd> <args…>` with output captured to a tail buffer. */
export function spawnDaemon(
  cmd: string,
  args: readonly string[],
  options: { cwd?: string; maxLifetimeSec?: number } = {},
): Daemon {
  const life = String(options.maxLifetimeSec ?? DEFAULT_MAX_LIFETIME_SEC);
  const child = spawn('timeout', ['-s', 'TERM', '-k', '5', life, cmd, ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const append = (chunk: Buffer): void => {
    tail += chunk.toString('utf8');
    if (tail.length > LOG_TAIL_CHARS) tail = tail.slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let hasExited = false;
  const exitPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      append(Buffer.from(`\n[spawn error] ${err.message}\n`));
      hasExited = true;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) {
    // spawn failed synchronously (e.g. ENOENT for `timeout`); the 'error' event carries the reason.
    throw new Error(`could not spawn timeout ${cmd}`);
  }
  const daemon: Daemon = {
    child,
    wrapperPid: child.pid,
    log: () => tail,
    exited: () => hasExited,
    exitPromise,
  };
  live.add(daemon);
  void exitPromise.then(() => live.delete(daemon));
  installExitHook();
  return daemon;
}

/** True if `pid` exists and is not a zombie. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false; // vanished between the two checks
  }
}

/** Direct children of `pid`, found by scanning /proc (bounded by the number of processes). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries.slice(0, 100_000)) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      /* process exited while scanning */
    }
  }
  return out;
}

/** Polls `check` every `intervalMs` until it returns true, at most `timeoutMs` (and a bounded count). */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<number> {
  const start = performance.now();
  const interval = options.intervalMs ?? 10;
  const maxTries = Math.ceil(options.timeoutMs / Math.max(1, interval)) + 1;
  for (let i = 0; i < maxTries; i++) {
    const reason = options.abort?.();
    if (reason !== undefined) throw new Error(`${what}: ${reason}`);
    if (await check()) return performance.now() - start;
    if (performance.now() - start >= options.timeoutMs) break;
    await sleep(interval);
  }
  throw new Error(`${what}: not ready after ${Math.round(performance.now() - start)} ms`);
}

/** One TCP connect attempt; true if it connected within `timeoutMs`. The socket is closed at once. */
export function tryConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until a TCP connect to host:port succeeds (bounded); returns the elapsed ms. */
export function waitForPort(
  host: string,
  port: number,
  options: { timeoutMs?: number; abort?: () => string | undefined } = {},
): Promise<number> {
  const waitOptions: Parameters<typeof waitFor>[2] = { timeoutMs: options.timeoutMs ?? 10_000, intervalMs: 10 };
  if (options.abort) waitOptions.abort = options.abort;
  return waitFor(`TCP ${host}:${port}`, () => tryConnect(host, port, 500), waitOptions);
}

/**
 * Stops a daemon by PID: SIGTERM to the `timeout` wrapper (which forwards it to the daemon), then
 * SIGKILL to the daemon and the wrapper if either is still alive after `graceMs`. Returns elapsed ms.
 * `extraPids` are daemon PIDs known otherwise (e.g. from a pid file).
 */
export async function stopDaemon(
  d: Daemon,
  options: { graceMs?: number; extraPids?: readonly number[] } = {},
): Promise<number> {
  const start = performance.now();
  const graceMs = options.graceMs ?? 5_000;
  const pids = new Set<number>(options.extraPids ?? []);
  if (!d.exited()) for (const p of childPids(d.wrapperPid)) pids.add(p);
  const anyAlive = (): boolean => !d.exited() || [...pids].some(isPidAlive);
  // The wrapper forwards SIGTERM to the daemon; signal daemon PIDs directly only if it is gone.
  const targets = d.exited() ? [...pids] : [d.wrapperPid];
  for (const p of targets) {
    try {
      if (isPidAlive(p)) process.kill(p, 'SIGTERM');
    } catch {
      /* exited meanwhile */
    }
  }
  try {
    await waitFor('daemon exit', () => !anyAlive(), { timeoutMs: graceMs, intervalMs: 5 });
  } catch {
    for (const p of [...pids, d.wrapperPid]) {
      try {
        if (isPidAlive(p)) process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await waitFor('daemon exit after SIGKILL', () => !anyAlive(), { timeoutMs: 2_000, intervalMs: 10 });
  }
  await Promise.race([d.exitPromise, sleep(1_000)]);
  live.delete(d);
  return performance.now() - start;
}
