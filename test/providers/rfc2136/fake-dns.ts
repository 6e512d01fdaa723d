/** Scripted fake DNS servers (UDP and TCP on one loopback port) for the transport and provider tests. */
import dgram from 'node:dgram';
import net from 'node:net';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';
import { encodeMessage } from '../../../src/providers/dns-wire/writer.js';
import { freePort } from '../../harness/ports.js';

export type Reply = (buf: Buffer) => void;
export interface Fake {
  port: number;
  udpSeen: Buffer[];
  tcpConnections: number;
  tcpClosed: number;
  close(): Promise<void>;
}

/** An answer to `query`: same ID and question, one A record 10.0.0.<n>; `tc` sets the TC flag. */
export function answerTo(query: Buffer, n = 1, options: { id?: number; name?: string; tc?: boolean } = {}): Buffer {
  const q = decodeMessage(query).questions[0]!;
  const question = { ...q, name: options.name ?? q.name };
  return encodeMessage({
    id: options.id ?? query.readUInt16BE(0),
    flags: 0x8400 | (options.tc ? 0x0200 : 0),
    questions: [question],
    answers: options.tc ? [] : [{ name: question.name, type: 1, klass: 1, ttl: 30, rdata: Buffer.from([10, 0, 0, n]) }],
  });
}

export const frame = (b: Buffer): Buffer => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
const opened: Fake[] = [];

/** Closes every fake started since the last call (afterEach). */
export async function closeFakes(): Promise<void> {
  await Promise.all(opened.splice(0).map((f) => f.close()));
}

export async function fake(handlers: {
  udp?: (msg: Buffer, reply: Reply, count: number) => void;
  tcp?: (frames: Buffer[], socket: net.Socket) => void;
  framesPerReply?: number;
}): Promise<Fake> {
  const port = await freePort();
  const udp = dgram.createSocket('udp4');
  const tcp = net.createServer();
  const f: Fake = { port, udpSeen: [], tcpConnections: 0, tcpClosed: 0, close: () => Promise.resolve() };
  udp.on('message', (msg, from) => {
    f.udpSeen.push(msg);
    handlers.udp?.(msg, (b) => udp.send(b, from.port, from.address), f.udpSeen.length);
  });
  tcp.on('connection', (socket) => {
    f.tcpConnections++;
    socket.on('close', () => f.tcpClosed++);
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    const frames: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        frames.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (frames.length >= (handlers.framesPerReply ?? 1)) handlers.tcp?.(frames.splice(0), socket);
    });
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', () => resolve()));
  f.close = async () => {
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
  };
  opened.push(f);
  return f;
}
