// Picks a random port that is free for BOTH TCP and UDP on `host` (DNS servers need both), by binding
// each exclusively and closing again. Random in 20000–31999 (below Linux's ephemeral range 32768+), so
// parallel test workers rarely collide; callers that start a daemon should still treat "address in use"
// as a reason to retry with a new port, since the port is free only at the moment of the check.
import dgram from 'node:dgram';
import net from 'node:net';

export const PORT_MIN = 20000;
export const PORT_MAX = 31999;
const MAX_ATTEMPTS = 100;

function tcpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

function udpFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.close(() => resolve(true));
    });
  });
}

/** A port in [20000, 31999] on which `host` currently accepts an exclusive TCP and UDP bind. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  if (!net.isIP(host)) throw new Error(`freePort: ${host} is not an IP address`);
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const port = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN + 1));
    if ((await tcpFree(host, port)) && (await udpFree(host, port))) return port;
  }
  throw new Error(`freePort: no free TCP+UDP port on ${host} after ${MAX_ATTEMPTS} attempts`);
}
