/**
 * Load-balancer (and NAT) detection for a seed: if the address we dialled is not among the addresses the
 * node advertises for itself, reconnect to an advertised one, require the same node id, and use that.
 * We compare address AND port, and do it for loopback seeds too: an LB on 127.0.0.1:3000 in front of nodes on
 * 127.0.0.1:3101.. is exactly the case the official clients miss.
 */
import type { InfoConnection } from '../protocol/connection.js';
import { formatHostPort, sameEndpoint, type HostPort } from '../net/endpoint.js';
import { parseNodeId } from '../protocol/values/node-id.js';
import { NodeIdMismatchError } from './errors.js';
import { openConnection } from './node-connect.js';
import { race } from './race.js';
import type { DiscoveryContext } from './options.js';

export type LoadBalancerVerdict =
  /** The node advertises nothing: detection impossible, the seed address is kept. */
  | { readonly kind: 'no-service-list' }
  /** The dialled address is one the node advertises. */
  | { readonly kind: 'direct' }
  /** The dialled address is not the node's: we reconnected to an advertised address. */
  | {
      readonly kind: 'redirected';
      readonly address: HostPort;
      readonly connection: InfoConnection;
      readonly advertised: readonly HostPort[];
    }
  /** Not the node's address, and no advertised address answered as this node. */
  | {
      readonly kind: 'advertised-unreachable';
      readonly advertised: readonly HostPort[];
      readonly failures: readonly { readonly address: HostPort; readonly error: unknown }[];
    };

export async function detectLoadBalancer(
  ctx: DiscoveryContext,
  dialled: HostPort,
  nodeId: string,
  services: readonly HostPort[] | undefined,
  seedConnection: InfoConnection,
  options: { tlsName?: string; signal?: AbortSignal } = {},
): Promise<LoadBalancerVerdict> {
  if (!services || services.length === 0) return { kind: 'no-service-list' };
  const advertised = services.map(ctx.translate);
  if (advertised.some((a) => sameEndpoint(a, dialled))) return { kind: 'direct' };
  const session = seedConnection.session;
  // Advertised addresses are raced like seeds: one unreachable entry (a private IP seen from outside) costs nothing.
  const result = await race(
    advertised,
    async (address, signal) => {
      const connection = await openConnection(ctx, address, {
        ...(options.tlsName ? { tlsName: options.tlsName } : {}),
        ...(session ? { credentials: { user: session.user, sessionToken: session.token } } : {}),
        signal,
      });
      try {
        // A connect can "succeed" without the node we want behind it (another LB, NAT): check the id.
        const reply = await connection.info(['node'], { signal });
        const actual = parseNodeId(reply.value('node'));
        if (actual !== nodeId) throw new NodeIdMismatchError(address, nodeId, actual);
        return connection;
      } catch (error) {
        connection.close();
        throw error;
      }
    },
    { dispose: (connection) => connection.close(), ...(options.signal ? { signal: options.signal } : {}) },
  );
  if (result.winner) {
    return { kind: 'redirected', address: result.winner.candidate, connection: result.winner.value, advertised };
  }
  const failures = result.attempts.map((a) => ({ address: a.candidate, error: a.error ?? new Error(a.status) }));
  return { kind: 'advertised-unreachable', advertised, failures };
}

export function describeAdvertised(advertised: readonly HostPort[]): string {
  return advertised.map(formatHostPort).join(', ');
}
