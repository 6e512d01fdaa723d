/**
 * One node's periodic refresh (aerospike-protocol.md §5.2): on the node's own tend connection, reopened
 * when closed, ask for `node`, `peers-generation`, `partition-generation` (and `cluster-name` when one is
 * required, so a node that moved to another cluster is dropped at once).
 */
import type { InfoConnection } from '../protocol/connection.js';
import type { HostPort } from '../net/endpoint.js';
import { parsePartitionGeneration, parseUnsignedGeneration } from '../protocol/values/generation.js';
import { parseNodeId } from '../protocol/values/node-id.js';
import { ClusterNameMismatchError, NodeIdMismatchError } from './errors.js';
import { connectAndValidate } from './node-connect.js';
import type { DiscoveryContext } from './options.js';

export type RefreshOutcome =
  | {
      readonly kind: 'ok';
      readonly connection: InfoConnection;
      readonly peersGeneration: number;
      readonly partitionGeneration: number;
      /** The build, when the refresh had to reconnect (validation reads it); a restart may be an upgrade. */
      readonly build?: string;
    }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'node-id-changed'; readonly error: NodeIdMismatchError }
  | { readonly kind: 'cluster-name-changed'; readonly error: ClusterNameMismatchError };

export async function refreshNode(
  ctx: DiscoveryContext,
  nodeId: string,
  address: HostPort,
  tlsName: string | undefined,
  current: InfoConnection | undefined,
): Promise<RefreshOutcome> {
  let connection = current?.isOpen ? current : undefined;
  let build: string | undefined;
  try {
    if (!connection) {
      const validated = await connectAndValidate(ctx, address, { nodeId, ...(tlsName ? { tlsName } : {}) });
      connection = validated.connection;
      build = validated.info.build.text;
    }
    const clusterName = ctx.options.clusterName;
    const commands = ['node', 'peers-generation', 'partition-generation'];
    if (clusterName !== undefined) commands.push('cluster-name');
    const reply = await connection.info(commands);
    const actual = parseNodeId(reply.value('node'));
    if (actual !== nodeId) throw new NodeIdMismatchError(address, nodeId, actual);
    if (clusterName !== undefined) {
      const received = reply.optional('cluster-name');
      if (received !== clusterName) throw new ClusterNameMismatchError(address, nodeId, clusterName, received);
    }
    return {
      kind: 'ok',
      connection,
      peersGeneration: parseUnsignedGeneration('peers-generation', reply.value('peers-generation')),
      partitionGeneration: parsePartitionGeneration(reply.value('partition-generation')),
      ...(build !== undefined ? { build } : {}),
    };
  } catch (error) {
    connection?.close();
    if (error instanceof NodeIdMismatchError) return { kind: 'node-id-changed', error };
    if (error instanceof ClusterNameMismatchError) return { kind: 'cluster-name-changed', error };
    return { kind: 'failed', error };
  }
}
