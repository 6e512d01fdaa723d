import { describe, expect, it } from 'vitest';
import { InfoParseError } from '../../../src/protocol/errors.js';
import {
  formatGeneration,
  parsePartitionGeneration,
  parseUnsignedGeneration,
} from '../../../src/protocol/values/generation.js';
import { PORTS, a3Stopped, capturedValue, valueOf } from '../fixture-data.js';

describe('generations', () => {
  it('parses the captured generations', () => {
    for (const port of PORTS) {
      expect(parsePartitionGeneration(capturedValue(port, 'partition-generation'))).toBe(0);
      expect(parseUnsignedGeneration('peers-generation', capturedValue(port, 'peers-generation'))).toBe(4);
      expect(parseUnsignedGeneration('rebalance-generation', capturedValue(port, 'rebalance-generation'))).toBe(1);
    }
  });

  it('sees the bumped generations after A3 stopped', () => {
    for (const port of ['3101', '3102']) {
      const node = a3Stopped[port]!;
      expect(parseUnsignedGeneration('peers-generation', valueOf(node['peers-generation']!, 'peers-generation'))).toBe(
        5,
      );
      expect(parsePartitionGeneration(valueOf(node['partition-generation']!, 'partition-generation'))).toBe(2676);
    }
  });

  it('keeps -1 (not ready) and the signed 32-bit bounds', () => {
    expect(parsePartitionGeneration('-1')).toBe(-1);
    expect(parsePartitionGeneration('2147483647')).toBe(2147483647);
    expect(parsePartitionGeneration('-2147483648')).toBe(-2147483648);
    expect(Object.is(parsePartitionGeneration('-0'), 0)).toBe(true);
  });

  it.each([
    '',
    '-',
    '+1',
    '1.0',
    ' 1',
    '1 ',
    '0x10',
    '1e3',
    '2147483648',
    '-2147483649',
    '--1',
    'NaN',
    '99999999999999999999',
  ])('partition-generation rejects %j', (value) =>
    expect(() => parsePartitionGeneration(value)).toThrow(InfoParseError),
  );

  it('reads unsigned generations up to 2^32-1 and names the command in errors', () => {
    expect(parseUnsignedGeneration('peers-generation', '4294967295')).toBe(4294967295);
    for (const bad of ['-1', '4294967296', '', '1a', ' 1']) {
      expect(() => parseUnsignedGeneration('rebalance-generation', bad)).toThrow(/'rebalance-generation'/);
    }
  });

  it('formats generations within range', () => {
    expect(formatGeneration(7)).toBe('7');
    expect(formatGeneration(-1, true)).toBe('-1');
    expect(() => formatGeneration(-1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatGeneration(2 ** 31, true)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatGeneration(1.5)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
