// A bare protocol client for tests: one socket, one request at a time, replies framed with FrameDecoder.
// Independent of src/protocol/connection.ts so simulator tests do not depend on our own client.
import { connect, type Socket } from 'node:net';
import { FrameDecoder, type Frame } from '../../../src/protocol/frame-decoder.js';
import { frame, MessageType } from '../../../src/protocol/header.js';
import type { HostPort } from '../../../src/net/endpoint.js';

export class RawClient {
  private readonly decoder = new FrameDecoder();
  private readonly frames: Frame[] = [];
  private waiter: ((f: Frame | Error) => void) | undefined;
  private closedError: Error | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.deliver(f);
    });
    const onEnd = (error?: Error): void => {
      this.closedError = error ?? new Error('connection closed');
      this.waiter?.(this.closedError);
      this.waiter = undefined;
    };
    socket.on('error', onEnd);
    socket.on('close', () => onEnd());
  }

  static open(address: HostPort, timeoutMs = 2000): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawClient(socket));
      });
    });
  }

  private deliver(f: Frame): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(f);
    } else {
      this.frames.push(f);
    }
  }

  /** Send one message and wait for one reply (bounded). */
  request(type: MessageType, body: Buffer, timeoutMs = 2000): Promise<Frame> {
    this.socket.write(frame(type, body));
    return this.next(timeoutMs);
  }

  /** Send raw bytes (already framed) and wait for one reply. */
  requestRaw(bytes: Buffer, timeoutMs = 2000): Promise<Frame> {
    this.socket.write(bytes);
    return this.next(timeoutMs);
  }

  next(timeoutMs = 2000): Promise<Frame> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (f) => {
        clearTimeout(timer);
        if (f instanceof Error) reject(f);
        else resolve(f);
      };
    });
  }

  /** Info request with commands joined by LF (each terminated), reply body as text. */
  async info(...commands: string[]): Promise<string> {
    const reply = await this.request(MessageType.Info, Buffer.from(commands.map((c) => `${c}\n`).join(''), 'utf8'));
    return reply.body.toString('utf8');
  }

  /** Values by command, from an info reply. */
  async values(...commands: string[]): Promise<Record<string, string>> {
    const text = await this.info(...commands);
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
      if (!line) continue;
      const tab = line.indexOf('\t');
      out[line.slice(0, tab)] = line.slice(tab + 1);
    }
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Ask one info command on a fresh connection. */
export async function askOnce(address: HostPort, ...commands: string[]): Promise<Record<string, string>> {
  const client = await RawClient.open(address);
  try {
    return await client.values(...commands);
  } finally {
    client.close();
  }
}

export { MessageType };
