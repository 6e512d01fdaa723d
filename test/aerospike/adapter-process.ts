// Parent side of adapter-driver.ts: start it, wait for its connect result, collect its events, ask for its
// nodes; close() always ends the child (SIGKILL by PID as a last resort).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const DRIVER = path.join(import.meta.dirname, 'adapter-driver.ts');
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface DriverNode {
  readonly name: string;
  readonly address: string;
}

export interface DriverMessage {
  readonly type?: string;
  readonly id?: number;
  readonly name?: string;
  readonly [key: string]: unknown;
}

export class AdapterProcess {
  readonly events: DriverMessage[] = [];
  private readonly replies = new Map<number, (m: DriverMessage) => void>();
  private nextId = 0;
  private stderrTail = '';
  readonly outcome: Promise<DriverMessage>;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    let settle: (m: DriverMessage) => void = () => undefined;
    this.outcome = new Promise((resolve) => (settle = resolve));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.stdin!.on('error', () => undefined);
    child.stderr!.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-8000)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let m: DriverMessage;
      try {
        m = JSON.parse(line) as DriverMessage;
      } catch {
        return;
      }
      if (m.type === 'connected' || m.type === 'connectError') settle(m);
      else if (m.type === 'event') this.events.push(m);
      else if (m.id !== undefined) this.replies.get(m.id)?.(m);
    });
    void this.exited.then(() => settle({ type: 'connectError', message: `driver exited: ${this.stderrTail}` }));
  }

  static start(input: { config: object; options?: object }): AdapterProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, JSON.stringify(input)], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new AdapterProcess(child);
  }

  private request(cmd: string, timeoutMs = 10_000): Promise<DriverMessage> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`driver request ${cmd} timed out`)), timeoutMs);
      this.replies.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.child.stdin!.write(`${JSON.stringify({ id, cmd })}\n`);
    });
  }

  async nodes(): Promise<DriverNode[]> {
    return (await this.request('nodes')).nodes as DriverNode[];
  }

  /** Poll nodes() until `accept` holds, bounded by time and count. */
  async waitForNodes(accept: (nodes: DriverNode[]) => boolean, timeoutMs: number): Promise<DriverNode[]> {
    let nodes: DriverNode[] = [];
    for (let i = 0; i < Math.ceil(timeoutMs / 100); i++) {
      nodes = await this.nodes();
      if (accept(nodes)) return nodes;
      await sleep(100);
    }
    throw new Error(
      `nodes never matched within ${timeoutMs} ms; last ${JSON.stringify(nodes)}; events ${JSON.stringify(this.events)}`,
    );
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.request('close', 3000).catch(() => undefined);
    const done = await Promise.race([this.exited.then(() => true), sleep(3000, false)]);
    if (!done) this.child.kill('SIGKILL');
  }
}
