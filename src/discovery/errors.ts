import { SeedkeeperError } from '../errors.js';
import { formatHostPort, type HostPort } from '../net/endpoint.js';

/** The node answered, but is not one we may use (not ready, too old, malformed validation reply). */
export class NodeValidationError extends SeedkeeperError {
  readonly address: HostPort;
  readonly reason: 'not-ready' | 'unsupported-build' | 'bad-reply';
  constructor(address: HostPort, reason: NodeValidationError['reason'], message: string, cause?: unknown) {
    super('ERR_NODE_INVALID', `${formatHostPort(address)}: ${message}`, { cause, labels: ['retryable'] });
    this.address = address;
    this.reason = reason;
  }
}

/** The node belongs to another cluster (for example, a recycled IP). */
export class ClusterNameMismatchError extends SeedkeeperError {
  readonly address: HostPort;
  readonly nodeId: string;
  readonly expected: string;
  readonly received: string | undefined;
  constructor(address: HostPort, nodeId: string, expected: string, received: string | undefined) {
    super(
      'ERR_CLUSTER_NAME',
      `${formatHostPort(address)}: node ${nodeId} belongs to cluster ${JSON.stringify(received ?? '(none)')}, expected ${JSON.stringify(expected)}`,
    );
    this.address = address;
    this.nodeId = nodeId;
    this.expected = expected;
    this.received = received;
  }
}

/** An address listed for node X answered as node Y. */
export class NodeIdMismatchError extends SeedkeeperError {
  readonly address: HostPort;
  readonly expected: string;
  readonly actual: string;
  constructor(address: HostPort, expected: string, actual: string) {
    super(
      'ERR_NODE_ID_MISMATCH',
      `${formatHostPort(address)}: expected node ${expected}, but node ${actual} answered`,
      {
        labels: ['retryable'],
      },
    );
    this.address = address;
    this.expected = expected;
    this.actual = actual;
  }
}

/** No seed address produced a usable node. `failures` lists what happened to each address tried. */
export class NoSeedNodeError extends SeedkeeperError {
  readonly failures: readonly { readonly address: string; readonly error: unknown }[];
  constructor(message: string, failures: NoSeedNodeError['failures']) {
    super('ERR_NO_NODE', message, { labels: ['retryable'], cause: failures[0]?.error });
    this.failures = failures;
  }
}

/** The cluster object was closed while an operation was in progress. */
export class ClusterClosedError extends SeedkeeperError {
  constructor() {
    super('ERR_CLUSTER_CLOSED', 'the cluster was closed');
  }
}
