/**
 * Fault material for peer lists: a huge peers value (thousands of peers, each with many hosts) to hand to
 * `SimNode.setInfo('peers-clear-std', ...)`, and a "sink" that accepts connections, counts how many are open at
 * once, and closes each after a short hold, so tests can measure the fan-out a client produces.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { HostPort } from '../net/endpoint.js';
import { formatPeers, type PeerEntry } from '../protocol/values/peers.js';

export interface HugePeersOptions {
  readonly count: number;
  /** Hosts every peer lists; written without a port when it equals `defaultPort`. */
  readonly hosts: readonly HostPort[];
  readonly defaultPort: number;
  readonly generation?: number;
  /** Real peers listed first (so the cluster stays discoverable through the hostile node). */
  readonly real?: readonly PeerEntry[];
}

/** The i-th bogus peer id: distinct, valid, and far from the simulator's own ids. */
export function bogusPeerId(i: number): string {
  return (0xc00000000000n + BigInt(i)).toString(16).toUpperCase();
}

export function hugePeersValue(options: HugePeersOptions): string {
  const bogus = Array.from({ length: options.count - (options.real?.length ?? 0) }, (_, i) => ({
    nodeId: bogusPeerId(i),
    tlsName: '',
    hosts: options.hosts,
  }));
  const peers = [...(options.real ?? []), ...bogus];
  return formatPeers({ generation: options.generation ?? 1, defaultPort: options.defaultPort, peers });
}

export interface ConnectionSink {
  /** Listener addresses: the same port on each host. */
  readonly addresses: readonly HostPort[];
  readonly port: number;
  /** Connections accepted in total. */
  readonly accepted: number;
  /** The most connections open at once (across every listener). */
  readonly peakOpen: number;
  readonly open: number;
  close(): Promise<void>;
}

/**
 * Listen on the same free port on each of `hosts` (e.g. 127.0.0.1..127.0.0.9); every connection is closed
 * after `holdMs` without a byte sent, which a client sees as a node that hung up.
 */
export async function startConnectionSink(hosts: readonly string[], holdMs = 10): Promise<ConnectionSink> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  let peak = 0;
  const onSocket = (socket: Socket): void => {
    accepted++;
    sockets.add(socket);
    peak = Math.max(peak, sockets.size);
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), holdMs);
    socket.once('close', () => {
      clearTimeout(timer);
      sockets.delete(socket);
    });
  };
  let port = 0;
  try {
    for (const host of hosts) {
      const server = createServer(onSocket);
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const info = server.address();
      if (port === 0 && typeof info === 'object' && info) port = info.port;
    }
  } catch (error) {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    throw error;
  }
  return {
    addresses: hosts.map((host) => ({ host, port })),
    port,
    get accepted() {
      return accepted;
    },
    get peakOpen() {
      return peak;
    },
    get open() {
      return sockets.size;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
