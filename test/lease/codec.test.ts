import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatLease,
  LeaseFormatError,
  leaseRecordName,
  MAX_LEASE_TEXT,
  parseLease,
  sameLease,
  type LeaseProblem,
} from '../../src/lease/codec.js';

function problemOf(text: unknown): LeaseProblem | undefined {
  try {
    parseLease(text);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(LeaseFormatError);
    expect((error as LeaseFormatError).code).toBe('ERR_LEASE_FORMAT');
    return (error as LeaseFormatError).problem;
  }
}

describe('lease TXT codec', () => {
  it('reads the documented text', () => {
    expect(parseLease('holder=registrar-a until=1764870000000 term=7')).toEqual({
      holder: 'registrar-a',
      until: 1764870000000,
      term: 7,
    });
    expect(parseLease('holder=b until=0 term=1')).toEqual({ holder: 'b', until: 0, term: 1 });
    expect(leaseRecordName('seed.db.example.com')).toBe('_seedkeeper-lease.seed.db.example.com');
  });

  it.each([
    [42, 'not-text'],
    ['x'.repeat(MAX_LEASE_TEXT + 1), 'too-long'],
    ['', 'fields'],
    ['holder=a until=1 term=1 ', 'fields'],
    ['holder=a  until=1 term=1', 'fields'],
    ['until=1 holder=a term=1', 'fields'],
    ['holder=a until=1 term=1 extra=2', 'fields'],
    ['holder=a\tuntil=1 term=1', 'fields'],
    ['holder= until=1 term=1', 'holder'],
    ['holder=-a until=1 term=1', 'holder'],
    ['holder=a/b until=1 term=1', 'holder'],
    [`holder=${'a'.repeat(65)} until=1 term=1`, 'holder'],
    ['holder=a until=01 term=1', 'until'],
    ['holder=a until=-1 term=1', 'until'],
    ['holder=a until=1e3 term=1', 'until'],
    ['holder=a until=1.5 term=1', 'until'],
    ['holder=a until=9007199254740992 term=1', 'until'],
    ['holder=a until= term=1', 'until'],
    ['holder=a until=1 term=0', 'term'],
    ['holder=a until=1 term=+3', 'term'],
    ['holder=a until=1 term=0x10', 'term'],
  ] as const)('refuses %j as %s', (text, problem) => {
    expect(problemOf(text)).toBe(problem);
  });

  it('refuses to write what it would refuse to read', () => {
    expect(() => formatLease({ holder: 'a b', until: 1, term: 1 })).toThrow(/holder=/);
    expect(() => formatLease({ holder: 'a', until: Number.NaN, term: 1 })).toThrow(/until=NaN/);
    expect(() => formatLease({ holder: 'a', until: 1, term: 0 })).toThrow(/term=0/);
  });

  it('round-trips every valid lease, within the length bound', () => {
    const holder = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
    fc.assert(
      fc.property(
        holder,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (h, until, term) => {
          const text = formatLease({ holder: h, until, term });
          expect(text.length).toBeLessThanOrEqual(MAX_LEASE_TEXT);
          expect(sameLease(parseLease(text), { holder: h, until, term })).toBe(true);
        },
      ),
    );
  });

  it('never throws anything but LeaseFormatError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        problemOf(text);
      }),
    );
  });
});
