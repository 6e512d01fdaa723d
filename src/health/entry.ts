/** The checker's record of one endpoint: its state and where it stands in the scheduler. */
import { ConfigError } from '../errors.js';
import { isValidPort } from '../net/endpoint.js';
import type { HeapItem } from './due-heap.js';
import type { Endpoint, EndpointHealth } from './types.js';

export class Entry implements HeapItem {
  due = 0;
  heapIndex = -1;
  /** Token of the probe in flight; 0 when none. */
  run = 0;
  startedAt = 0;
  /** When the next (or running) probe is due by the period; NaN after a fast re-probe. See cadence.ts. */
  nominal = Number.NaN;
  expedite = false;
  removed = false;
  constructor(
    public health: EndpointHealth,
    /** Offset of this endpoint's probes within the interval. */
    readonly phase: number,
  ) {}
  get endpoint(): Endpoint {
    return this.health.endpoint;
  }
}

/** Same host text, port and identity check (the probe dials the text as written): otherwise the endpoint counts as new. */
export function sameTarget(a: Endpoint, b: Endpoint): boolean {
  return a.host === b.host && a.port === b.port && a.expectedNodeId === b.expectedNodeId;
}

/** Throws ConfigError naming `endpoints[i].field`. */
export function checkEndpoint(endpoint: Endpoint, index: number): void {
  const path = `endpoints[${index}]`;
  if (typeof endpoint.key !== 'string' || endpoint.key === '')
    throw new ConfigError(`${path}.key`, 'must not be empty');
  if (typeof endpoint.host !== 'string' || endpoint.host === '')
    throw new ConfigError(`${path}.host`, 'must not be empty');
  if (!isValidPort(endpoint.port)) throw new ConfigError(`${path}.port`, `must be 1..65535, got ${endpoint.port}`);
}
