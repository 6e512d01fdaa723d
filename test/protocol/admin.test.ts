import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_MAX_FIELDS,
  AdminCommand,
  AdminField,
  AdminResult,
  decodeAdminMessage,
  decodeSessionTtl,
  describeAdminResult,
  encodeAdminMessage,
  encodeAuthenticate,
  encodeLogin,
  encodeSessionTtl,
} from '../../src/protocol/admin.js';
import { ProtocolError } from '../../src/protocol/errors.js';
import { HEADER_SIZE, MessageType, encodeHeader } from '../../src/protocol/header.js';

const split = (message: Buffer) => [message.subarray(0, HEADER_SIZE), message.subarray(HEADER_SIZE)] as const;
const decode = (message: Buffer) => decodeAdminMessage(...split(message));
/** Body with a given admin header and raw field bytes, framed with a correct proto header. */
const raw = (count: number, fieldBytes: Buffer) => {
  const body = Buffer.concat([
    Buffer.from([0, 0, AdminCommand.LOGIN, count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    fieldBytes,
  ]);
  return [encodeHeader(MessageType.Admin, body.length), body] as const;
};

describe('admin messages', () => {
  it('encodes LOGIN exactly as observed on the wire (§6.2)', () => {
    const credential = '$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa';
    const message = encodeLogin('admin', credential);
    expect(message.subarray(0, 8).toString('hex')).toBe('020200000000005b');
    expect(message.subarray(8, 24).toString('hex')).toBe('00001402' + '00'.repeat(12));
    expect(message.subarray(24, 34).toString('hex')).toBe('000000060061646d696e'); // len 6, id 0, "admin"
    expect(message.readUInt32BE(34)).toBe(61);
    expect(message[38]).toBe(AdminField.CREDENTIAL);
    expect(message.subarray(39).toString()).toBe(credential);
  });

  it('round-trips commands, results and fields', () => {
    const token = Buffer.from([0, 1, 2, 255]);
    const reply = encodeAdminMessage({
      command: AdminCommand.LOGIN,
      result: AdminResult.OK,
      fields: [
        { id: AdminField.SESSION_TOKEN, data: token },
        { id: AdminField.SESSION_TTL, data: encodeSessionTtl(86_400) },
      ],
    });
    expect(reply[9]).toBe(0); // result at absolute byte 9, field count at 11
    expect(reply[11]).toBe(2);
    const decoded = decode(reply);
    expect(decoded.command).toBe(AdminCommand.LOGIN);
    expect(decoded.fields.get(AdminField.SESSION_TOKEN)).toEqual(token);
    expect(decodeSessionTtl(decoded.fields.get(AdminField.SESSION_TTL)!)).toBe(86_400);

    const auth = decode(encodeAuthenticate('u', token));
    expect(auth.command).toBe(AdminCommand.AUTHENTICATE);
    expect(auth.fields.get(AdminField.USER)?.toString()).toBe('u');
    expect(auth.fields.get(AdminField.SESSION_TOKEN)).toEqual(token);

    const refused = decode(encodeAdminMessage({ command: AdminCommand.LOGIN, result: 62, fields: [] }));
    expect(refused.result).toBe(AdminResult.INVALID_PASSWORD);
    expect(refused.fields.size).toBe(0);
  });

  it('accepts an empty field (length 1)', () => {
    const decoded = decode(encodeAdminMessage({ command: 0, fields: [{ id: 0, data: Buffer.alloc(0) }] }));
    expect(decoded.fields.get(0)).toEqual(Buffer.alloc(0));
  });

  it.each([
    ['a body shorter than the admin header', () => [encodeHeader(MessageType.Admin, 3), Buffer.alloc(3)] as const],
    ['a truncated field header', () => raw(1, Buffer.from([0, 0, 0]))],
    ['a field length of 0', () => raw(1, Buffer.from([0, 0, 0, 0, 5]))],
    ['a field longer than the message', () => raw(1, Buffer.from([0, 0, 0, 9, 5, 1, 2]))],
    ['a huge field length', () => raw(1, Buffer.from([0xff, 0xff, 0xff, 0xff, 5, 1]))],
    ['more fields than present', () => raw(2, Buffer.from([0, 0, 0, 2, 5, 1]))],
    ['trailing bytes after the fields', () => raw(1, Buffer.from([0, 0, 0, 2, 5, 1, 9]))],
    ['a duplicated field id', () => raw(2, Buffer.from([0, 0, 0, 2, 5, 1, 0, 0, 0, 2, 5, 2]))],
    ['too many fields', () => raw(ADMIN_MAX_FIELDS + 1, Buffer.alloc(0))],
    ['a header/body size mismatch', () => [encodeHeader(MessageType.Admin, 20), Buffer.alloc(16)] as const],
    ['an info header', () => [encodeHeader(MessageType.Info, 16), Buffer.alloc(16)] as const],
    ['a short proto header', () => [Buffer.from([2, 2, 0]), Buffer.alloc(16)] as const],
  ])('refuses %s with ProtocolError', (_name, make) => {
    const [header, body] = make();
    expect(() => decodeAdminMessage(header, body)).toThrow(ProtocolError);
  });

  it('rejects out-of-range arguments when encoding', () => {
    expect(() => encodeAdminMessage({ command: 256, fields: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => encodeAdminMessage({ command: 0, fields: [{ id: -1, data: Buffer.alloc(0) }] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => decodeSessionTtl(Buffer.alloc(3))).toThrow(ProtocolError);
  });

  it('names result codes', () => {
    expect(describeAdminResult(51)).toContain('Community Edition');
    expect(describeAdminResult(200)).toContain('200');
  });

  it('decodes arbitrary bodies to a message or a ProtocolError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        const body = Buffer.from(bytes);
        try {
          decodeAdminMessage(encodeHeader(MessageType.Admin, body.length), body);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips arbitrary well-formed messages', () => {
    const field = fc.record({ id: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 40 }) });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uniqueArray(field, { selector: (f) => f.id, maxLength: 8 }),
        (command, result, fields) => {
          const input = fields.map((f) => ({ id: f.id, data: Buffer.from(f.data) }));
          const decoded = decode(encodeAdminMessage({ command, result, fields: input }));
          expect(decoded.command).toBe(command);
          expect(decoded.result).toBe(result);
          expect([...decoded.fields]).toEqual(input.map((f) => [f.id, f.data]));
        },
      ),
      { numRuns: 200 },
    );
  });
});
