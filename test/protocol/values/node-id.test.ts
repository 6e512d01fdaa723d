import { describe, expect, it } from 'vitest';
import { InfoParseError } from '../../../src/protocol/errors.js';
import { formatNodeId, isNodeId, parseNodeId } from '../../../src/protocol/values/node-id.js';
import { NODE_OF_PORT, PORTS, capturedValue } from '../fixture-data.js';

describe('node id', () => {
  it('parses the ids of the captured cluster', () => {
    for (const port of PORTS) expect(parseNodeId(capturedValue(port, 'node'))).toBe(NODE_OF_PORT[port]);
  });

  it('accepts 1..16 uppercase hex digits', () => {
    for (const id of ['0', 'A1', 'BB9010011AC4202', 'FFFFFFFFFFFFFFFF']) expect(parseNodeId(id)).toBe(id);
  });

  it.each(['', 'a1', 'bb9010011ac4202', '1FFFFFFFFFFFFFFFF', ' A1', 'A1 ', 'A1\n', 'G1', '0x1A', '-1', 'A-1'])(
    'rejects %j with InfoParseError',
    (value) => {
      expect(() => parseNodeId(value)).toThrow(InfoParseError);
      expect(isNodeId(value)).toBe(false);
    },
  );

  it('names the command and what was expected', () => {
    const error = (() => {
      try {
        parseNodeId('a1');
      } catch (e) {
        return e as InfoParseError;
      }
      return undefined;
    })();
    expect(error?.command).toBe('node');
    expect(error?.code).toBe('ERR_INFO_PARSE');
    expect(error?.message).toMatch(/uppercase hex/);
  });

  it('formats like %lX: uppercase, no leading zeros', () => {
    expect(formatNodeId(0xbb9010011ac4202n)).toBe('BB9010011AC4202');
    expect(formatNodeId(0n)).toBe('0');
    expect(formatNodeId(0xffff_ffff_ffff_ffffn)).toBe('FFFFFFFFFFFFFFFF');
    expect(formatNodeId('00a1')).toBe('A1');
    expect(formatNodeId('A2')).toBe('A2');
  });

  it('refuses to format ids outside 64 bits or not hex', () => {
    expect(() => formatNodeId(-1n)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatNodeId(1n << 64n)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatNodeId('xyz')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatNodeId('')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatNodeId('11111111111111111')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
