/** A HealthView that judges every endpoint it is given healthy at once (registrar tests without probes). */
import type { Endpoint, EndpointHealth } from '../../src/health/types.js';
import type { HealthView } from '../../src/registrar/registrar.js';

export function healthyView(): HealthView {
  let endpoints = new Map<string, EndpointHealth>();
  return {
    setEndpoints(list: readonly Endpoint[]) {
      endpoints = new Map(
        list.map((endpoint) => [
          endpoint.key,
          {
            endpoint,
            state: 'healthy',
            since: 0,
            healthySince: 0,
            consecutivePasses: 2,
            failingSince: undefined,
            last: undefined,
            nodeId: undefined,
          },
        ]),
      );
    },
    snapshot: () => endpoints,
    on: () => undefined,
    start: () => undefined,
    stop: () => Promise.resolve(),
  };
}
