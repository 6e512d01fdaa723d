/**
 * Replicas against a real BIND 9 primary (RFC 2136 with TSIG): a leader paused past its lease has its late,
 * fenced UPDATE refused by BIND (the lease prerequisite no longer holds), and a follower takes over from a
 * crashed leader within lease duration + skew margin + one renew interval.
 */
import { afterEach, expect, it } from 'vitest';
import { leaseOptions, worstTakeoverMs } from '../../src/lease/index.js';
import { createLogger } from '../../src/log/logger.js';
import { Leadership } from '../../src/registrar/leadership.js';
import { startBind, type BindServer } from '../harness/bind.js';
import { describeIfTool } from '../harness/require-tool.js';
import { keyOf, providerFor } from '../providers/rfc2136/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { cuttable, leaseHolder, pausedLeaderIsFenced } from './fencing-scenario.js';

let bind: BindServer | undefined;

afterEach(async () => {
  await bind?.stop();
  bind = undefined;
});

describeIfTool(['named', 'dig'])('registrar replicas against BIND 9', () => {
  it('refuses the late write of a leader paused past its lease; the successor writes', async () => {
    bind = await startBind({ zone: 'seed.test' });
    const provider = providerFor(bind, await keyOf(bind));
    await pausedLeaderIsFenced(provider, `db.${bind.zone}`);
    // What BIND serves is what the successor wrote, never the paused leader's write.
    expect((await bind.resolver().resolve4(`db.${bind.zone}`)).sort()).toEqual(['192.0.2.2']);
    await provider.close();
  });

  it('a follower takes over from a crashed leader within lease + skew + one renew interval (real time)', async () => {
    bind = await startBind({ zone: 'seed.test' });
    const name = `db.${bind.zone}`;
    const key = await keyOf(bind);
    const lease = leaseOptions({ durationMs: 1000, renewEveryMs: 300, skewMarginMs: 100 });
    const logger = createLogger('silent');
    const viewOfA = cuttable(providerFor(bind, key));
    const b = providerFor(bind, key);
    const a = new Leadership({ name, provider: viewOfA, id: 'replica-a', lease, logger });
    const follower = new Leadership({ name, provider: b, id: 'replica-b', lease, logger });
    try {
      a.start();
      await waitFor(() => a.isLeader(), { what: 'A to lead' });
      follower.start();
      await waitFor(() => follower.status().holder === 'replica-a', { what: 'B to follow' });
      // Crash A: its view of BIND is gone, it never releases. Its last renewal was at most one interval ago.
      const { until } = (await leaseHolder(b, name))!;
      viewOfA.cut = true;
      await waitFor(() => follower.isLeader(), { what: 'B to take over', timeoutMs: 10_000, intervalMs: 5 });
      const tookAt = Date.now();
      const lastWrite = until - lease.durationMs;
      // Bound: the lease runs out, the skew margin passes, B looks within one interval (+ I/O on a loaded machine).
      expect(tookAt - lastWrite).toBeLessThanOrEqual(worstTakeoverMs(lease) + 500);
      expect(tookAt - lastWrite).toBeGreaterThanOrEqual(lease.durationMs + lease.skewMarginMs - 50);
      expect(await leaseHolder(b, name)).toMatchObject({ holder: 'replica-b', term: 2 });
    } finally {
      await a.stop();
      await follower.stop();
      await viewOfA.close();
      await b.close();
    }
  });
});
