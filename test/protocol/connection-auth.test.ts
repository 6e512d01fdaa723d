import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AdminCommand,
  AdminField,
  AdminResult,
  decodeAdminMessage,
  encodeAdminMessage,
  encodeSessionTtl,
  type AdminMessage,
} from '../../src/protocol/admin.js';
import { InfoConnection } from '../../src/protocol/connection.js';
import { hashPassword } from '../../src/protocol/credential.js';
import { AuthError, ConnectionClosedError, ProtocolError, TimeoutError } from '../../src/protocol/errors.js';
import { MessageType } from '../../src/protocol/header.js';
import { decodeInfoRequest } from '../../src/protocol/info-codec.js';
import { infoReply, onFrames, startTcpServer } from './servers.js';

const TOKEN = Buffer.from('0123456789abcdef-token');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A node with security: admin messages go to `admin` (which returns the reply bytes, or nothing to stay
 * silent); info is answered only once the connection has authenticated, as the server does.
 */
async function secureNode(admin: (message: AdminMessage) => Buffer | undefined) {
  const seen: AdminMessage[] = [];
  const s = await startTcpServer((socket: net.Socket) => {
    let authenticated = false;
    onFrames(socket, (f) => {
      if (f.header.type === MessageType.Admin) {
        const message = decodeAdminMessage(f.headerBytes, f.body);
        seen.push(message);
        const reply = admin(message);
        if (reply === undefined) return;
        authenticated = reply[9] === AdminResult.OK;
        socket.write(reply);
        return;
      }
      const commands = decodeInfoRequest(f.body);
      socket.write(
        authenticated ? infoReply(commands.map((c) => [c, 'ok'] as const)) : Buffer.from([2, 1, 0, 0, 0, 0, 0, 0]),
      );
    });
  });
  cleanups.push(() => s.close());
  return { port: s.port, seen };
}

const result = (code: number, fields: { id: number; data: Buffer }[] = []) =>
  encodeAdminMessage({ command: AdminCommand.LOGIN, result: code, fields });

async function connect(port: number, credentials: Parameters<typeof InfoConnection.connect>[0]['credentials']) {
  const connection = await InfoConnection.connect({ host: '127.0.0.1', port, credentials, connectTimeoutMs: 10_000 });
  cleanups.push(() => connection.close());
  return connection;
}

describe('InfoConnection: LOGIN and AUTHENTICATE', () => {
  it('logs in with the bcrypt credential and keeps the session token and expiry', async () => {
    const node = await secureNode((m) => {
      const ok =
        m.command === AdminCommand.LOGIN &&
        m.fields.get(AdminField.USER)?.toString() === 'admin' &&
        m.fields.get(AdminField.CREDENTIAL)?.toString() === hashPassword('pa55');
      return ok
        ? result(AdminResult.OK, [
            { id: AdminField.SESSION_TOKEN, data: TOKEN },
            { id: AdminField.SESSION_TTL, data: encodeSessionTtl(3600) },
          ])
        : result(AdminResult.INVALID_CREDENTIAL);
    });
    const before = Date.now();
    const connection = await connect(node.port, { user: 'admin', password: 'pa55' });
    const after = Date.now();
    expect(node.seen).toHaveLength(1);
    expect(node.seen[0]!.fields.size).toBe(2);
    expect(connection.session?.user).toBe('admin');
    expect(connection.session?.token).toEqual(TOKEN);
    expect(connection.session?.expiresAt).toBeGreaterThanOrEqual(before + 3540_000);
    expect(connection.session?.expiresAt).toBeLessThanOrEqual(after + 3540_000);
    // Tend traffic flows on the login socket with no AUTHENTICATE.
    await expect(connection.info(['node'])).resolves.toMatchObject({ entries: [{ name: 'node', value: 'ok' }] });
  });

  it('leaves the expiry unknown when the TTL is missing or too short for the margin', async () => {
    const node = await secureNode(() =>
      result(AdminResult.OK, [
        { id: AdminField.SESSION_TOKEN, data: TOKEN },
        { id: AdminField.SESSION_TTL, data: encodeSessionTtl(30) },
      ]),
    );
    const connection = await connect(node.port, { user: 'admin', password: 'x' });
    expect(connection.session?.token).toEqual(TOKEN);
    expect(connection.session?.expiresAt).toBeUndefined();
  });

  it.each([
    [AdminResult.INVALID_PASSWORD, /invalid password/],
    [AdminResult.INVALID_USER, /invalid user/],
    [AdminResult.SECURITY_NOT_SUPPORTED, /Community Edition/],
    [AdminResult.EXPIRED_SESSION, /session expired/],
  ])('fails with AuthError when LOGIN is answered %i', async (code, text) => {
    const node = await secureNode(() => result(code));
    const error: unknown = await connect(node.port, { user: 'admin', password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'ERR_AUTH', resultCode: code });
    expect((error as Error).message).toMatch(text);
    expect((error as Error).message).not.toContain('wrong');
  });

  it('carries on without a session when security is not enabled (52)', async () => {
    const node = await secureNode(() => result(AdminResult.SECURITY_NOT_ENABLED));
    const connection = await connect(node.port, { user: 'admin', password: 'x' });
    expect(connection.session).toBeUndefined();
    expect(connection.isOpen).toBe(true);
  });

  it('refuses a successful LOGIN reply without a token', async () => {
    const node = await secureNode(() => result(AdminResult.OK));
    await expect(connect(node.port, { user: 'admin', password: 'x' })).rejects.toBeInstanceOf(ProtocolError);
  });

  it('authenticates a new connection with an existing token', async () => {
    const node = await secureNode((m) => {
      const ok =
        m.command === AdminCommand.AUTHENTICATE &&
        m.fields.get(AdminField.USER)?.toString() === 'admin' &&
        m.fields.get(AdminField.SESSION_TOKEN)?.equals(TOKEN) === true;
      return encodeAdminMessage({
        command: m.command,
        result: ok ? AdminResult.OK : AdminResult.NOT_AUTHENTICATED,
        fields: [],
      });
    });
    const connection = await connect(node.port, { user: 'admin', sessionToken: TOKEN });
    expect(connection.session).toEqual({ user: 'admin', token: TOKEN, expiresAt: undefined });
    await expect(connection.info(['node'])).resolves.toBeDefined();

    const refused: unknown = await connect(node.port, { user: 'admin', sessionToken: Buffer.from('stale') }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'ERR_AUTH', resultCode: AdminResult.NOT_AUTHENTICATED });
    expect((refused as Error).message).toMatch(/authenticate/);
  });

  it('times out a login the server never answers, under the connect deadline', async () => {
    const node = await secureNode(() => undefined);
    const error: unknown = await InfoConnection.connect({
      host: '127.0.0.1',
      port: node.port,
      credentials: { user: 'admin', password: 'x' },
      connectTimeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'login' });
  });

  it('reports a server that hangs up instead of answering LOGIN', async () => {
    const s = await startTcpServer((socket) => onFrames(socket, () => socket.destroy()));
    cleanups.push(() => s.close());
    await expect(connect(s.port, { user: 'admin', password: 'x' })).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});
