import { describe, expect, it } from 'vitest';
import {
  checkBoolean,
  checkFunction,
  checkInteger,
  checkKnownKeys,
  checkNumber,
  checkObject,
  describeValue,
} from '../../src/config/options.js';
import { InvalidArgumentError } from '../../src/errors.js';

const invalid = (path: string): unknown => expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', path });

describe('option checks', () => {
  it('return the value when it fits', () => {
    expect(checkInteger(5, 'a', 0, 10)).toBe(5);
    expect(checkNumber(0.5, 'a', 0, 1)).toBe(0.5);
    expect(checkBoolean(false, 'a')).toBe(false);
    const fn = (): void => undefined;
    expect(checkFunction(fn, 'a')).toBe(fn);
    expect(() => checkObject({}, 'a')).not.toThrow();
    expect(() => checkKnownKeys({ a: 1 }, ['a', 'b'], 'x.')).not.toThrow();
  });

  it('throw InvalidArgumentError naming the path', () => {
    expect(() => checkInteger(1.5, 'x.n', 0, 10)).toThrow(invalid('x.n'));
    expect(() => checkInteger(11, 'x.n', 0, 10)).toThrow('x.n: expected an integer in 0..10, got number 11');
    expect(() => checkNumber(Number.NaN, 'x.f', 0, 1)).toThrow(invalid('x.f'));
    expect(() => checkBoolean('yes', 'x.b')).toThrow(invalid('x.b'));
    expect(() => checkFunction(1, 'x.fn')).toThrow(invalid('x.fn'));
    expect(() => checkObject([], 'x.o')).toThrow(invalid('x.o'));
    expect(() => checkKnownKeys({ typo: 1 }, ['a'], 'x.')).toThrow(invalid('x.typo'));
    expect(() => checkInteger('1', 'n', 0, 10)).toThrow(InvalidArgumentError);
  });

  it('describe values without quoting objects', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue({ secret: 'x' })).toBe('an object');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(2n)).toBe('bigint 2');
    expect(describeValue('a')).toBe('string "a"');
  });
});

describe('the error classes', () => {
  it('InvalidArgumentError carries a stable code, the path and the usage label', () => {
    const error = new InvalidArgumentError('limits.x', 'too big');
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(error.path).toBe('limits.x');
    expect(error.message).toBe('limits.x: too big');
    expect(error.hasLabel('usage')).toBe(true);
  });
});
