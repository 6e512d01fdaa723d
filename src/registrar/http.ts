/**
 * `/metrics` (Prometheus text) and `/healthz` on loopback by default, plus the routes of an optional hook
 * (the agent API under /v1/). Nothing else is served: other paths get 404, other methods 405.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { checkFunction, checkInteger, describeValue } from '../config/options.js';
import { InvalidArgumentError } from '../errors.js';

export interface StatusServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface StatusServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** `ok` when the registrar's loop is alive; the reason otherwise. */
  readonly health: () => { ok: boolean; detail: string };
  /** Tried first: returns true when it handled the request (the agent API). */
  readonly routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** InvalidArgumentError naming the first bad option; no defaults here (the config schema holds them). */
export function checkStatusServerOptions(options: StatusServerOptions): void {
  if (typeof options.host !== 'string' || options.host.trim() === '')
    throw new InvalidArgumentError('host', `expected a listen address, got ${describeValue(options.host)}`);
  checkInteger(options.port, 'port', 0, 65_535);
  if (typeof options.registry?.metrics !== 'function')
    throw new InvalidArgumentError('registry', 'expected a prom-client Registry');
  checkFunction(options.health, 'health');
  if (options.routes !== undefined) checkFunction(options.routes, 'routes');
}

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  checkStatusServerOptions(options);
  const server: Server = createServer((req, res) => {
    if (options.routes?.(req, res)) return;
    const url = (req.url ?? '/').split('?')[0];
    if (url !== '/metrics' && url !== '/healthz') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        () => res.writeHead(500).end('metrics unavailable\n'),
      );
      return;
    }
    const { ok, detail } = options.health();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${detail}\n`);
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
