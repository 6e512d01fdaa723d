import { describe, expect, it } from 'vitest';
import { DEFAULT_STATUS_SERVICE_OPTIONS, resolveStatusServiceOptions } from '../../src/web/options.js';

const invalid = (path: string): unknown => expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', path });

describe('status service options', () => {
  it('apply the documented defaults', () => {
    expect(resolveStatusServiceOptions({ dnsTargets: [] })).toEqual(DEFAULT_STATUS_SERVICE_OPTIONS);
    expect(resolveStatusServiceOptions({ dnsTargets: [], pushMinMs: 10, systemResolver: false })).toMatchObject({
      pushMinMs: 10,
      systemResolver: false,
      sampleMs: 1000,
    });
  });

  it('refuse bad values, naming the option', () => {
    expect(() => resolveStatusServiceOptions({ dnsTargets: 'x' })).toThrow(invalid('dnsTargets'));
    expect(() => resolveStatusServiceOptions({ dnsTargets: [], sampleMs: 0 })).toThrow(invalid('sampleMs'));
    expect(() => resolveStatusServiceOptions({ dnsTargets: [], pushMinMs: -1 })).toThrow(invalid('pushMinMs'));
    expect(() => resolveStatusServiceOptions({ dnsTargets: [], systemResolver: 'no' as never })).toThrow(
      invalid('systemResolver'),
    );
    expect(() =>
      resolveStatusServiceOptions({ dnsTargets: [], sse: { maxClients: 0, keepaliveMs: 1, maxBufferedBytes: 4096 } }),
    ).toThrow(invalid('sse.maxClients'));
    expect(() => resolveStatusServiceOptions({ dnsTargets: [], serial: 5 })).toThrow(invalid('serial'));
  });
});
