import { once } from 'node:events';
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { AbortedError, InfoConnection } from '../../src/protocol/connection.js';
import {
  ConnectError,
  ConnectionClosedError,
  InfoServerError,
  ProtocolError,
  ResponseTooLargeError,
  TimeoutError,
} from '../../src/protocol/errors.js';
import { MessageType, encodeHeader, frame } from '../../src/protocol/header.js';
import { decodeInfoRequest } from '../../src/protocol/info-codec.js';
import { answerInfo, infoReply, onFrames, startTcpServer, unusedPort, type TestServer } from './servers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(handler: (socket: net.Socket) => void): Promise<TestServer> {
  const s = await startTcpServer(handler);
  cleanups.push(() => s.close());
  return s;
}

async function connect(port: number, extra: Partial<Parameters<typeof InfoConnection.connect>[0]> = {}) {
  const connection = await InfoConnection.connect({ host: '127.0.0.1', port, ...extra });
  cleanups.push(() => connection.close());
  return connection;
}

/** Reply to every request with a fixed buffer, once the request arrives. */
const replyWith = (bytes: Buffer, then?: (socket: net.Socket) => void) => (socket: net.Socket) =>
  onFrames(socket, () => {
    socket.write(bytes);
    then?.(socket);
  });

describe('InfoConnection: requests', () => {
  it('round-trips one info request', async () => {
    const s = await server(answerInfo((c) => (c === 'node' ? 'BB9010011AC4202' : 'ERROR:4:unrecognized command')));
    const connection = await connect(s.port);
    expect(connection.isOpen).toBe(true);
    expect(connection.host).toBe('127.0.0.1');
    expect(connection.localPort).toBeGreaterThan(0);
    expect(connection.connectMs).toBeGreaterThanOrEqual(0);
    expect(connection.session).toBeUndefined();
    const reply = await connection.info(['node', 'nope']);
    expect(reply.value('node')).toBe('BB9010011AC4202');
    expect(() => reply.value('nope')).toThrow(InfoServerError);
  });

  it('sends queued requests one at a time and answers them in order', async () => {
    let outstanding = 0;
    let overlapped = false;
    const s = await server((socket) =>
      onFrames(socket, (f) => {
        if (outstanding++ > 0) overlapped = true;
        const [command] = decodeInfoRequest(f.body);
        setTimeout(() => {
          outstanding--;
          socket.write(infoReply([[command!, `v-${command}`]]));
        }, 5);
      }),
    );
    const connection = await connect(s.port);
    const replies = await Promise.all(['a', 'b', 'c', 'd'].map((c) => connection.info([c])));
    expect(replies.map((r, i) => r.value('abcd'[i]!))).toEqual(['v-a', 'v-b', 'v-c', 'v-d']);
    expect(overlapped).toBe(false);
  });

  it('reassembles a reply split into one-byte chunks', async () => {
    const s = await server((socket) => {
      socket.setNoDelay(true);
      onFrames(socket, (f) => {
        const bytes = infoReply(decodeInfoRequest(f.body).map((c) => [c, `value of ${c}`] as const));
        let i = 0;
        const drip = () => {
          if (i < bytes.length) socket.write(bytes.subarray(i, ++i), () => setImmediate(drip));
        };
        drip();
      });
    });
    const connection = await connect(s.port);
    const reply = await connection.info(['node', 'build']);
    expect(reply.toObject()).toEqual({ node: 'value of node', build: 'value of build' });
  });

  it('times out a request the server never answers and closes the socket', async () => {
    const s = await server(() => undefined);
    const connection = await connect(s.port);
    const first = connection.info(['node'], { timeoutMs: 50 });
    const queued = connection.info(['build']);
    const serverSide = once(s.sockets[0] ?? (await waitForSocket(s)), 'close');
    await expect(first).rejects.toMatchObject({ code: 'ERR_TIMEOUT', phase: 'request' });
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    await expect(queued).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(connection.isOpen).toBe(false);
    await serverSide; // the client really closed its end
    await expect(connection.info(['node'])).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('fails at the header when the announced reply is larger than allowed', async () => {
    // Header only: the body never comes, so waiting for it would hang until the timeout.
    const s = await server(replyWith(encodeHeader(MessageType.Info, 10 * 1024 * 1024)));
    const connection = await connect(s.port, { maxResponseBytes: 4096, requestTimeoutMs: 20_000 });
    const error: unknown = await connection.info(['replicas']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ size: 10 * 1024 * 1024, limit: 4096 });
    expect(connection.isOpen).toBe(false);
  });

  it('applies a per-request size limit', async () => {
    const s = await server(answerInfo(() => 'x'.repeat(200)));
    const connection = await connect(s.port);
    await expect(connection.info(['node'], { maxResponseBytes: 100 })).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it.each([
    ['a wrong proto type', Buffer.from([2, 3, 0, 0, 0, 0, 0, 0])],
    ['a wrong proto version', Buffer.from([1, 1, 0, 0, 0, 0, 0, 0])],
    ['an unknown proto type', Buffer.from([2, 9, 0, 0, 0, 0, 0, 0])],
  ])('rejects %s with ProtocolError', async (_name, header) => {
    const s = await server(replyWith(header));
    const connection = await connect(s.port);
    await expect(connection.info(['node'])).rejects.toBeInstanceOf(ProtocolError);
    expect(connection.isOpen).toBe(false);
  });

  it('rejects bytes beyond the reply and a reply naming commands we did not send', async () => {
    const extra = await server(replyWith(Buffer.concat([infoReply([['node', 'A']]), Buffer.from([2])])));
    const c1 = await connect(extra.port);
    await expect(c1.info(['node'])).rejects.toBeInstanceOf(ProtocolError);
    expect(c1.isOpen).toBe(false);

    const wrong = await server(replyWith(infoReply([['build', '8.0.0.0']])));
    const c2 = await connect(wrong.port);
    await expect(c2.info(['node'])).rejects.toBeInstanceOf(ProtocolError);
    expect(c2.isOpen).toBe(false);
  });

  it('reports a server that closes mid-reply as ConnectionClosedError', async () => {
    const partial = infoReply([['node', 'BB9010011AC4202']]).subarray(0, 12);
    const s = await server(replyWith(partial, (socket) => socket.end()));
    const connection = await connect(s.port);
    const error: unknown = await connection.info(['node']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toMatch(/mid-reply/);
  });

  it('keeps the connection usable after an un-echoed ERROR reply', async () => {
    let calls = 0;
    const s = await server((socket) =>
      onFrames(socket, () => {
        socket.write(
          calls++ === 0
            ? frame(MessageType.Info, Buffer.from('ERROR:80:not authenticated\n'))
            : infoReply([['node', 'A']]),
        );
      }),
    );
    const connection = await connect(s.port);
    await expect(connection.info(['node'])).rejects.toMatchObject({ serverCode: 80 });
    await expect(connection.info(['node'])).resolves.toBeDefined();
  });

  it('close() is idempotent and fails pending requests', async () => {
    const s = await server(() => undefined);
    const connection = await connect(s.port);
    const pending = connection.info(['node']);
    connection.close();
    connection.close();
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(connection.isOpen).toBe(false);
  });

  it('rejects invalid commands and options without touching the socket', async () => {
    const s = await server(answerInfo(() => 'v'));
    const connection = await connect(s.port);
    await expect(connection.info([])).rejects.toBeInstanceOf(ConfigError);
    await expect(connection.info(['a\tb'])).rejects.toBeInstanceOf(ConfigError);
    await expect(connection.info(['node'], { timeoutMs: -1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(connection.info(['node'])).resolves.toBeDefined();
    await expect(InfoConnection.connect({ host: '127.0.0.1', port: 0 })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('InfoConnection: connecting and aborting', () => {
  it('reports a refused connection quickly as ConnectError with the cause', async () => {
    const port = await unusedPort();
    const started = Date.now();
    const error: unknown = await InfoConnection.connect({ host: '127.0.0.1', port, connectTimeoutMs: 10_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/refused/);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('aborts an info request in flight (closing the socket) or still queued (keeping it)', async () => {
    const s = await server((socket) =>
      onFrames(socket, (f) => {
        const [command] = decodeInfoRequest(f.body);
        if (command !== 'stall') socket.write(infoReply([[command!, 'ok']]));
      }),
    );
    const connection = await connect(s.port);
    const controller = new AbortController();
    const slow = connection.info(['stall'], { signal: controller.signal, timeoutMs: 20_000 });
    const queuedController = new AbortController();
    const queued = connection.info(['node'], { signal: queuedController.signal });
    queuedController.abort();
    await expect(queued).rejects.toBeInstanceOf(AbortedError);
    expect(connection.isOpen).toBe(true);
    controller.abort();
    await expect(slow).rejects.toMatchObject({ code: 'ERR_ABORTED', name: 'AbortError' });
    expect(connection.isOpen).toBe(false);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const s = await server(() => undefined);
    const error: unknown = await InfoConnection.connect({
      host: '127.0.0.1',
      port: s.port,
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(s.sockets).toHaveLength(0);
  });
});

async function waitForSocket(s: TestServer): Promise<net.Socket> {
  while (s.sockets.length === 0) await new Promise((r) => setTimeout(r, 5));
  return s.sockets[0]!;
}
