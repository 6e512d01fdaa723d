/**
 * Admin (security) messages, proto type 2: LOGIN and AUTHENTICATE for our client, and the same decoder for the
 * simulated server. Layout (aerospike-protocol.md §6.1): proto header, a 16-byte admin header (scheme, result,
 * command, field count, 12 zero bytes), then fields of u32 BE length (data + 1), u8 id, data.
 */
import { ProtocolError } from './errors.js';
import { HEADER_SIZE, MessageType, decodeHeader, frame } from './header.js';
import { InvalidArgumentError } from '../errors.js';

export const AdminCommand = {
  AUTHENTICATE: 0,
  CREATE_USER: 1,
  DROP_USER: 2,
  SET_PASSWORD: 3,
  CHANGE_PASSWORD: 4,
  GRANT_ROLES: 5,
  REVOKE_ROLES: 6,
  QUERY_USERS: 9,
  CREATE_ROLE: 10,
  DROP_ROLE: 11,
  GRANT_PRIVILEGES: 12,
  REVOKE_PRIVILEGES: 13,
  SET_WHITELIST: 14,
  SET_QUOTAS: 15,
  QUERY_ROLES: 16,
  LOGIN: 20,
} as const;
export type AdminCommand = (typeof AdminCommand)[keyof typeof AdminCommand];

export const AdminField = {
  USER: 0,
  PASSWORD: 1,
  OLD_PASSWORD: 2,
  CREDENTIAL: 3,
  CLEAR_PASSWORD: 4,
  SESSION_TOKEN: 5,
  SESSION_TTL: 6,
  ROLES: 10,
  ROLE: 11,
  PRIVILEGES: 12,
  WHITELIST: 13,
  READ_QUOTA: 14,
  WRITE_QUOTA: 15,
  READ_INFO: 16,
  WRITE_INFO: 17,
  CONNECTIONS: 18,
} as const;
export type AdminField = (typeof AdminField)[keyof typeof AdminField];

/** Server result codes that security commands return (the subset a seeder can meet, plus neighbours). */
export const AdminResult = {
  OK: 0,
  SECURITY_NOT_SUPPORTED: 51,
  SECURITY_NOT_ENABLED: 52,
  SECURITY_SCHEME_NOT_SUPPORTED: 53,
  INVALID_COMMAND: 54,
  INVALID_FIELD: 55,
  ILLEGAL_STATE: 56,
  INVALID_USER: 60,
  USER_ALREADY_EXISTS: 61,
  INVALID_PASSWORD: 62,
  EXPIRED_PASSWORD: 63,
  FORBIDDEN_PASSWORD: 64,
  INVALID_CREDENTIAL: 65,
  EXPIRED_SESSION: 66,
  INVALID_ROLE: 70,
  NOT_AUTHENTICATED: 80,
  ROLE_VIOLATION: 81,
  NOT_WHITELISTED: 82,
  QUOTA_EXCEEDED: 83,
} as const;
export type AdminResult = (typeof AdminResult)[keyof typeof AdminResult];

const RESULT_TEXT: ReadonlyMap<number, string> = new Map([
  [AdminResult.OK, 'ok'],
  [AdminResult.SECURITY_NOT_SUPPORTED, 'security not supported (Community Edition?)'],
  [AdminResult.SECURITY_NOT_ENABLED, 'security not enabled'],
  [AdminResult.SECURITY_SCHEME_NOT_SUPPORTED, 'security scheme not supported'],
  [AdminResult.INVALID_COMMAND, 'invalid admin command'],
  [AdminResult.INVALID_FIELD, 'invalid admin field'],
  [AdminResult.ILLEGAL_STATE, 'illegal security state'],
  [AdminResult.INVALID_USER, 'invalid user'],
  [AdminResult.USER_ALREADY_EXISTS, 'user already exists'],
  [AdminResult.INVALID_PASSWORD, 'invalid password'],
  [AdminResult.EXPIRED_PASSWORD, 'password expired'],
  [AdminResult.FORBIDDEN_PASSWORD, 'forbidden password'],
  [AdminResult.INVALID_CREDENTIAL, 'invalid credential'],
  [AdminResult.EXPIRED_SESSION, 'session expired'],
  [AdminResult.INVALID_ROLE, 'invalid role'],
  [AdminResult.NOT_AUTHENTICATED, 'not authenticated'],
  [AdminResult.ROLE_VIOLATION, 'role violation'],
  [AdminResult.NOT_WHITELISTED, 'client address not in the allow list'],
  [AdminResult.QUOTA_EXCEEDED, 'quota exceeded'],
]);

/** Human text for a result code, for error messages and simulator logs. */
export function describeAdminResult(result: number): string {
  return `${RESULT_TEXT.get(result) ?? 'unknown result'} (result ${result})`;
}

export const ADMIN_HEADER_SIZE = 16;
/** More fields than any security command uses; a larger count means a corrupt message. */
export const ADMIN_MAX_FIELDS = 32;
/** Admin bodies we exchange are small (user, bcrypt credential, token); anything bigger is refused. */
export const ADMIN_MAX_BODY = 64 * 1024;
const FIELD_HEADER_SIZE = 5;

export interface AdminFieldValue {
  readonly id: number;
  readonly data: Buffer;
}

