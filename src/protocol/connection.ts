/**
 * One persistent socket to one node, as clients keep for tending (§4.4): connect (TCP, optional TLS), prove
 * ourselves (LOGIN or AUTHENTICATE), then info requests strictly one at a time. Any doubt about where the reply
 * stream stands (timeout, abort in flight, bad frame, extra bytes) closes the socket rather than guessing.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ConfigError, describeError } from '../errors.js';
import { ADMIN_MAX_BODY, decodeAdminMessage } from './admin.js';
import {
  checkSize,
  checkTimeout,
  validate,
  type ConnectOptions,
  type InfoRequestOptions,
  type Settings,
} from './connect-options.js';
import { AbortedError, asError, withDeadline } from './deadline.js';
import { dial } from './dial.js';
import { ConnectionClosedError, ProtocolError, TimeoutError } from './errors.js';
import { FrameDecoder, type Frame } from './frame-decoder.js';
import { MessageType, frame } from './header.js';
import { encodeInfoRequest, matchInfoReply, type InfoReply } from './info-codec.js';
import { prepareAdminRequest, readAdminReply, type Session } from './login.js';

export type { TlsOptions } from './dial.js';
export type { Credentials, Session } from './login.js';
export { AbortedError } from './deadline.js';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ConnectOptions,
  type InfoRequestOptions,
} from './connect-options.js';

interface Exchange {
  readonly request: Buffer;
  readonly decoder: FrameDecoder;
  readonly resolve: (frame: Frame) => void;
  readonly reject: (error: Error) => void;
}

export class InfoConnection {
  readonly host: string;
  readonly port: number;
  private readonly address: string;
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly queue: Exchange[] = [];
  private current: Exchange | undefined;
  private closed = false;
  /** Last socket error, reported as the cause when the peer hangs up. */
  private lastError: Error | undefined;
  /** Why the connection closed, the cause for requests made afterwards. */
  private closeReason: Error | undefined;
  private sessionValue: Session | undefined;
  private connectMsValue = 0;

  private constructor(
    private readonly socket: Socket,
    settings: Settings,
  ) {
    this.host = settings.host;
    this.port = settings.port;
    this.address = settings.address;
    this.requestTimeoutMs = settings.requestTimeoutMs;
    this.maxResponseBytes = settings.maxResponseBytes;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.lastError = error;
    });
    socket.on('close', () => this.onClose());
  }

  /** Connect, handshake and log in under one deadline; the socket is destroyed on any failure. */
  static connect(options: ConnectOptions): Promise<InfoConnection> {
    let settings: Settings;
    try {
      settings = validate(options);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    const { address, connectTimeoutMs } = settings;
    let connection: InfoConnection | undefined;
    let phase: 'connect' | 'login' = 'connect';
    const started = performance.now();
    return withDeadline(
      async () => {
        // bcrypt runs while TCP/TLS connects; mark it handled in case the handshake fails first.
        const adminRequest = options.credentials ? prepareAdminRequest(options.credentials) : undefined;
        adminRequest?.catch(() => undefined);
        const dialing = dial(options, address);
        const opened = new InfoConnection(dialing.socket, settings);
        connection = opened;
        try {
          await dialing.ready;
          if (options.credentials && adminRequest) {
            phase = 'login';
            const reply = await opened.exchange(await adminRequest, MessageType.Admin, ADMIN_MAX_BODY);
            opened.sessionValue = readAdminReply(
              options.credentials,
              decodeAdminMessage(reply.headerBytes, reply.body),
              address,
            );
          }
        } catch (error) {
          opened.destroy(asError(error));
          throw error;
        }
        opened.connectMsValue = performance.now() - started;
        return opened;
      },
      {
        timeoutMs: connectTimeoutMs,
        signal: options.signal,
        onTimeout: () => new TimeoutError(phase, connectTimeoutMs, address),
        onAbort: (reason) => new AbortedError(`${address}: connect aborted`, reason),
        cancel: (error) => connection?.destroy(error),
      },
    );
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  /**
   * The session this socket is authenticated with: the one LOGIN produced, or the token AUTHENTICATE presented
   * (expiry unknown). Undefined without credentials or when the server answered 52 (security not enabled).
   */
  get session(): Session | undefined {
    return this.sessionValue;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Milliseconds the connect, handshake and login took. */
  get connectMs(): number {
    return this.connectMsValue;
  }

  /**
   * Send one info request. Requests queue and go out one at a time. The timeout counts from this call; when it
   * (or the signal) fires while the request is on the wire, the socket is closed because the reply stream
   * would be out of step. A request still waiting in the queue is just dropped.
   */
  async info(commands: readonly string[], options: InfoRequestOptions = {}): Promise<InfoReply> {
    if (commands.length === 0) throw new ConfigError('commands', 'at least one info command is required');
    let body: Buffer;
    try {
      body = encodeInfoRequest(commands);
    } catch (error) {
      throw new ConfigError('commands', (error as Error).message);
    }
    const timeoutMs = checkTimeout('timeoutMs', options.timeoutMs, this.requestTimeoutMs);
    const limit = checkSize('maxResponseBytes', options.maxResponseBytes, this.maxResponseBytes);
    let entry: Exchange | undefined;
    const reply = await withDeadline(
      () =>
        this.exchange(frame(MessageType.Info, body), MessageType.Info, limit, (e) => {
          entry = e;
        }),
      {
        timeoutMs,
        signal: options.signal,
        onTimeout: () => new TimeoutError('request', timeoutMs, this.address),
        onAbort: (reason) => new AbortedError(`${this.address}: info request aborted`, reason),
        cancel: (error) => this.cancel(entry, error),
      },
    );
    try {
      return matchInfoReply(commands, reply.body);
    } catch (error) {
      // An unrequested or reordered name means the peer is not answering what we asked; stop using it.
      if (error instanceof ProtocolError) this.destroy(error);
      throw error;
    }
  }

  /** Idempotent. Pending and queued requests reject with ConnectionClosedError. */
  close(): void {
    this.destroy(new ConnectionClosedError(`${this.address}: connection closed by the caller`));
  }

  private exchange(
    request: Buffer,
    expectedType: MessageType,
    maxBodySize: number,
    onQueued?: (entry: Exchange) => void,
  ): Promise<Frame> {
    if (this.closed) {
      return Promise.reject(
        new ConnectionClosedError(`${this.address}: connection is closed`, { cause: this.closeReason }),
      );
    }
    return new Promise<Frame>((resolve, reject) => {
      const entry: Exchange = { request, decoder: new FrameDecoder({ expectedType, maxBodySize }), resolve, reject };
      onQueued?.(entry);
      this.queue.push(entry);
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed || this.current !== undefined) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.current = next;
    this.socket.write(next.request);
  }

  /** A timer or signal gave up on `entry`. */
  private cancel(entry: Exchange | undefined, error: Error): void {
    if (entry === undefined) return;
    if (entry === this.current) {
      this.destroy(error);
      return;
    }
    const index = this.queue.indexOf(entry);
    if (index >= 0) this.queue.splice(index, 1);
  }

  private onData(chunk: Buffer): void {
    const entry = this.current;
    if (entry === undefined) {
      this.destroy(new ProtocolError(`${this.address}: ${chunk.length} unsolicited bytes with no request outstanding`));
      return;
    }
    let frames: Frame[];
    try {
      frames = entry.decoder.push(chunk);
    } catch (error) {
      this.destroy(asError(error));
      return;
    }
    if (frames.length === 0) return;
    if (frames.length > 1 || entry.decoder.bufferedBytes > 0) {
      this.destroy(new ProtocolError(`${this.address}: peer sent bytes beyond the reply to our request`));
      return;
    }
    this.current = undefined;
    entry.resolve(frames[0]!);
    this.pump();
  }

  private onClose(): void {
    if (this.closed) return;
    const partial = this.current !== undefined && this.current.decoder.bufferedBytes > 0;
    const why = this.lastError ? `: ${describeError(this.lastError)}` : '';
    const message = partial ? 'connection closed by the peer mid-reply' : 'connection closed by the peer';
    this.destroy(new ConnectionClosedError(`${this.address}: ${message}${why}`, { cause: this.lastError }));
  }

  /**
   * Close for good: the request on the wire fails with `error` itself, queued ones with a ConnectionClosedError
   * that carries it as the cause.
   */
  private destroy(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = error;
    this.socket.destroy();
    const current = this.current;
    const queued = this.queue.splice(0);
    this.current = undefined;
    current?.reject(error);
    if (queued.length > 0) {
      const closedError =
        error instanceof ConnectionClosedError
          ? error
          : new ConnectionClosedError(`${this.address}: connection closed: ${error.message}`, { cause: error });
      for (const entry of queued) entry.reject(closedError);
    }
  }
}
