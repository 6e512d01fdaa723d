// The provider contract against the Route 53 model (test/aws/route53-model.ts), in both modes: one shared
// record per name, and one multivalue-answer record per member.
import { describe } from 'vitest';
import { createRoute53Provider, type Route53Mode } from '../../../src/providers/route53/index.js';
import { Route53Model } from '../../aws/route53-model.js';
import { testRoute53Client } from '../../aws/sdk-env.js';
import { fakeTime } from '../route53/helpers.js';
import { providerContract } from './contract.js';

const ZONE_ID = 'Z0CONTRACT';
const ZONE = 'contract.example.com';

// per-node turns an update into per-member additions and removals, checked one member record at a time,
// not against the whole set the plan saw; and a marker that fails does not hold back the member records.
const PER_NODE_GAPS = {
  cas: 'per-node applies a stale update member by member instead of refusing it',
  batch: 'per-node applies member records even when the marker change in the same batch is stale',
};

for (const mode of ['shared', 'per-node'] as const satisfies readonly Route53Mode[]) {
  describe(`DnsProvider contract: route53 (${mode})`, () => {
    providerContract({
      ...(mode === 'per-node' ? { knownGaps: PER_NODE_GAPS } : {}),
      start() {
        const time = fakeTime(); // the provider's pacing sleeps cost no real time
        const model = new Route53Model({ zones: [{ id: ZONE_ID, name: ZONE }], clock: () => time.now() });
        model.install();
        const provider = () =>
          createRoute53Provider({
            client: testRoute53Client(),
            hostedZoneId: ZONE_ID,
            zone: ZONE,
            mode,
            clock: time,
            random: () => 0.5,
          });
        return Promise.resolve({ zone: ZONE, provider, stop: () => Promise.resolve(model.restore()) });
      },
    });
  });
}
