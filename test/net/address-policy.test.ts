import { describe, expect, it } from 'vitest';
import { checkNodeAddress } from '../../src/net/address-policy.js';

describe('checkNodeAddress', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5', 4],
    ['192.0.2.7', '192.0.2.7', 4],
    ['2001:DB8::1', '2001:db8::1', 6],
    ['::ffff:10.1.2.3', '10.1.2.3', 4],
    ['::ffff:a01:203', '10.1.2.3', 4],
  ])('accepts %s as %s', (input, address, family) => {
    expect(checkNodeAddress(input)).toEqual({ ok: true, address, family });
  });

  it.each([
    ['0.0.0.0', /0\.0\.0\.0\/8/],
    ['255.255.255.255', /broadcast/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['240.1.2.3', /reserved/],
    ['169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /zone/],
    ['::', /unspecified/],
    ['::ffff:0.0.0.0', /0\.0\.0\.0\/8/],
    ['127.0.0.1', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /loopback/],
    ['example.com', /not an IPv4 or IPv6/],
  ])('refuses %s, naming the address and the reason', (input, reason) => {
    const verdict = checkNodeAddress(input);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.reason).toMatch(reason);
      if (input.length <= 64) expect(verdict.reason).toContain(JSON.stringify(input));
    }
  });

  it('accepts loopback only when the policy allows it', () => {
    expect(checkNodeAddress('127.0.0.2', { allowLoopback: true })).toEqual({
      ok: true,
      address: '127.0.0.2',
      family: 4,
    });
    expect(checkNodeAddress('::1', { allowLoopback: true })).toEqual({ ok: true, address: '::1', family: 6 });
    expect(checkNodeAddress('::ffff:127.0.0.1', { allowLoopback: true })).toEqual({
      ok: true,
      address: '127.0.0.1',
      family: 4,
    });
  });
});
