import { describe, expect, it } from 'vitest';
import { NotAerospikeError, ProtocolError, ResponseTooLargeError } from '../../src/protocol/errors.js';
import {
  HEADER_SIZE,
  MessageType,
  PROTO_SIZE_MAX,
  decodeHeader,
  encodeHeader,
  frame,
} from '../../src/protocol/header.js';
import { threeNodes } from './fixture-data.js';

const hex = (text: string): Buffer => Buffer.from(text, 'hex');

describe('proto header', () => {
  it('decodes every captured reply header to version 2, type info and the body length', () => {
    let count = 0;
    for (const node of Object.values(threeNodes.nodes)) {
      for (const { header, body } of Object.values(node)) {
        const decoded = decodeHeader(hex(header), { expectedType: MessageType.Info });
        expect(decoded).toEqual({ version: 2, type: MessageType.Info, size: Buffer.byteLength(body, 'utf8') });
        count++;
      }
    }
    expect(count).toBe(3 * 19); // 17 single commands, one unknown command, one multi-command request
  });

  it('encodes the same bytes the server sent', () => {
    const { header, body } = threeNodes.nodes['3101']!['peers-clear-std']!;
    expect(encodeHeader(MessageType.Info, Buffer.byteLength(body)).toString('hex')).toBe(header);
    expect(frame(MessageType.Info, Buffer.from(body)).subarray(0, HEADER_SIZE).toString('hex')).toBe(header);
  });

  it('matches the spec example of §1.2', () => {
    expect(encodeHeader(MessageType.Info, 32).toString('hex')).toBe('0201000000000020');
    expect(decodeHeader(hex('020100000000003a')).size).toBe(58);
  });

  it('reads a header inside a larger buffer at its offset', () => {
    const bytes = Buffer.concat([hex('ffff'), hex('0201000000000008'), Buffer.from('node\tA1\n')]);
    expect(decodeHeader(bytes.subarray(2)).size).toBe(8);
  });

  it('checks type before version, then size', () => {
    expect(() => decodeHeader(hex('0209000000000000'))).toThrow(/invalid proto type 9/);
    expect(() => decodeHeader(hex('0309000000000000'))).toThrow(/invalid proto type/);
    expect(() => decodeHeader(hex('0301000000000000'))).toThrow(/invalid proto version 3/);
    expect(() => decodeHeader(hex('0201000000000008'), { expectedType: MessageType.Admin })).toThrow(ProtocolError);
  });

  it('accepts version 0 only with the admin type', () => {
    expect(decodeHeader(hex('0002000000000010')).version).toBe(0);
    expect(() => decodeHeader(hex('0001000000000010'))).toThrow(ProtocolError);
  });

  it('enforces the caller limit and the 128 MiB protocol limit', () => {
    expect(() => decodeHeader(hex('0201000000080001'), { maxBodySize: 512 * 1024 })).toThrow(ResponseTooLargeError);
    expect(decodeHeader(encodeHeader(MessageType.Info, PROTO_SIZE_MAX)).size).toBe(PROTO_SIZE_MAX);
    expect(() => decodeHeader(hex('0201000008000001'))).toThrow(ResponseTooLargeError);
    expect(() => decodeHeader(hex('0201ffffffffffff'), { maxBodySize: Number.MAX_SAFE_INTEGER })).toThrow(
      ResponseTooLargeError,
    );
  });

  it('needs eight bytes', () => {
    expect(() => decodeHeader(hex('02010000000000'))).toThrow(ProtocolError);
  });

  it('refuses to encode sizes outside the protocol range', () => {
    expect(() => encodeHeader(MessageType.Info, -1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => encodeHeader(MessageType.Info, PROTO_SIZE_MAX + 1)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('a port that does not speak the Aerospike protocol', () => {
  it.each([
    ['HTTP/1.1 400 Bad Request', /does not speak the Aerospike protocol \(it looks like HTTP\)/],
    ['<!DOCTYPE html>', /it looks like HTTP/],
    ['SSH-2.0-OpenSSH_9.6', /it looks like SSH/],
  ])('is named as such: %j', (text, message) => {
    expect(() => decodeHeader(Buffer.from(text, 'latin1'))).toThrow(message);
    expect(() => decodeHeader(Buffer.from(text, 'latin1'))).toThrow(NotAerospikeError);
  });

  it('an over-long reply says what the size means', () => {
    const header = Buffer.from([2, 1, 0, 0, 0x7f, 0, 0, 0]);
    expect(() => decodeHeader(header, { maxBodySize: 512 * 1024 })).toThrow(
      /announces \d+ bytes, more than the 524288 allowed: this port does not seem to speak the Aerospike protocol/,
    );
  });
});
