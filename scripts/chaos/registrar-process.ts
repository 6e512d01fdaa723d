/**
 * One `seedkeeper run` process (a registrar replica). The chaos run holds a list of them; faults pick one.
 * Each runs under coreutils `timeout` (bounded life) and is signalled by the PID of the node process itself,
 * found as the wrapper's child: never by name.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childPids, isPidAlive, spawnDaemon, stopDaemon, waitFor, type Daemon } from '../../test/harness/processes.js';

const BIN = fileURLToPath(new URL('../../bin/seedkeeper.js', import.meta.url));

export interface RegistrarProcessOptions {
  /** Replica id (names the config file and, with leases, the lease holder). */
  readonly id: string;
  readonly dir: string;
  /** The registrar's config (written as JSON, which is YAML). */
  readonly config: Record<string, unknown>;
  readonly maxLifetimeSec: number;
}

export type RegistrarSignal = 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' | 'SIGTERM';

export class RegistrarProcess {
  private daemon: Daemon | undefined;
  private pid: number | undefined;
  private paused = false;
  private logTail = '';
  readonly configFile: string;

  constructor(private readonly options: RegistrarProcessOptions) {
    this.configFile = path.join(options.dir, `registrar-${options.id}.yaml`);
  }

  get id(): string {
    return this.options.id;
  }
  get running(): boolean {
    return this.daemon !== undefined && !this.daemon.exited();
  }
  get isPaused(): boolean {
    return this.paused;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await writeFile(this.configFile, JSON.stringify(this.options.config, null, 2));
    const d = spawnDaemon(process.execPath, [BIN, 'run', '--config', this.configFile], {
      maxLifetimeSec: this.options.maxLifetimeSec,
    });
    this.daemon = d;
    this.paused = false;
    // The node PID, so that SIGSTOP and SIGKILL reach the registrar rather than the `timeout` wrapper.
    await waitFor(`registrar ${this.id} process`, () => childPids(d.wrapperPid).length > 0, {
      timeoutMs: 5_000,
      intervalMs: 10,
      abort: () => (d.exited() ? `exited at once:\n${d.log().slice(-2000)}` : undefined),
    });
    this.pid = childPids(d.wrapperPid)[0];
  }

  signal(signal: RegistrarSignal): void {
    if (this.pid === undefined || !isPidAlive(this.pid)) return;
    process.kill(this.pid, signal);
    if (signal === 'SIGSTOP') this.paused = true;
    if (signal === 'SIGCONT') this.paused = false;
  }

  /** kill -9 and wait for the wrapper to notice. */
  async kill(): Promise<void> {
    const d = this.daemon;
    this.signal('SIGKILL');
    if (d) {
      await Promise.race([d.exitPromise, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      this.logTail = d.log();
    }
    this.daemon = undefined;
    this.pid = undefined;
    this.paused = false;
  }

  /** Clean stop (SIGCONT first if paused, then SIGTERM through the wrapper). */
  async stop(): Promise<void> {
    if (this.paused) this.signal('SIGCONT');
    const d = this.daemon;
    this.daemon = undefined;
    this.pid = undefined;
    if (d) {
      await stopDaemon(d);
      this.logTail = d.log();
    }
  }

  /** The last lines the process wrote (stderr: its JSON log). */
  log(): string {
    return this.daemon?.log() ?? this.logTail;
  }
}
