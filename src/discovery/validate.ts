/**
 * Node validation: the info request sent on every new connection and the checks applied to its reply
 * (aerospike-protocol.md §4.3). Unlike the official clients we always ask for `cluster-name` (so reports can
 * show it) and, for seeds, for the service list even on loopback: a load balancer on 127.0.0.1 must not fool us.
 */
import type { HostPort } from '../net/endpoint.js';
import type { InfoReply } from '../protocol/info-codec.js';
import { compareBuild, MIN_SUPPORTED_BUILD, parseBuild, type BuildVersion } from '../protocol/values/build.js';
import { parsePartitionGeneration } from '../protocol/values/generation.js';
import { parseNodeId } from '../protocol/values/node-id.js';
import { parseServiceList } from '../protocol/values/services.js';
import { ClusterNameMismatchError, NodeIdMismatchError, NodeValidationError } from './errors.js';

export interface NodeInfo {
  readonly nodeId: string;
  readonly build: BuildVersion;
  readonly partitionGeneration: number;
  readonly clusterName: string | undefined;
  /** The node's own addresses (access-address list); undefined when not asked or not answered. */
  readonly services: readonly HostPort[] | undefined;
}

export interface ValidationRequest {
  readonly commands: readonly string[];
  readonly serviceCommand: string | undefined;
}

export function validationRequest(serviceCommand: string | undefined): ValidationRequest {
  const commands = ['node', 'partition-generation', 'build', 'cluster-name'];
  if (serviceCommand) commands.push(serviceCommand);
  return { commands, serviceCommand };
}

export interface ValidationExpectations {
  readonly clusterName?: string;
  /** Required node id (peers: the id the peer list gave). */
  readonly nodeId?: string;
}

/** Check a validation reply; throws a typed error naming the address when the node must not be used. */
export function checkValidationReply(
  address: HostPort,
  request: ValidationRequest,
  reply: InfoReply,
  expect: ValidationExpectations,
): NodeInfo {
  try {
    const nodeId = parseNodeId(reply.value('node'));
    if (expect.nodeId !== undefined && expect.nodeId !== nodeId) {
      throw new NodeIdMismatchError(address, expect.nodeId, nodeId);
    }
    const partitionGeneration = parsePartitionGeneration(reply.value('partition-generation'));
    if (partitionGeneration === -1) {
      throw new NodeValidationError(
        address,
        'not-ready',
        `node ${nodeId} is not yet fully initialized (partition-generation -1)`,
      );
    }
    const build = parseBuild(reply.value('build'));
    if (compareBuild(build, MIN_SUPPORTED_BUILD) < 0) {
      throw new NodeValidationError(
        address,
        'unsupported-build',
        `node ${nodeId} runs server ${build.text}; at least 4.9.0.3 is required`,
      );
    }
    const clusterName = reply.optional('cluster-name');
    if (expect.clusterName !== undefined && clusterName !== expect.clusterName) {
      throw new ClusterNameMismatchError(address, nodeId, expect.clusterName, clusterName);
    }
    const serviceText = request.serviceCommand ? reply.optional(request.serviceCommand) : undefined;
    const services = serviceText === undefined ? undefined : parseServiceList(serviceText, request.serviceCommand);
    return { nodeId, build, partitionGeneration, clusterName, services };
  } catch (error) {
    if (
      error instanceof NodeValidationError ||
      error instanceof NodeIdMismatchError ||
      error instanceof ClusterNameMismatchError
    ) {
      throw error;
    }
    throw new NodeValidationError(address, 'bad-reply', 'invalid validation reply', error);
  }
}
