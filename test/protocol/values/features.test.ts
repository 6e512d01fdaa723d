import { describe, expect, it } from 'vitest';
import { InfoParseError } from '../../../src/protocol/errors.js';
import { formatFeatures, parseFeatures } from '../../../src/protocol/values/features.js';
import { PORTS, capturedValue } from '../fixture-data.js';

describe('features', () => {
  it('finds what clients look for in the captured list', () => {
    for (const port of PORTS) {
      const features = parseFeatures(capturedValue(port, 'features'));
      for (const name of ['pscans', 'query-show', 'batch-any', 'pquery', 'peers', 'replicas'])
        expect(features.has(name)).toBe(true);
      expect(features.has('pscan')).toBe(false);
      expect(features.size).toBe(22);
    }
  });

  it('reads an empty value as no features and skips empty items', () => {
    expect(parseFeatures('').size).toBe(0);
    expect([...parseFeatures('a;;b;')]).toEqual(['a', 'b']);
  });

  it.each(['a b', 'pscans;\tx', 'a\nb', 'caf\u00e9', 'x\u0000'])('rejects %j', (value) => {
    expect(() => parseFeatures(value)).toThrow(InfoParseError);
  });

  it('rejects too many features and oversized values', () => {
    expect(() => parseFeatures(Array.from({ length: 1100 }, (_, i) => `f${i}`).join(';'))).toThrow(/more than 1024/);
    expect(() => parseFeatures('x'.repeat(70_000))).toThrow(/exceeds the limit/);
  });

  it('formats with ";" and round-trips', () => {
    const list = ['batch-any', 'pscans', 'query-show'];
    expect(formatFeatures(list)).toBe('batch-any;pscans;query-show');
    expect([...parseFeatures(formatFeatures(list))]).toEqual(list);
    expect(() => formatFeatures(['a;b'])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => formatFeatures([''])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});
