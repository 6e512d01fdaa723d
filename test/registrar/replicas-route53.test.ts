/**
 * Replicas against the stateful Route 53 model (the real SDK client): the late, fenced change batch of a
 * leader paused past its lease is refused as a whole (DELETE-exact + CREATE of the lease in the batch), in
 * shared and per-node mode; in per-node mode the refused batch is not bisected into halves that could pass
 * without the lease (the fence heads every batch, and a refusal naming the lease ends the bisect).
 */
import '../aws/sdk-env.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createRoute53Provider } from '../../src/providers/route53/index.js';
import { ConflictError } from '../../src/providers/types.js';
import { fenced, leaseRecordName, leaseSet, type Lease } from '../../src/lease/index.js';
import { Route53Model } from '../aws/route53-model.js';
import { testRoute53Client } from '../aws/sdk-env.js';
import { pausedLeaderIsFenced } from './fencing-scenario.js';

const ZONE_ID = 'Z0REPLICAS';
const ZONE = 'r53.test';
const NAME = 'seed.r53.test';
let model: Route53Model | undefined;

afterEach(() => {
  model?.restore();
  model = undefined;
});

function provider(mode: 'shared' | 'per-node'): ReturnType<typeof createRoute53Provider> {
  model = new Route53Model({ zones: [{ id: ZONE_ID, name: ZONE }] });
  model.install();
  return createRoute53Provider({
    client: testRoute53Client(),
    hostedZoneId: ZONE_ID,
    zone: ZONE,
    mode,
    random: () => 0.5,
  });
}

describe('registrar replicas against the Route 53 model', () => {
  it.each(['shared', 'per-node'] as const)(
    'refuses the late write of a leader paused past its lease (%s)',
    async (mode) => {
      await pausedLeaderIsFenced(provider(mode), NAME);
    },
  );

  it('puts the fence in every per-node batch and stops bisecting when the fence is what failed', async () => {
    const r53 = provider('per-node');
    const m = model!;
    const mine: Lease = { holder: 'replica-a', until: 2_000_000_000_000, term: 1 };
    const theirs: Lease = { holder: 'replica-b', until: 2_000_000_000_000, term: 2 };
    await r53.apply([{ kind: 'create', set: leaseSet(NAME, theirs) }]);
    await r53.read([NAME, leaseRecordName(NAME)]);
    const calls = m.calls.filter((c) => c.command === 'ChangeResourceRecordSets').length;
    const members = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'];
    const write = fenced(NAME, mine, [{ kind: 'create', set: { name: NAME, type: 'A', ttl: 5, values: members } }]);
    await expect(r53.apply(write)).rejects.toBeInstanceOf(ConflictError);
    // Nothing of the stale write applied, and one refused batch: no halves sent without (or with) the lease.
    expect(m.records(ZONE_ID).filter((r) => r.Type === 'A')).toEqual([]);
    expect(m.calls.filter((c) => c.command === 'ChangeResourceRecordSets').length - calls).toBe(1);
  });
});
