/**
 * The 8-byte proto header that starts every Aerospike message in either direction:
 * byte 0 version (2), byte 1 type, bytes 2..7 body size (48-bit big-endian).
 */
import { NotAerospikeError, ProtocolError, ResponseTooLargeError } from './errors.js';
import { InvalidArgumentError } from '../errors.js';

export const PROTO_VERSION = 2;
export const HEADER_SIZE = 8;
/** The server refuses anything larger (PROTO_SIZE_MAX). */
export const PROTO_SIZE_MAX = 128 * 1024 * 1024;

export const MessageType = {
  Info: 1,
  Admin: 2,
  Message: 3,
  Compressed: 4,
  Xdr: 5,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(MessageType));

export interface ProtoHeader {
  readonly version: number;
  readonly type: MessageType;
  readonly size: number;
}

export function encodeHeader(type: MessageType, size: number): Buffer {
  if (!Number.isSafeInteger(size) || size < 0 || size > PROTO_SIZE_MAX) {
    throw new InvalidArgumentError('size', `message body size ${size} is outside 0..${PROTO_SIZE_MAX}`);
  }
  const header = Buffer.alloc(HEADER_SIZE);
  header[0] = PROTO_VERSION;
  header[1] = type;
  header.writeUIntBE(size, 2, 6);
  return header;
}

/** Frame a body: header plus body in one buffer. */
export function frame(type: MessageType, body: Buffer): Buffer {
  return Buffer.concat([encodeHeader(type, body.length), body]);
}

export interface DecodeHeaderOptions {
  /** Largest body accepted; defaults to the protocol maximum. */
  readonly maxBodySize?: number;
  /** When set, any other type is a protocol error. */
  readonly expectedType?: MessageType;
}

/**
 * Decode and check a header: type first, then version, then size, the order the C client uses. Version 0
 * is accepted only with the admin type, as the server does for backward compatibility.
 */
export function decodeHeader(bytes: Uint8Array, options: DecodeHeaderOptions = {}): ProtoHeader {
  if (bytes.length < HEADER_SIZE) {
    throw new ProtocolError(`proto header needs ${HEADER_SIZE} bytes, got ${bytes.length}`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const version = buf[0]!;
  const type = buf[1]!;
  const size = buf.readUIntBE(2, 6);
  if (!KNOWN_TYPES.has(type) || (version !== PROTO_VERSION && version !== 0)) {
    const foreign = sniffForeignProtocol(buf);
    if (foreign) throw new NotAerospikeError(foreign);
  }
  if (!KNOWN_TYPES.has(type)) {
    throw new ProtocolError(`invalid proto type ${type}: this port does not seem to speak the Aerospike protocol`);
  }
  if (options.expectedType !== undefined && type !== options.expectedType) {
    throw new ProtocolError(`unexpected proto type ${type}, expected ${options.expectedType}`);
  }
  if (version !== PROTO_VERSION && !(version === 0 && type === MessageType.Admin)) {
    throw new ProtocolError(`invalid proto version ${version}`);
  }
  const limit = Math.min(options.maxBodySize ?? PROTO_SIZE_MAX, PROTO_SIZE_MAX);
  if (size > limit) {
    throw new ResponseTooLargeError(size, limit);
  }
  return { version, type: type as MessageType, size };
}

/**
 * Name the protocol a non-Aerospike answer is in, from its first bytes, so a wrong port is reported as such
 * rather than as a framing error. Undefined when nothing is recognised.
 */
export function sniffForeignProtocol(bytes: Buffer): string | undefined {
  const text = bytes.toString('latin1');
  if (/^HTTP\//.test(text) || /^<(!|html|\?xml)/i.test(text)) return 'HTTP';
  if ((bytes[0] === 0x15 || bytes[0] === 0x16) && bytes[1] === 0x03) return 'TLS; is this a TLS port? use --tls-name';
  if (text.startsWith('SSH-')) return 'SSH';
  if (/^[\x20-\x7e\r\n\t]+$/.test(text)) return `a text protocol: ${JSON.stringify(text)}`;
  return undefined;
}
