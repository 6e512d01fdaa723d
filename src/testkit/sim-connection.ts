/**
 * One client connection to a simulated node: frames requests with FrameDecoder (server side, version 2),
 * answers them strictly one at a time in arrival order, with the same proto type: info (1), admin (2) and
 * data (3/4). Fault behaviour (hang, slow) is read from the node at the moment each request arrives/answers.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeAdminMessage } from '../protocol/admin.js';
import { FrameDecoder, type Frame } from '../protocol/frame-decoder.js';
import { MessageType, frame } from '../protocol/header.js';
import type { HostPort } from '../net/endpoint.js';
import { decodeInfoRequest } from '../protocol/info-codec.js';
import { DataResult, encodeDataReply } from './data-reply.js';
import { answerInfoRequest, NOT_AUTHENTICATED_LINE, type NodeInfoView } from './info-responder.js';
import type { RequestLog } from './request-log.js';
import { securityNotEnabled, type SimAuth } from './sim-auth.js';
import { ProtocolError } from '../protocol/errors.js';

/** Largest request body a simulated node accepts (real servers allow 128 MiB; tests never need that). */
export const SIM_MAX_REQUEST_BODY = 16 * 1024 * 1024;

export interface ConnectionBehaviour {
  /** Read requests and never answer. */
  readonly hang: boolean;
  /** Wait this long before each reply. */
  readonly delayMs: number;
}

export interface ConnectionContext {
  readonly nodeId: string;
  readonly connection: number;
  readonly local: HostPort;
  readonly log: RequestLog;
  view(): NodeInfoView;
  auth(): SimAuth | undefined;
  behaviour(): ConnectionBehaviour;
}

export class SimConnection {
  private readonly decoder = new FrameDecoder({ maxBodySize: SIM_MAX_REQUEST_BODY });
  private readonly abort = new AbortController();
  private chain: Promise<void> = Promise.resolve();
  private authenticated = false;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly ctx: ConnectionContext,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.record('accept');
  }

  /** Destroy the socket and drop queued work (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.socket.destroy();
    this.record('close');
  }

  private record(
    kind: Parameters<RequestLog['record']>[0]['kind'],
    extra: { commands?: readonly string[]; adminCommand?: number; note?: string } = {},
  ): void {
    this.ctx.log.record({
      nodeId: this.ctx.nodeId,
      connection: this.ctx.connection,
      local: this.ctx.local,
      kind,
      ...extra,
    });
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.record('invalid', { note: error instanceof Error ? error.message : String(error) });
      this.close();
      return;
    }
    for (const f of frames) {
      if (this.ctx.behaviour().hang) {
        const commands = f.header.type === MessageType.Info ? { commands: decodeInfoRequest(f.body) } : {};
        this.record(kindOf(f), { ...commands, note: 'dropped (hang)' });
        continue;
      }
      this.chain = this.chain
        .then(() => this.handle(f))
        .catch((error: unknown) => {
          if (!this.closed) {
            this.record('invalid', { note: error instanceof Error ? error.message : String(error) });
            this.close();
          }
        });
    }
  }

  private async handle(f: Frame): Promise<void> {
    const delayMs = this.ctx.behaviour().delayMs;
    if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
    if (this.closed || this.ctx.behaviour().hang) return;
    const reply = this.answer(f);
    if (!this.closed) this.socket.write(reply);
  }

  private answer(f: Frame): Buffer {
    const auth = this.ctx.auth();
    switch (f.header.type) {
      case MessageType.Info: {
        if (auth && !this.authenticated) {
          this.record('info', { commands: decodeInfoRequest(f.body), note: 'not authenticated' });
          return frame(MessageType.Info, Buffer.from(NOT_AUTHENTICATED_LINE, 'utf8'));
        }
        const { commands, reply } = answerInfoRequest(this.ctx.view(), f.body);
        this.record('info', { commands });
        return frame(MessageType.Info, reply);
      }
      case MessageType.Admin: {
        const message = decodeAdminMessage(f.headerBytes, f.body);
        const outcome = auth ? auth.answer(message) : securityNotEnabled(message.command);
        if (outcome.authenticated) this.authenticated = true;
        this.record('admin', { adminCommand: message.command, note: `result ${outcome.result}` });
        return outcome.reply;
      }
      case MessageType.Message:
      case MessageType.Compressed: {
        const result = auth && !this.authenticated ? DataResult.NOT_AUTHENTICATED : DataResult.KEY_NOT_FOUND;
        this.record('data', { note: `result ${result}` });
        return encodeDataReply(result);
      }
      default:
        throw new ProtocolError(`proto type ${f.header.type} is not served by the simulator`);
    }
  }
}

function kindOf(f: Frame): 'info' | 'admin' | 'data' | 'invalid' {
  if (f.header.type === MessageType.Info) return 'info';
  if (f.header.type === MessageType.Admin) return 'admin';
  if (f.header.type === MessageType.Message || f.header.type === MessageType.Compressed) return 'data';
  return 'invalid';
}
