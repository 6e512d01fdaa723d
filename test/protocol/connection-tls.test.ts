import type tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { AbortedError, InfoConnection } from '../../src/protocol/connection.js';
import { ConnectError, TimeoutError } from '../../src/protocol/errors.js';
import { answerInfo, makeCert, startTcpServer, startTlsServer, type TestCert, type TestServer } from './servers.js';

let cert: TestCert;
let node: TestServer;
/** SNI names the server saw, in connection order (false when the client sent none). */
const sniSeen: (string | false | null)[] = [];

beforeAll(async () => {
  cert = await makeCert('node1.test');
  const answer = answerInfo((c) => (c === 'node' ? 'BB9TLS' : ''));
  node = await startTlsServer({ key: cert.key, cert: cert.cert }, (socket) => {
    sniSeen.push((socket as tls.TLSSocket).servername);
    answer(socket);
  });
});
afterAll(async () => {
  await node.close();
  await cert.cleanup();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('InfoConnection over TLS', () => {
  it('verifies the certificate against the tls name, not the dialled IP, and sends it as SNI', async () => {
    const connection = await InfoConnection.connect({
      host: '127.0.0.1',
      port: node.port,
      tls: { name: 'node1.test', ca: [cert.cert] },
      connectTimeoutMs: 10_000,
    });
    cleanups.push(() => connection.close());
    expect((await connection.info(['node'])).value('node')).toBe('BB9TLS');
    expect(sniSeen.at(-1)).toBe('node1.test');
  });

  it('fails with ConnectError naming the cause when the tls name does not match', async () => {
    const error = await failure(
      InfoConnection.connect({
        host: '127.0.0.1',
        port: node.port,
        tls: { name: 'node2.test', ca: cert.cert },
        connectTimeoutMs: 10_000,
      }),
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toMatch(/TLS handshake failed/);
    expect((error as Error).message).toMatch(/node2\.test/);
    expect((error as Error).cause).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('checks an IP tls name against the certificate IPs and sends no SNI for it', async () => {
    const error = await failure(
      InfoConnection.connect({
        host: '127.0.0.1',
        port: node.port,
        tls: { name: '127.0.0.1', ca: cert.cert },
        connectTimeoutMs: 10_000,
      }),
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).cause).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });

    // With verification off the handshake completes, so the server reports what SNI it got.
    const connection = await InfoConnection.connect({
      host: '127.0.0.1',
      port: node.port,
      tls: { name: '127.0.0.1', rejectUnauthorized: false },
      connectTimeoutMs: 10_000,
    });
    cleanups.push(() => connection.close());
    await connection.info(['node']);
    expect(sniSeen.at(-1)).toBe(false);
  });

  it('refuses an untrusted certificate unless verification is turned off', async () => {
    const error = await failure(
      InfoConnection.connect({
        host: '127.0.0.1',
        port: node.port,
        tls: { name: 'node1.test' },
        connectTimeoutMs: 10_000,
      }),
    );
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).cause).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });

    const connection = await InfoConnection.connect({
      host: '127.0.0.1',
      port: node.port,
      tls: { name: 'anything', rejectUnauthorized: false },
      connectTimeoutMs: 10_000,
    });
    cleanups.push(() => connection.close());
    await expect(connection.info(['node'])).resolves.toBeDefined();
  });

  it('reports unusable TLS material as a ConfigError', async () => {
    const error = await failure(
      InfoConnection.connect({
        host: '127.0.0.1',
        port: node.port,
        tls: { name: 'node1.test', cert: 'junk', key: 'junk' },
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ path: 'tls' });
  });

  describe('against a server that accepts TCP but never speaks TLS', () => {
    let silent: TestServer;
    beforeAll(async () => {
      silent = await startTcpServer(() => undefined);
    });
    afterAll(() => silent.close());

    it('times out the handshake with TimeoutError(connect) and closes the socket', async () => {
      const error = await failure(
        InfoConnection.connect({
          host: '127.0.0.1',
          port: silent.port,
          tls: { name: 'node1.test' },
          connectTimeoutMs: 150,
        }),
      );
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ phase: 'connect', timeoutMs: 150 });
      const accepted = silent.sockets.at(-1)!;
      await new Promise((resolve) => (accepted.destroyed ? resolve(undefined) : accepted.once('close', resolve)));
    });

    it('abandons the attempt when the signal aborts', async () => {
      const controller = new AbortController();
      const attempt = InfoConnection.connect({
        host: '127.0.0.1',
        port: silent.port,
        tls: { name: 'node1.test' },
        connectTimeoutMs: 20_000,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error('lost the race')), 30);
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(AbortedError);
      expect(error).toMatchObject({ code: 'ERR_ABORTED' });
      expect(((error as Error).cause as Error).message).toBe('lost the race');
    });
  });
});
