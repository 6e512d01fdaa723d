/**
 * The embedded zone on disk. Reads are bounded and refuse what is not a regular file (a FIFO or a device
 * must not hang or flood start-up). Writes are atomic and durable: a temporary file in the same directory,
 * fsync, rename over the old file, fsync of the directory — after a crash the file is the old zone or the
 * new one, never a mix. `ZonePersister` writes the newest snapshot, coalescing bursts, one write at a time.
 */
import { constants } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  decodeZoneState,
  encodeZoneState,
  MAX_ZONE_STATE_BYTES,
  ZoneStateError,
  type ZoneState,
} from './zone-state.js';
import type { ZoneSnapshot } from './zone-store.js';

/** The state in `file`, or undefined when there is none yet; throws ZoneStateError for anything unusable. */
export async function readZoneStateFile(file: string, zone: string): Promise<ZoneState | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ZoneStateError('ERR_ZONE_STATE_IO', `cannot open (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ZoneStateError('ERR_ZONE_STATE_CORRUPT', 'not a regular file');
    if (info.size > MAX_ZONE_STATE_BYTES)
      throw new ZoneStateError('ERR_ZONE_STATE_CORRUPT', `larger than ${MAX_ZONE_STATE_BYTES} bytes`);
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    return decodeZoneState(buffer.subarray(0, bytesRead), zone);
  } catch (error) {
    if (error instanceof ZoneStateError) throw error;
    throw new ZoneStateError('ERR_ZONE_STATE_IO', `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
    });
  } finally {
    await handle.close();
  }
}

/** Replaces `file` with `data` atomically and durably (see above); creates the directory (mode 700) if needed. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // The rename is durable only once the directory entry is.
  const dirHandle = await open(dir, constants.O_RDONLY);
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

export interface ZonePersisterOptions {
  readonly file: string;
  /** Told of each failed write (the zone keeps being served from memory). */
  readonly onError: (error: unknown) => void;
  /** After a failed write, try again this much later (unless a newer snapshot came first). Default 5 s. */
  readonly retryMs?: number;
  readonly now?: () => Date;
}

/** Writes the newest snapshot given to `save`; at most one write in flight, bursts coalesce into one. */
export class ZonePersister {
  readonly #options: ZonePersisterOptions;
  #latest: ZoneSnapshot | undefined;
  #written: ZoneSnapshot | undefined;
  #running: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  writes = 0;
  failures = 0;

  constructor(options: ZonePersisterOptions) {
    this.#options = options;
  }

  save(snapshot: ZoneSnapshot): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#latest = snapshot;
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Cancels a pending retry (the server is stopping). */
  cancelRetry(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  /** Resolves once every snapshot given so far was written or failed; never rejects. */
  async flush(): Promise<void> {
    // Bounded: each pass writes the newest snapshot; a new one can only arrive between passes.
    for (let i = 0; i < 100 && this.#running !== undefined; i++) await this.#running;
  }

  async #drain(): Promise<void> {
    for (let i = 0; i < 1000 && this.#latest !== undefined && this.#latest !== this.#written; i++) {
      const snapshot = this.#latest;
      try {
        await writeFileAtomic(this.#options.file, encodeZoneState(snapshot, this.#options.now?.() ?? new Date()));
        this.writes++;
        this.#written = snapshot;
      } catch (error) {
        this.failures++;
        this.#options.onError(error);
        if (this.#latest !== snapshot) continue; // a newer snapshot supersedes this one: write that
        // A full or read-only disk may recover: try again later (a newer snapshot cancels this).
        this.#retry = setTimeout(() => this.save(snapshot), this.#options.retryMs ?? 5000).unref();
        return;
      }
    }
  }
}

/**
 * Where a server keeps its zone when the config names no file: `$STATE_DIRECTORY` (set by systemd's
 * `StateDirectory=seedkeeper`), else `$XDG_STATE_HOME/seedkeeper`, else `~/.local/state/seedkeeper`; the file
 * is `embedded-<zone>-<port>.json`, so two servers on one host never share one. Port 0 (a throw-away server:
 * tests, `plan`, the demo) gets none: nobody can be sent to it after a restart.
 */
export function defaultZoneStateFile(
  zone: string,
  port: number,
  env: NodeJS.ProcessEnv,
  home: string,
): string | undefined {
  if (port === 0) return undefined;
  const systemd = env['STATE_DIRECTORY']?.split(':')[0];
  const dir = systemd || path.join(env['XDG_STATE_HOME'] || path.join(home, '.local', 'state'), 'seedkeeper');
  return path.join(dir, `embedded-${zone}-${port}.json`);
}
