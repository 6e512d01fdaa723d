/**
 * Tiny loopback servers for connection tests: each test scripts what the peer does with the raw socket, so
 * framing, timing and failure cases are explicit. Everything binds 127.0.0.1 on an ephemeral port.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { FrameDecoder, type Frame } from '../../src/protocol/frame-decoder.js';
import { MessageType, frame } from '../../src/protocol/header.js';
import { decodeInfoRequest } from '../../src/protocol/info-codec.js';

export interface TestServer {
  readonly port: number;
  /** Sockets accepted so far (server side). */
  readonly sockets: net.Socket[];
  close(): Promise<void>;
}

type Handler = (socket: net.Socket) => void;

async function listen(server: net.Server, sockets: net.Socket[]): Promise<TestServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function track(sockets: net.Socket[], handler: Handler): Handler {
  return (socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined); // clients reset connections on purpose in these tests
    handler(socket);
    // A silent peer must still read, or it would never notice the client hanging up.
    if (socket.listenerCount('data') === 0) socket.resume();
  };
}

export function startTcpServer(handler: Handler): Promise<TestServer> {
  const sockets: net.Socket[] = [];
  return listen(net.createServer(track(sockets, handler)), sockets);
}

export function startTlsServer(options: tls.TlsOptions, handler: Handler): Promise<TestServer> {
  const sockets: net.Socket[] = [];
  const server = tls.createServer(options, track(sockets, handler));
  server.on('tlsClientError', () => undefined);
  return listen(server, sockets);
}

/** Call `onFrame` for every complete message the client sends (any type). */
export function onFrames(socket: net.Socket, onFrame: (frame: Frame) => void): void {
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const f of decoder.push(chunk)) onFrame(f);
  });
}

/** Format info reply lines as the server does: each command echoed, TAB, value, LF. */
export function infoReply(pairs: readonly (readonly [string, string])[]): Buffer {
  return frame(MessageType.Info, Buffer.from(pairs.map(([k, v]) => `${k}\t${v}\n`).join(''), 'utf8'));
}

/** An info server answering each command through `answer`. */
export function answerInfo(answer: (command: string) => string): Handler {
  return (socket) =>
    onFrames(socket, (f) => {
      const commands = decodeInfoRequest(f.body);
      socket.write(infoReply(commands.map((c) => [c, answer(c)] as const)));
    });
}

/** A port with no listener right now (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestCert {
  readonly key: Buffer;
  readonly cert: Buffer;
  cleanup(): Promise<void>;
}

/** A throwaway self-signed P-256 certificate for `name` (CN and DNS SAN). */
export async function makeCert(name: string): Promise<TestCert> {
  const dir = await mkdtemp(path.join(tmpdir(), 'seedkeeper-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=DNS:${name}`,
    '-days',
    '1',
  ]);
  return {
    key: await readFile(keyFile),
    cert: await readFile(certFile),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