export interface AdminMessageInput {
  readonly command: number;
  /** Only responses carry a result; requests leave it 0. */
  readonly result?: number;
  readonly fields: readonly AdminFieldValue[];
}

export interface AdminMessage {
  readonly command: number;
  readonly result: number;
  readonly fields: Map<number, Buffer>;
}

function checkByte(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new InvalidArgumentError(name, `${value} is outside 0..255`);
  }
}

/** Encode a whole admin message, proto header included. Invalid arguments throw InvalidArgumentError. */
export function encodeAdminMessage(message: AdminMessageInput): Buffer {
  checkByte('command', message.command);
  checkByte('result', message.result ?? 0);
  if (message.fields.length > ADMIN_MAX_FIELDS) {
    throw new InvalidArgumentError(
      'fields',
      `admin message has ${message.fields.length} fields, limit ${ADMIN_MAX_FIELDS}`,
    );
  }
  const size = message.fields.reduce((sum, f) => sum + FIELD_HEADER_SIZE + f.data.length, ADMIN_HEADER_SIZE);
  if (size > ADMIN_MAX_BODY) {
    throw new InvalidArgumentError('fields', `admin message body of ${size} bytes exceeds ${ADMIN_MAX_BODY}`);
  }
  const body = Buffer.alloc(size);
  body[1] = message.result ?? 0;
  body[2] = message.command;
  body[3] = message.fields.length;
  let offset = ADMIN_HEADER_SIZE;
  for (const field of message.fields) {
    checkByte('field id', field.id);
    offset = body.writeUInt32BE(field.data.length + 1, offset);
    offset = body.writeUInt8(field.id, offset);
    offset += field.data.copy(body, offset);
  }
  return frame(MessageType.Admin, body);
}

/**
 * Decode an admin message from its proto header bytes and body (as FrameDecoder yields them). Every length is
 * checked against the bytes present; duplicate fields and trailing bytes are refused, since a peer that sends
 * them is out of step with us.
 */
export function decodeAdminMessage(headerBytes: Buffer, body: Buffer): AdminMessage {
  if (headerBytes.length !== HEADER_SIZE) {
    throw new ProtocolError(`admin proto header must be ${HEADER_SIZE} bytes, got ${headerBytes.length}`);
  }
  const header = decodeHeader(headerBytes, { expectedType: MessageType.Admin, maxBodySize: ADMIN_MAX_BODY });
  if (header.size !== body.length) {
    throw new ProtocolError(`admin header announces ${header.size} body bytes, got ${body.length}`);
  }
  if (body.length < ADMIN_HEADER_SIZE) {
    throw new ProtocolError(`admin body needs at least ${ADMIN_HEADER_SIZE} bytes, got ${body.length}`);
  }
  const result = body[1]!;
  const command = body[2]!;
  const count = body[3]!;
  if (count > ADMIN_MAX_FIELDS) {
    throw new ProtocolError(`admin message has ${count} fields, limit ${ADMIN_MAX_FIELDS}`);
  }
  const fields = new Map<number, Buffer>();
  let offset = ADMIN_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (body.length - offset < FIELD_HEADER_SIZE) {
      throw new ProtocolError(`admin field ${i} header is truncated at byte ${offset}`);
    }
    const length = body.readUInt32BE(offset);
    const id = body[offset + 4]!;
    const dataStart = offset + FIELD_HEADER_SIZE;
    if (length < 1 || length - 1 > body.length - dataStart) {
      throw new ProtocolError(`admin field ${i} (id ${id}) length ${length} does not fit the message`);
    }
    if (fields.has(id)) {
      throw new ProtocolError(`admin field id ${id} appears twice`);
    }
    offset = dataStart + length - 1;
    fields.set(id, Buffer.from(body.subarray(dataStart, offset)));
  }
  if (offset !== body.length) {
    throw new ProtocolError(`admin message has ${body.length - offset} bytes after its ${count} fields`);
  }
  return { command, result, fields };
}

/** LOGIN with internal authentication: USER and the bcrypt CREDENTIAL (see credential.ts). */
export function encodeLogin(user: string, credential: string): Buffer {
  return encodeAdminMessage({
    command: AdminCommand.LOGIN,
    fields: [
      { id: AdminField.USER, data: Buffer.from(user, 'utf8') },
      { id: AdminField.CREDENTIAL, data: Buffer.from(credential, 'utf8') },
    ],
  });
}

/** AUTHENTICATE a new connection with the token an earlier LOGIN returned. */
export function encodeAuthenticate(user: string, token: Buffer): Buffer {
  return encodeAdminMessage({
    command: AdminCommand.AUTHENTICATE,
    fields: [
      { id: AdminField.USER, data: Buffer.from(user, 'utf8') },
      { id: AdminField.SESSION_TOKEN, data: token },
    ],
  });
}

/** The SESSION_TTL field: u32 BE seconds. */
export function decodeSessionTtl(data: Buffer): number {
  if (data.length !== 4) throw new ProtocolError(`SESSION_TTL field must be 4 bytes, got ${data.length}`);
  return data.readUInt32BE(0);
}

export function encodeSessionTtl(seconds: number): Buffer {
  const data = Buffer.alloc(4);
  data.writeUInt32BE(seconds, 0);
  return data;
}
