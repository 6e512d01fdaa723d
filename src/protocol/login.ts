/**
 * What a connection sends to prove itself and how it reads the answer (§6.2, §6.3): LOGIN with a bcrypt
 * credential yields a session token; AUTHENTICATE presents a token from an earlier LOGIN. Result 52 (security
 * not enabled) counts as success without a session, as the C and Java clients treat it.
 */
import { AuthError, ProtocolError } from './errors.js';
import {
  AdminField,
  AdminResult,
  decodeSessionTtl,
  describeAdminResult,
  encodeAuthenticate,
  encodeLogin,
  type AdminMessage,
} from './admin.js';
import { hashPasswordAsync } from './credential.js';

export type Credentials =
  /** LOGIN with the bcrypt credential. */
  | { readonly user: string; readonly password: string }
  /** AUTHENTICATE with an existing token. */
  | { readonly user: string; readonly sessionToken: Buffer };

export interface Session {
  readonly user: string;
  readonly token: Buffer;
  /** Epoch milliseconds after which the client should LOGIN again; undefined when the server gave no usable TTL. */
  readonly expiresAt: number | undefined;
}

/** Clients treat a session as ending this long before the server does, so they never present a dead token. */
const EXPIRY_MARGIN_S = 60;

/** Start the bcrypt work early: the caller may overlap it with the TCP/TLS handshake. */
export function prepareAdminRequest(credentials: Credentials): Promise<Buffer> {
  if ('password' in credentials) {
    return hashPasswordAsync(credentials.password).then((credential) => encodeLogin(credentials.user, credential));
  }
  return Promise.resolve(encodeAuthenticate(credentials.user, credentials.sessionToken));
}

/**
 * Read the reply to our LOGIN/AUTHENTICATE. Returns the session the connection now holds (the new one after
 * LOGIN, the presented one after AUTHENTICATE), undefined when security is off; throws AuthError on refusal.
 */
export function readAdminReply(
  credentials: Credentials,
  reply: AdminMessage,
  address: string,
  now: number = Date.now(),
): Session | undefined {
  const isLogin = 'password' in credentials;
  const verb = isLogin ? 'login' : 'authenticate';
  if (reply.result === AdminResult.SECURITY_NOT_ENABLED) return undefined;
  if (reply.result !== AdminResult.OK) {
    throw new AuthError(
      reply.result,
      `${address}: ${verb} as '${credentials.user}' refused: ${describeAdminResult(reply.result)}`,
    );
  }
  // The token we presented stays valid for this connection; expose it so others (LB redirects) can reuse it.
  if (!isLogin) return { user: credentials.user, token: credentials.sessionToken, expiresAt: undefined };
  const token = reply.fields.get(AdminField.SESSION_TOKEN);
  if (token === undefined || token.length === 0) {
    throw new ProtocolError(`${address}: login succeeded but the reply carries no session token`);
  }
  const ttlField = reply.fields.get(AdminField.SESSION_TTL);
  const ttl = ttlField === undefined ? undefined : decodeSessionTtl(ttlField);
  // As the Java and Go clients do: a TTL too short to leave a margin is treated as "no known expiry".
  const usable = ttl !== undefined && ttl > EXPIRY_MARGIN_S ? ttl - EXPIRY_MARGIN_S : undefined;
  return { user: credentials.user, token, expiresAt: usable === undefined ? undefined : now + usable * 1000 };
}
