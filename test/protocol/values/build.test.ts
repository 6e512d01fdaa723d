import { describe, expect, it } from 'vitest';
import { InfoParseError } from '../../../src/protocol/errors.js';
import { MIN_SUPPORTED_BUILD, compareBuild, formatBuild, parseBuild } from '../../../src/protocol/values/build.js';
import { PORTS, capturedValue } from '../fixture-data.js';

describe('build', () => {
  it('parses the captured 8.1.2.0 on every node', () => {
    for (const port of PORTS) {
      expect(parseBuild(capturedValue(port, 'build'))).toEqual({
        major: 8,
        minor: 1,
        patch: 2,
        build: 0,
        text: '8.1.2.0',
      });
    }
  });

  it('accepts three parts (build 0) and a development suffix', () => {
    expect(parseBuild('4.9.0')).toMatchObject({ major: 4, minor: 9, patch: 0, build: 0 });
    expect(parseBuild('8.1.0.0-rc2')).toMatchObject({ major: 8, minor: 1, patch: 0, build: 0, text: '8.1.0.0-rc2' });
    expect(parseBuild('65535.0.0.65535')).toMatchObject({ major: 65535, build: 65535 });
  });

  it.each([
    '',
    '8',
    '8.1',
    '8.1.2.0.1',
    '65536.0.0',
    'a.b.c',
    '8..1',
    '8.1.',
    ' 8.1.2',
    '8.1.2 ',
    '-1.2.3',
    '8.1.2.0-rc 1',
    'ERROR:4:x',
    '1e3.1.1',
    '8.1.2.0\n',
  ])('rejects %j', (value) => expect(() => parseBuild(value)).toThrow(InfoParseError));

  it('rejects an absurdly long value before splitting it', () => {
    expect(() => parseBuild('1.'.repeat(100_000))).toThrow(/exceeds the limit/);
  });

  it('orders builds against the 4.9.0.3 minimum', () => {
    expect(compareBuild(parseBuild('4.9.0.3'), MIN_SUPPORTED_BUILD)).toBe(0);
    expect(compareBuild(parseBuild('4.9.0.2'), MIN_SUPPORTED_BUILD)).toBeLessThan(0);
    expect(compareBuild(parseBuild('4.9.0'), MIN_SUPPORTED_BUILD)).toBeLessThan(0);
    expect(compareBuild(parseBuild('4.8.99.99'), MIN_SUPPORTED_BUILD)).toBeLessThan(0);
    expect(compareBuild(parseBuild('4.10.0.0'), MIN_SUPPORTED_BUILD)).toBeGreaterThan(0);
    expect(compareBuild(parseBuild('8.1.2.0'), MIN_SUPPORTED_BUILD)).toBeGreaterThan(0);
    expect(compareBuild(parseBuild('8.1.2.0'), [8, 1, 2, 1])).toBeLessThan(0);
  });

  it('formats four parts and round-trips', () => {
    expect(formatBuild([8, 1, 2, 0])).toBe('8.1.2.0');
    expect(parseBuild(formatBuild([4, 9, 0, 3]))).toMatchObject({ major: 4, minor: 9, patch: 0, build: 3 });
    expect(() => formatBuild([8, 1, 2, 65536])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatBuild([8, 1, -2, 0])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
