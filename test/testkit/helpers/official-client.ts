// Parent side of official-client-driver.ts: spawns the driver (node --import tsx), waits for its connect
// result, and sends it requests with bounded waits. close() always ends the child (SIGKILL by PID as a
// last resort), so no test leaves a process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const DRIVER = path.join(import.meta.dirname, 'official-client-driver.ts');
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

const TIMED_OUT = Symbol('timed out');

/** The promise's value, or TIMED_OUT; the timer is always cleared, so nothing is left pending. */
async function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  const abort = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, TIMED_OUT, { signal: abort.signal })]);
  } finally {
    abort.abort();
  }
}

export interface OfficialClientConfig {
  readonly hosts: string;
  readonly tenderInterval?: number;
  readonly connTimeoutMs?: number;
  readonly clusterName?: string;
  readonly user?: string;
  readonly password?: string;
  readonly logLevel?: number;
}

export interface OfficialNode {
  readonly name: string;
  readonly address: string;
}

interface ConnectOutcome {
  readonly type: 'connected' | 'connectError';
  readonly ms: number;
  /** Epoch ms when the driver called connect(), for lining up with simulator request logs. */
  readonly startedAt?: number;
  readonly nodes?: OfficialNode[];
  readonly code?: number;
  readonly message?: string;
}

export class OfficialClient {
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: Record<string, unknown>) => void>();
  private outcomeResolve: ((o: ConnectOutcome) => void) | undefined;
  readonly outcome: Promise<ConnectOutcome>;
  private readonly exited: Promise<void>;
  private stderrTail = '';

  private constructor(private readonly child: ChildProcess) {
    this.outcome = new Promise((resolve) => (this.outcomeResolve = resolve));
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        child.stdin?.destroy();
        resolve();
      }),
    );
    child.stdin!.on('error', () => undefined);
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-16_384);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (message.type === 'connected' || message.type === 'connectError') {
        this.outcomeResolve?.(message as unknown as ConnectOutcome);
        return;
      }
      const id = message.id as number;
      this.waiting.get(id)?.(message);
      this.waiting.delete(id);
    });
    void this.exited.then(() => {
      this.outcomeResolve?.({
        type: 'connectError',
        ms: 0,
        code: -1,
        message: `driver exited: ${this.stderrTail.slice(-2000)}`,
      });
      for (const resolve of this.waiting.values()) resolve({ code: -1, message: 'driver exited' });
      this.waiting.clear();
    });
  }

  /** Start the driver; resolves once the client connected or failed to (bounded by timeoutMs). */
  static async start(config: OfficialClientConfig, timeoutMs = 15_000): Promise<OfficialClient> {
    const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, JSON.stringify(config)], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const client = new OfficialClient(child);
    const first = await raceTimeout(client.outcome, timeoutMs);
    if (first === TIMED_OUT) {
      await client.close();
      throw new Error(`official client did not report a connect result within ${timeoutMs} ms`);
    }
    return client;
  }

  /** Logs of the C client (when logLevel was set) and any crash output. */
  get stderr(): string {
    return this.stderrTail;
  }

  async connectOutcome(): Promise<ConnectOutcome> {
    return this.outcome;
  }

  private request(cmd: Record<string, unknown>, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`official client request ${String(cmd.cmd)} timed out`));
      }, timeoutMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.child.stdin!.write(`${JSON.stringify({ id, ...cmd })}\n`);
    });
  }

  async nodes(): Promise<OfficialNode[]> {
    return (await this.request({ cmd: 'nodes' })).nodes as OfficialNode[];
  }

  async isConnected(): Promise<boolean> {
    return (await this.request({ cmd: 'connected' })).connected === true;
  }

  /** `client.get` on a key; the simulator answers KEY_NOT_FOUND (code 2). */
  async get(key = 'k', namespace = 'test'): Promise<{ code: number; message: string }> {
    const reply = await this.request({ cmd: 'get', key, namespace });
    return { code: reply.code as number, message: String(reply.message) };
  }

  /** Poll getNodes() until `accept` holds (bounded by time and by count). */
  async waitForNodes(
    accept: (nodes: OfficialNode[]) => boolean,
    timeoutMs = 10_000,
    intervalMs = 100,
  ): Promise<OfficialNode[]> {
    const deadline = Date.now() + timeoutMs;
    let nodes: OfficialNode[] = [];
    for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 1; i++) {
      nodes = await this.nodes();
      if (accept(nodes)) return nodes;
      if (Date.now() >= deadline) break;
      await sleep(intervalMs);
    }
    throw new Error(`nodes never matched within ${timeoutMs} ms; last: ${JSON.stringify(nodes)}`);
  }

  /** Close the client and end the child (idempotent). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      await this.request({ cmd: 'close' }, 3000);
    } catch {
      /* fall through to kill */
    }
    const done = await raceTimeout(this.exited, 3000);
    if (done === TIMED_OUT && this.child.pid !== undefined) {
      this.child.kill('SIGKILL');
      await raceTimeout(this.exited, 2000);
    }
  }
}
