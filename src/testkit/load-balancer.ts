/**
 * A round-robin TCP load balancer for tests and the demo: each new client connection goes to the next
 * target; bytes are piped both ways untouched. A target that refuses (or does not answer the connect in
 * time) is skipped for the next one, at most once per target; when none accepts, the client is closed.
 * An error on either side closes both.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { HostPort } from '../net/endpoint.js';

export interface LoadBalancerOptions {
  readonly host?: string;
  /** 0 (default) = a free port. */
  readonly port?: number;
  /** Fixed targets, or a function read at every new connection (e.g. the running nodes of a SimCluster). */
  readonly targets: readonly HostPort[] | (() => readonly HostPort[]);
  /** Per-target connect deadline (default 1000 ms). */
  readonly connectTimeoutMs?: number;
}

export interface LoadBalancer {
  readonly host: string;
  readonly port: number;
  readonly address: HostPort;
  /** Client connections currently open. */
  readonly connections: number;
  /** Client connections accepted since start. */
  readonly totalConnections: number;
  /** Where each accepted connection went (undefined when no target accepted), oldest first, last 1000. */
  routes(): readonly (HostPort | undefined)[];
  stop(): Promise<void>;
}

const ROUTE_HISTORY = 1000;

class Balancer implements LoadBalancer {
  private readonly open = new Set<Socket>();
  private readonly clients = new Set<Socket>();
  private next = 0;
  private accepted = 0;
  private readonly history: (HostPort | undefined)[] = [];
  private stopped = false;

  constructor(
    private readonly server: Server,
    private readonly options: LoadBalancerOptions,
    readonly address: HostPort,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  get host(): string {
    return this.address.host;
  }
  get port(): number {
    return this.address.port;
  }
  get connections(): number {
    return this.clients.size;
  }
  get totalConnections(): number {
    return this.accepted;
  }
  routes(): readonly (HostPort | undefined)[] {
    return [...this.history];
  }

  private targets(): readonly HostPort[] {
    const t = this.options.targets;
    return typeof t === 'function' ? t() : t;
  }

  private track(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }

  private remember(route: HostPort | undefined): void {
    this.history.push(route);
    if (this.history.length > ROUTE_HISTORY) this.history.shift();
  }

  private accept(client: Socket): void {
    this.accepted++;
    this.track(client);
    this.clients.add(client);
    client.once('close', () => this.clients.delete(client));
    client.pause();
    client.on('error', () => client.destroy());
    const targets = [...this.targets()];
    const start = this.next;
    this.next = targets.length > 0 ? (this.next + 1) % targets.length : 0;
    this.tryTarget(client, targets, start, 0);
  }

  private tryTarget(client: Socket, targets: readonly HostPort[], start: number, attempt: number): void {
    if (this.stopped || client.destroyed) return;
    if (attempt >= targets.length) {
      this.remember(undefined);
      client.destroy();
      return;
    }
    const target = targets[(start + attempt) % targets.length]!;
    const upstream = connect({ host: target.host, port: target.port, noDelay: true });
    this.track(upstream);
    const timer = setTimeout(
      () => upstream.destroy(new Error('connect timeout')),
      this.options.connectTimeoutMs ?? 1000,
    );
    upstream.once('close', () => clearTimeout(timer));
    const abandon = (): void => {
      upstream.destroy();
    };
    client.once('close', abandon);
    const onConnectError = (): void => {
      clearTimeout(timer);
      client.off('close', abandon);
      this.tryTarget(client, targets, start, attempt + 1);
    };
    upstream.once('error', onConnectError);
    upstream.once('connect', () => {
      clearTimeout(timer);
      upstream.off('error', onConnectError);
      client.off('close', abandon);
      this.remember(target);
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      // Errors tear both sides down; a normal close ends the other side after its pending bytes.
      const destroyBoth = (): void => {
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', destroyBoth);
      client.on('error', destroyBoth);
      upstream.on('close', () => client.end());
      client.on('close', () => upstream.end());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.open) s.destroy();
    await closed;
  }
}

export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer({ pauseOnConnect: true, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const info = server.address();
  return new Balancer(server, options, {
    host,
    port: typeof info === 'object' && info ? info.port : (options.port ?? 0),
  });
}
