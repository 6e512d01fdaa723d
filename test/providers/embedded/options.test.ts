// Library options of the embedded server and the Route 53 pacing: a bad value is an InvalidArgumentError naming it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EMBEDDED_DNS_LIMITS, resolveLimits } from '../../../src/providers/embedded/limits.js';
import { startEmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import { RateBudget, TokenBucket } from '../../../src/providers/route53/rate.js';
import { systemClock } from '../../../src/time/clock.js';

const invalid = (path: string): unknown => expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', path });

describe('embedded DNS server options', () => {
  it('limits: defaults, and bad values named', () => {
    expect(resolveLimits()).toEqual(DEFAULT_EMBEDDED_DNS_LIMITS);
    expect(() => resolveLimits({ maxTcpConnections: 0 })).toThrow(invalid('limits.maxTcpConnections'));
    expect(() => resolveLimits({ tcpIdleTimeoutMs: 1.5 })).toThrow(invalid('limits.tcpIdleTimeoutMs'));
  });

  it('host, port and workers are checked before anything listens', async () => {
    await expect(startEmbeddedDnsServer({ zone: 'example.test', host: 'localhost', port: 0 })).rejects.toThrow(
      invalid('host'),
    );
    await expect(startEmbeddedDnsServer({ zone: 'example.test', port: 70_000 })).rejects.toThrow(invalid('port'));
    await expect(startEmbeddedDnsServer({ zone: 'example.test', port: 0, workers: 65 })).rejects.toThrow(
      invalid('workers'),
    );
  });
});

describe('Route 53 pacing options', () => {
  it('names the bad value', () => {
    expect(() => new TokenBucket(0, 1, systemClock)).toThrow(invalid('burst'));
    expect(() => new TokenBucket(1, Number.NaN, systemClock)).toThrow(invalid('perSecond'));
    expect(() => new RateBudget(-1, systemClock)).toThrow(invalid('requestsPerSecond'));
  });
});
