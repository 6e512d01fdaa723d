/**
 * Server-sent events to a bounded set of pages: at most `maxClients` streams (the next one gets 503), a
 * comment every `keepaliveMs` so proxies and idle timeouts keep the stream open, and a slow reader whose
 * unsent data passes `maxBufferedBytes` is dropped rather than buffered. Timers are unref'd and close()
 * ends every stream, so watching pages can never keep the process alive or stop it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseLimits {
  readonly maxClients: number;
  readonly keepaliveMs: number;
  readonly maxBufferedBytes: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = Object.freeze({
  maxClients: 16,
  keepaliveMs: 15_000,
  maxBufferedBytes: 1 << 20,
});

/** One SSE frame; `data` may hold newlines (each line becomes a `data:` field). */
export function sseFrame(event: string, data: string): string {
  return `event: ${event}\n${data
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly limits: SseLimits = DEFAULT_SSE_LIMITS) {}

  get size(): number {
    return this.clients.size;
  }

  /** Take the request as a stream, sending `first` frames at once; false (503 sent) when full or closed. */
  add(req: IncomingMessage, res: ServerResponse, first: readonly string[] = []): boolean {
    if (this.closed || this.clients.size >= this.limits.maxClients) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '10' }).end('too many event streams\n');
      return false;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    for (const frame of first) res.write(frame);
    this.clients.add(res);
    const drop = (): void => this.remove(res);
    req.socket.setTimeout(0);
    res.on('close', drop);
    res.on('error', drop);
    this.keepalive ??= setInterval(() => this.send(': keepalive\n\n'), this.limits.keepaliveMs).unref();
    return true;
  }

  broadcast(event: string, data: string): void {
    if (this.clients.size > 0) this.send(sseFrame(event, data));
  }

  close(): void {
    this.closed = true;
    for (const res of [...this.clients]) {
      res.end();
      this.remove(res);
    }
  }

  private send(frame: string): void {
    for (const res of [...this.clients]) {
      if (res.writableLength > this.limits.maxBufferedBytes) {
        res.destroy();
        this.remove(res);
        continue;
      }
      res.write(frame);
    }
  }

  private remove(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size === 0 && this.keepalive) {
      clearInterval(this.keepalive);
      this.keepalive = undefined;
    }
  }
}
