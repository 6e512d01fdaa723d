/**
 * Security for a simulated node: LOGIN with user + bcrypt credential, AUTHENTICATE with a session token,
 * answered as §6 describes. Sessions are shared by the whole simulated cluster (a real cluster accepts a token
 * on every node). Without auth configured, every admin message gets 52 SECURITY_NOT_ENABLED, which clients
 * treat as "carry on without auth".
 */
import { randomBytes } from 'node:crypto';
import {
  AdminCommand,
  AdminField,
  AdminResult,
  encodeAdminMessage,
  encodeSessionTtl,
  type AdminMessage,
} from '../protocol/admin.js';
import { hashPasswordAsync } from '../protocol/credential.js';
import { InvalidArgumentError } from '../errors.js';

export interface SimUser {
  readonly user: string;
  readonly password: string;
}

export interface SimAuthOptions {
  readonly users: readonly SimUser[];
  /** SESSION_TTL sent on LOGIN, seconds. Default 86400 (the server default). */
  readonly sessionTtlSeconds?: number;
}

export interface AdminOutcome {
  readonly reply: Buffer;
  readonly result: number;
  /** The connection counts as authenticated from now on. */
  readonly authenticated: boolean;
}

/** Bound on live tokens, so a client that logs in forever cannot grow memory. */
const MAX_SESSIONS = 10_000;

export class SimAuth {
  private readonly credentials = new Map<string, string>();
  private readonly sessions = new Map<string, string>(); // token hex → user
  readonly sessionTtlSeconds: number;

  private constructor(credentials: ReadonlyMap<string, string>, sessionTtlSeconds: number) {
    for (const [user, credential] of credentials) this.credentials.set(user, credential);
    this.sessionTtlSeconds = sessionTtlSeconds;
  }

  /** Hash every password (bcrypt, off the hot path) and build the checker. */
  static async create(options: SimAuthOptions): Promise<SimAuth> {
    if (options.users.length === 0) throw new InvalidArgumentError('users', 'auth needs at least one user');
    const credentials = new Map<string, string>();
    for (const { user, password } of options.users) credentials.set(user, await hashPasswordAsync(password));
    return new SimAuth(credentials, options.sessionTtlSeconds ?? 86_400);
  }

  /** Forget every issued token (e.g. to force clients to log in again). */
  revokeSessions(): void {
    this.sessions.clear();
  }

  answer(message: AdminMessage): AdminOutcome {
    const user = message.fields.get(AdminField.USER)?.toString('utf8');
    if (message.command === AdminCommand.LOGIN) {
      if (user === undefined || !this.credentials.has(user)) return reply(message.command, AdminResult.INVALID_USER);
      const credential = message.fields.get(AdminField.CREDENTIAL)?.toString('utf8');
      if (credential !== this.credentials.get(user)) return reply(message.command, AdminResult.INVALID_CREDENTIAL);
      const token = randomBytes(32);
      if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
      this.sessions.set(token.toString('hex'), user);
      return {
        reply: encodeAdminMessage({
          command: message.command,
          result: AdminResult.OK,
          fields: [
            { id: AdminField.SESSION_TOKEN, data: token },
            { id: AdminField.SESSION_TTL, data: encodeSessionTtl(this.sessionTtlSeconds) },
          ],
        }),
        result: AdminResult.OK,
        authenticated: true,
      };
    }
    if (message.command === AdminCommand.AUTHENTICATE) {
      const token = message.fields.get(AdminField.SESSION_TOKEN);
      const owner = token ? this.sessions.get(token.toString('hex')) : undefined;
      if (owner === undefined) return reply(message.command, AdminResult.EXPIRED_SESSION);
      if (user !== undefined && user !== owner) return reply(message.command, AdminResult.INVALID_USER);
      return { ...reply(message.command, AdminResult.OK), authenticated: true };
    }
    return reply(message.command, AdminResult.INVALID_COMMAND);
  }
}

function reply(command: number, result: number): AdminOutcome {
  return { reply: encodeAdminMessage({ command, result, fields: [] }), result, authenticated: false };
}

/** What a node without security answers to any admin message. */
export function securityNotEnabled(command: number): AdminOutcome {
  return reply(command, AdminResult.SECURITY_NOT_ENABLED);
}
