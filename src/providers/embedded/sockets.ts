/**
 * Binding the embedded server's sockets: UDP and TCP on one port (with port 0, a port free for both), and
 * closing them without throwing.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { literalLookup } from './listener.js';

/** Tries of a kernel-picked port (port 0) that turned out taken for the other protocol. */
export const FREE_PORT_ATTEMPTS = 20;

export function bindUdp(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

export function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

/** UDP and TCP bound on the same port; with port 0, retries when the kernel's UDP pick is taken for TCP. */
export async function bindBoth(
  host: string,
  port: number,
): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  const type = net.isIPv6(host) ? 'udp6' : 'udp4';
  for (let attempt = 1; ; attempt++) {
    const udp = dgram.createSocket({ type, reuseAddr: false, lookup: literalLookup });
    try {
      await bindUdp(udp, host, port);
    } catch (err) {
      await closeUdp(udp);
      throw err;
    }
    const actual = udp.address().port;
    const tcp = net.createServer({ noDelay: true });
    try {
      await listenTcp(tcp, host, actual);
      return { udp, tcp, port: actual };
    } catch (err) {
      await closeUdp(udp);
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port !== 0 || !inUse || attempt >= FREE_PORT_ATTEMPTS) throw err;
    }
  }
}

export function closeTcp(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
