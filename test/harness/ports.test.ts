import dgram from 'node:dgram';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { PORT_MAX, PORT_MIN, freePort } from './ports.js';

function listenTcp(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host, port, exclusive: true }, () => resolve(s));
  });
}

function bindUdp(host: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    s.once('error', reject);
    s.bind({ address: host, port, exclusive: true }, () => resolve(s));
  });
}

describe('freePort', () => {
  it('returns a port in range that TCP and UDP can both bind', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(PORT_MIN);
    expect(port).toBeLessThanOrEqual(PORT_MAX);
    const tcp = await listenTcp('127.0.0.1', port);
    const udp = await bindUdp('127.0.0.1', port);
    await new Promise<void>((r) => tcp.close(() => r()));
    await new Promise<void>((r) => udp.close(() => r()));
  });

  it('works on other loopback addresses and never returns a port in use there', async () => {
    const host = '127.0.0.77';
    const port = await freePort(host);
    const tcp = await listenTcp(host, port);
    try {
      for (let i = 0; i < 20; i++) expect(await freePort(host)).not.toBe(port);
    } finally {
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });

  it('rejects a non-IP host', async () => {
    await expect(freePort('localhost')).rejects.toThrow(/not an IP/);
  });
});
