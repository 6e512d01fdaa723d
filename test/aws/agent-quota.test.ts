/**
 * An agent joining a per-node Route 53 record that already holds Route 53's 100 records per name: its
 * registration fails with a retryable, non-usage error (the agent's watch loop retries; nothing stops), and
 * nothing is written.
 */
import { describe, expect, it } from 'vitest';
import { createDnsTarget } from '../../src/agent/targets/dns.js';
import { ProviderError } from '../../src/providers/types.js';
import { a, addresses, marker, NAME, OWNER, userRecords, useWorld } from '../providers/route53/helpers.js';

const world = useWorld();

describe('agent on a full per-node record', () => {
  it('agent 101 gets ERR_ROUTE53_RECORD_QUOTA (retryable, not usage); the 100 records stay', async () => {
    const ips = addresses(100);
    await world.provider({ mode: 'per-node' }).apply([
      { kind: 'create', set: marker() },
      { kind: 'create', set: { ...a(ips), ids: Object.fromEntries(ips.map((ip) => [ip, `i-${ip}`])) } },
    ]);
    const target = createDnsTarget({
      provider: world.provider({ mode: 'per-node' }),
      name: NAME,
      ttl: 30,
      ownerId: OWNER,
    });
    const error = await target.register({ id: 'i-new', address: '10.9.9.9', port: 3000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'ERR_ROUTE53_RECORD_QUOTA' });
    expect((error as ProviderError).hasLabel('usage')).toBe(false);
    expect((error as ProviderError).hasLabel('retryable')).toBe(true);
    expect(userRecords(world.model).filter((r) => r.Type === 'A')).toHaveLength(100);
    await target.close();
  });
});
