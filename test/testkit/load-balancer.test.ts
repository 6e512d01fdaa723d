import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostPort } from '../../src/net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../src/testkit/load-balancer.js';

// Echo servers that prefix every reply with their name, so a test sees where a connection went.
const servers: Server[] = [];
const sockets = new Set<Socket>();
let lb: LoadBalancer | undefined;

async function echo(name: string): Promise<HostPort> {
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    s.on('data', (d: Buffer) => s.write(`${name}:${d.toString()}`));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const info = server.address();
  return { host: '127.0.0.1', port: typeof info === 'object' && info ? info.port : 0 };
}

/** A port with nothing listening (bound, then closed). */
async function deadPort(): Promise<HostPort> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const info = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { host: '127.0.0.1', port: typeof info === 'object' && info ? info.port : 0 };
}

function exchange(address: HostPort, text: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    s.once('connect', () => s.write(text));
    s.once('data', (d: Buffer) => {
      clearTimeout(timer);
      s.destroy();
      resolve(d.toString());
    });
    s.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.once('close', () => {
      clearTimeout(timer);
      reject(new Error('closed without data'));
    });
  });
}

afterEach(async () => {
  await lb?.stop();
  lb = undefined;
  for (const s of sockets) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe('load balancer', () => {
  it('sends each new connection to the next target, piping both ways', async () => {
    const targets = [await echo('a'), await echo('b'), await echo('c')];
    lb = await startLoadBalancer({ targets });
    expect(lb.host).toBe('127.0.0.1');
    const replies: string[] = [];
    for (let i = 0; i < 6; i++) replies.push(await exchange(lb.address, `hi${i}`));
    expect(replies).toEqual(['a:hi0', 'b:hi1', 'c:hi2', 'a:hi3', 'b:hi4', 'c:hi5']);
    expect(lb.totalConnections).toBe(6);
    expect(lb.routes()).toEqual([...targets, ...targets]);
  });

  it('skips a target that refuses, and closes the client when none accepts', async () => {
    const dead = await deadPort();
    const live = await echo('live');
    lb = await startLoadBalancer({ targets: [dead, live] });
    expect(await exchange(lb.address, 'x')).toBe('live:x');
    expect(await exchange(lb.address, 'y')).toBe('live:y');
    await lb.stop();
    lb = await startLoadBalancer({ targets: [dead] });
    await expect(exchange(lb.address, 'z')).rejects.toThrow(/closed|ECONNRESET/);
    expect(lb.routes()).toEqual([undefined]);
  });

  it('reads targets from a function at every connection', async () => {
    const a = await echo('a');
    const b = await echo('b');
    let current = [a];
    lb = await startLoadBalancer({ targets: () => current });
    expect(await exchange(lb.address, '1')).toBe('a:1');
    current = [b];
    expect(await exchange(lb.address, '2')).toBe('b:2');
  });

  it('counts open connections; a closing target closes the client; stop() closes everything', async () => {
    const target = await echo('t');
    lb = await startLoadBalancer({ targets: [target] });
    const client = connect({ host: '127.0.0.1', port: lb.port });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    client.write('ping');
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    expect(lb.connections).toBe(1);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', () => undefined);
    for (const s of sockets) s.destroy();
    await closed;
    for (let i = 0; i < 50 && lb.connections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(lb.connections).toBe(0);

    const second = connect({ host: '127.0.0.1', port: lb.port });
    second.on('error', () => undefined);
    await new Promise<void>((resolve) => second.once('connect', () => resolve()));
    const secondClosed = new Promise<void>((resolve) => second.once('close', () => resolve()));
    await lb.stop();
    await secondClosed;
    lb = undefined;
  });
});
