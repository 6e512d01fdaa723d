/**
 * Progress of the wait for the service port: on a terminal one line updated in place, otherwise (journald,
 * files, pipes) a plain line every `everyMs` so logs stay readable.
 */
import { seconds } from './errors.js';
import type { WaitProgress } from './wait-port.js';
import { formatHostPort } from '../net/endpoint.js';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressPrinter {
  update(progress: WaitProgress): void;
  /** Ends the updating line (terminal) and prints `message` when given. */
  done(message?: string): void;
}

export interface ProgressOptions {
  /** Default: whether the stream is a terminal. */
  readonly tty?: boolean;
  /** Plain mode: at most one line per this many ms (the first attempt always prints). Default 10000. */
  readonly everyMs?: number;
}

export const DEFAULT_PROGRESS_EVERY_MS = 10_000;

/** `waiting for 10.0.1.7:3000 to accept connections: 12 s of 600 s (refused)` */
export function describeProgress(p: WaitProgress): string {
  const what =
    !p.last.ok && p.last.stage === 'info' ? 'to answer info with the expected cluster name' : 'to accept connections';
  const why = p.last.ok ? '' : ` (${p.last.reason})`;
  return `waiting for ${formatHostPort(p)} ${what}: ${seconds(p.elapsedMs)} of ${seconds(p.timeoutMs)}${why}`;
}

export function createProgressPrinter(stream: ProgressStream, options: ProgressOptions = {}): ProgressPrinter {
  const tty = options.tty ?? stream.isTTY === true;
  const everyMs = options.everyMs ?? DEFAULT_PROGRESS_EVERY_MS;
  let lastPrinted: number | undefined;
  let open = false;
  return {
    update(progress) {
      const line = describeProgress(progress);
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        open = true;
        return;
      }
      if (lastPrinted !== undefined && progress.elapsedMs - lastPrinted < everyMs) return;
      lastPrinted = progress.elapsedMs;
      stream.write(`${line}\n`);
    },
    done(message) {
      if (open) stream.write('\r\x1b[2K');
      open = false;
      if (message !== undefined) stream.write(`${message}\n`);
    },
  };
}
