import { SeedkeeperError } from '../errors.js';

/** Discovery reached the cluster, but none of its nodes' own addresses answered from here. */
export class NoReachableNodeError extends SeedkeeperError {
  readonly unreachable: readonly string[];
  constructor(unreachable: readonly string[]) {
    super(
      'ERR_NO_REACHABLE_NODE',
      `no node address is reachable from here (${unreachable.join(', ') || 'no nodes'}); set access-address / alternate-access-address (with useAlternateAccessAddress)`,
      { labels: ['retryable'] },
    );
    this.unreachable = unreachable;
  }
}
