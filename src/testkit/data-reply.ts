/**
 * The minimal answer to a data message (proto type 3/4): a bare as_msg carrying only a result code, so a
 * client's get/put/batch fails with that code instead of waiting for a reply that never comes. The simulator
 * stores no records.
 *
 * as_msg header (22 bytes, big-endian): header_sz, info1, info2, info3, unused, result_code, generation u32,
 * record_ttl u32, transaction_ttl u32, n_fields u16, n_ops u16; fields and ops follow (none here).
 */
import { MessageType, frame } from '../protocol/header.js';

export const AS_MSG_HEADER_SIZE = 22;
/** info3 bit: last message of a (possibly multi-part) reply. */
export const AS_MSG_INFO3_LAST = 0x01;

/** Result codes the simulator answers data messages with. */
export const DataResult = {
  KEY_NOT_FOUND: 2,
  NOT_AUTHENTICATED: 80,
} as const;
export type DataResult = (typeof DataResult)[keyof typeof DataResult];

export interface AsMsgSummary {
  readonly headerSize: number;
  readonly info1: number;
  readonly info2: number;
  readonly info3: number;
  readonly resultCode: number;
  readonly fieldCount: number;
  readonly opCount: number;
}

/** Read the fixed as_msg header of a type-3 body; undefined when the body is too short to hold one. */
export function readAsMsgHeader(body: Buffer): AsMsgSummary | undefined {
  if (body.length < AS_MSG_HEADER_SIZE) return undefined;
  return {
    headerSize: body[0]!,
    info1: body[1]!,
    info2: body[2]!,
    info3: body[3]!,
    resultCode: body[5]!,
    fieldCount: body.readUInt16BE(18),
    opCount: body.readUInt16BE(20),
  };
}

/** A complete type-3 reply (proto header included) with no fields and no bins. */
export function encodeDataReply(resultCode: number): Buffer {
  const msg = Buffer.alloc(AS_MSG_HEADER_SIZE);
  msg[0] = AS_MSG_HEADER_SIZE;
  msg[3] = AS_MSG_INFO3_LAST;
  msg[5] = resultCode;
  return frame(MessageType.Message, msg);
}
