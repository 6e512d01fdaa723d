// Starts a real HAProxy as a TCP round-robin load balancer in front of the given backends
// (docs/testing.md, "HAProxy"). Foreground (`-db`), under `timeout`, stopped by PID.
// Readiness = one TCP connect succeeds; note that this probe consumes one round-robin slot, so tests
// must assert the distribution of connections over backends, never which backend comes first.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { childPids, spawnDaemon, stopDaemon, waitForPort, type Daemon } from './processes.js';

export interface HaproxyOptions {
  backends: readonly { host: string; port: number }[];
  /** Address the frontend binds; default 127.0.0.1. */
  bindHost?: string;
  /** Health checks (`check inter 1s fall 2 rise 2`): a dead backend is taken out after ~2 s. Default false. */
  check?: boolean;
  /**
   * `option redispatch` + `retries 1` (default true): a connection whose backend refuses is re-sent
   * to another server in ~1 ms. Without it HAProxy retries the dead server 3 times, ~1 s apart, and
   * then closes the client connection with no data (~3 s stall for 1 in N connections) — set false
   * only for a test that wants to observe exactly that.
   */
  redispatch?: boolean;
  maxLifetimeSec?: number;
}

export interface HaproxyServer {
  port: number;
  host: string;
  /** PID of the haproxy process itself. */
  pid: number;
  /** Milliseconds from spawn to the first accepted connection. */
  startMs: number;
  /** HAProxy's log so far (one `option tcplog` line per connection). */
  log(): string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;

function addr(host: string, port: number): string {
  if (!net.isIP(host)) throw new Error(`haproxy harness: ${host} is not an IP address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`haproxy harness: bad port ${port}`);
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function config(bind: string, options: HaproxyOptions): string {
  const redispatch = options.redispatch ?? true;
  const checkArgs = options.check ? ' check inter 1s fall 2 rise 2' : '';
  return [
    'global',
    '    maxconn 1000',
    '    noreuseport', // a second instance on the same port fails instead of silently sharing it
    '    log stdout format raw local0 info',
    'defaults',
    '    mode tcp',
    '    log global',
    '    option tcplog',
    '    timeout connect 1s',
    '    timeout client 10s',
    '    timeout server 10s',
    ...(redispatch ? ['    option redispatch', '    retries 1'] : []),
    'frontend fe',
    `    bind ${bind}`,
    '    default_backend be',
    'backend be',
    '    balance roundrobin',
    ...options.backends.map((b, i) => `    server s${i + 1} ${addr(b.host, b.port)}${checkArgs}`),
    '',
  ].join('\n');
}

async function startOnce(options: HaproxyOptions, host: string): Promise<HaproxyServer | 'port-clash'> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-haproxy-'));
  let daemon: Daemon | undefined;
  try {
    const port = await freePort(host);
    const cfg = path.join(dir, 'haproxy.cfg');
    await writeFile(cfg, config(addr(host, port), options));
    const t0 = performance.now();
    const d = spawnDaemon('haproxy', ['-db', '-f', cfg], { cwd: dir, maxLifetimeSec: options.maxLifetimeSec });
    daemon = d;
    const clash = (): boolean => /cannot bind socket|address already in use/i.test(d.log());
    try {
      await waitForPort(host, port, {
        timeoutMs: READY_TIMEOUT_MS,
        abort: () => (d.exited() ? `haproxy exited during startup:\n${d.log()}` : undefined),
      });
    } catch (err) {
      if (clash()) {
        await stopDaemon(d);
        await rm(dir, { recursive: true, force: true });
        return 'port-clash';
      }
      throw err;
    }
    const startMs = performance.now() - t0;
    const pid = childPids(d.wrapperPid)[0] ?? d.wrapperPid;
    let stopped = false;
    return {
      port,
      host,
      pid,
      startMs,
      log: () => d.log(),
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await stopDaemon(d, { extraPids: pid !== d.wrapperPid ? [pid] : [] });
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    if (daemon) await stopDaemon(daemon).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Starts HAProxy on `bindHost` (default 127.0.0.1) at a free port; resolves once it accepts. */
export async function startHaproxy(options: HaproxyOptions): Promise<HaproxyServer> {
  if (options.backends.length === 0) throw new Error('startHaproxy: at least one backend is needed');
  const host = options.bindHost ?? '127.0.0.1';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const result = await startOnce(options, host);
    if (result !== 'port-clash') return result;
  }
  throw new Error(`startHaproxy: port clashed ${START_ATTEMPTS} times in a row`);
}
