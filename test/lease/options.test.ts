import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_LEASE_OPTIONS, leaseOptions, worstTakeoverMs } from '../../src/lease/options.js';

describe('lease options', () => {
  it('defaults to 15 s leases renewed every 5 s with 2 s of skew: takeover within 22 s', () => {
    expect(leaseOptions()).toEqual(DEFAULT_LEASE_OPTIONS);
    expect(worstTakeoverMs(leaseOptions())).toBe(22_000);
  });

  it('takes overrides over the defaults', () => {
    expect(leaseOptions({ durationMs: 3000, renewEveryMs: 1000, skewMarginMs: 500 })).toEqual({
      durationMs: 3000,
      renewEveryMs: 1000,
      skewMarginMs: 500,
    });
  });

  it.each([
    [{ durationMs: 999 }, 'lease.durationMs'],
    [{ durationMs: 1.5e3 + 0.5 }, 'lease.durationMs'],
    [{ durationMs: 3_600_001 }, 'lease.durationMs'],
    [{ renewEveryMs: 99 }, 'lease.renewEveryMs'],
    [{ skewMarginMs: -1 }, 'lease.skewMarginMs'],
    [{ skewMarginMs: Number.NaN }, 'lease.skewMarginMs'],
    [{ renewEveryMs: 7000 }, 'lease.renewEveryMs'],
    [{ durationMs: 11_999 }, 'lease.renewEveryMs'],
  ])('refuses %j at %s', (input, path) => {
    let error: unknown;
    try {
      leaseOptions(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe(path);
  });
});
