/**
 * Waiting for INSYNC: apply() waits when configured, waitForInsync() can be called on lastChangeId, and the
 * wait is bounded by a timeout (retryable ERR_ROUTE53_INSYNC_TIMEOUT). The model reports PENDING for the
 * first 3 GetChange calls of each change.
 */
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/providers/types.js';
import { NAME, a, plain, useWorld } from './helpers.js';

const world = useWorld({ insyncAfterPolls: 3 });
const statuses = () => world.model.callsOf('GetChange').length;

describe('route53: waiting for INSYNC', () => {
  it('apply() returns once Route 53 reports the change INSYNC, polling every pollMs', async () => {
    const p = world.provider({ waitForInsync: { timeoutMs: 60_000, pollMs: 1000 } });
    await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    const polls = world.model.callsOf('GetChange');
    expect(polls.map((c) => c.input)).toEqual(Array(4).fill({ Id: p.lastChangeId }));
    expect(polls.map((c) => c.at)).toEqual([200, 1200, 2200, 3200]); // the first waits its turn after the change (5/s)
  });

  it('apply() does not wait unless asked; waitForInsync(lastChangeId) does', async () => {
    const p = world.provider();
    await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    expect(statuses()).toBe(0);
    await p.waitForInsync(p.lastChangeId!);
    expect(statuses()).toBe(4);
  });

  it('gives up at the timeout with a retryable error; the change itself stays applied', async () => {
    const p = world.provider({ waitForInsync: { timeoutMs: 1500, pollMs: 1000 } });
    const error = await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'ERR_ROUTE53_INSYNC_TIMEOUT',
      message: expect.stringContaining('still PENDING after 1500 ms (3 polls'),
    });
    expect((error as ProviderError).hasLabel('retryable')).toBe(true);
    expect(world.model.callsOf('GetChange').map((c) => c.at)).toEqual([200, 1200, 1500]);
    expect(plain(await p.read([NAME]))).toEqual([a(['10.0.0.1'])]);
  });

  it('takes a timeout per call', async () => {
    const p = world.provider({ waitForInsync: { timeoutMs: 60_000, pollMs: 1000 } });
    const writer = world.provider();
    await writer.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    await expect(p.waitForInsync(writer.lastChangeId!, { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'ERR_ROUTE53_INSYNC_TIMEOUT',
    });
    expect(world.model.callsOf('GetChange')).toHaveLength(2);
  });

  it('keeps polling through throttling', async () => {
    const p = world.provider({ waitForInsync: { timeoutMs: 60_000, pollMs: 1000 } });
    await p.apply([{ kind: 'create', set: a(['10.0.0.1']) }]);
    const before = statuses();
    await p.apply([{ kind: 'update', before: (await p.read([NAME]))[0]!, after: a(['10.0.0.2']) }]);
    expect(statuses() - before).toBe(4);
    world.model.injectThrottling(2);
    await p.waitForInsync(p.lastChangeId!);
    expect(
      world.model
        .callsOf('GetChange')
        .slice(-3)
        .map((c) => c.error),
    ).toEqual(['Throttling', 'Throttling', undefined]);
  });
});
