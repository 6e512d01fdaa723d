/**
 * Throttled runs still converge: one rate budget paces every request, Throttling / PriorRequestNotComplete /
 * 5xx are retried with bounded full-jitter backoff, and what finally fails is a retryable ProviderError.
 * Time is fake (sleep only advances the clock), so the pacing is checked exactly and the tests are instant.
 */
import { describe, expect, it, vi } from 'vitest';
import { Route53Client } from '@aws-sdk/client-route-53';
import { RateBudget } from '../../../src/providers/route53/index.js';
import { ProviderError } from '../../../src/providers/types.js';
import { serviceError } from '../../aws/route53-model.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../../aws/sdk-env.js';
import { NAME, a, plain, userRecords, useWorld } from './helpers.js';

const world = useWorld();
const changeCalls = () => world.model.callsOf('ChangeResourceRecordSets');

describe('route53: throttling and retries', () => {
  it('converges through Throttling and PriorRequestNotComplete, pacing and backing off', async () => {
    const p = world.provider();
    world.model.injectThrottling(3);
    world.model.injectPriorRequestNotComplete(2);
    await p.apply([{ kind: 'create', set: a(['10.0.0.1', '10.0.0.2']) }]);
    expect(changeCalls().map((c) => c.error)).toEqual([
      'Throttling',
      'Throttling',
      'Throttling',
      'PriorRequestNotComplete',
      'PriorRequestNotComplete',
      undefined,
    ]);
    expect(p.stats).toEqual({ requests: 6, retries: 5, throttled: 5 });
    // random() = 0.5: backoff k = 0.5 * min(10000, 200 * 2^k); never closer than 200 ms (5 requests/s).
    const times = changeCalls().map((c) => c.at!);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([200, 200, 400, 800, 1600]);
    expect(plain(await p.read([NAME]))).toEqual([a(['10.0.0.1', '10.0.0.2'])]);
  });

  it('gives up after maxRetries with a retryable error and changes nothing; the next run converges', async () => {
    const p = world.provider({ rate: { maxRetries: 2 } });
    world.model.injectThrottling(3);
    const error = await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'ERR_ROUTE53_THROTTLED',
      message: expect.stringContaining('after 3 attempts'),
    });
    expect((error as ProviderError).hasLabel('retryable')).toBe(true);
    expect(userRecords(world.model)).toEqual([]);
    await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    expect(plain(await p.read([NAME]))).toEqual([a(['10.0.0.1'])]);
  });

  it('draws full-jitter delays below a ceiling that doubles up to maxDelayMs', async () => {
    const p = world.provider({ random: () => 0.999, rate: { baseDelayMs: 100, maxDelayMs: 500, maxRetries: 6 } });
    world.model.injectThrottling(5, 'ThrottlingException');
    await p.read([NAME]);
    // Backoffs 0.999 * min(500, 100 * 2^k) = 99, 199, 399, 499, 499; the budget still keeps calls 200 ms apart.
    const times = world.model.callsOf('ListResourceRecordSets').map((c) => c.at!);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([200, 200, 399, 499, 499]);
  });

  it('retries 5xx, but never a refusal', async () => {
    const p = world.provider();
    world.model.injectError(() => serviceError('InternalFailure', 'internal error', 500), { count: 2 });
    await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    expect(changeCalls().map((c) => c.error)).toEqual(['InternalFailure', 'InternalFailure', undefined]);
    await expect(p.apply([{ kind: 'create', set: a(['10.0.0.9']) }])).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    expect(changeCalls()).toHaveLength(4);
  });

  it('spaces concurrent requests of one provider by 1000/requestsPerSecond ms', async () => {
    const p = world.provider({ rate: { requestsPerSecond: 2 } });
    await Promise.all(Array.from({ length: 5 }, (_, i) => p.read([`n${i}.example.com`])));
    const times = world.model.callsOf('ListResourceRecordSets').map((c) => c.at!);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([500, 500, 500, 500]);
  });

  it('shares one budget between providers when asked', async () => {
    const budget = new RateBudget(5, world.time);
    const [one, two] = [world.provider({ rate: { budget } }), world.provider({ rate: { budget } })];
    await Promise.all([one.read([NAME]), two.read([NAME]), one.read([NAME]), two.read([NAME])]);
    const times = world.model.callsOf('ListResourceRecordSets').map((c) => c.at!);
    expect(times).toEqual([0, 200, 400, 600]);
  });

  it('warns once when the client retries on its own (SDK maxAttempts > 1)', async () => {
    const warn = vi.fn();
    const client = new Route53Client({ region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 3 });
    const p = world.provider({ client, logger: { warn, info: () => undefined, debug: () => undefined } });
    await p.read([NAME]);
    await p.read([NAME]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[1])).toContain('maxAttempts: 1');
  });
});
