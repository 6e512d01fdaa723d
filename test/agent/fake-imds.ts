/**
 * A local stand-in for the EC2 instance metadata service in IMDSv2-required mode, on 127.0.0.1:<random>:
 * `PUT /latest/api/token` needs `X-aws-ec2-metadata-token-ttl-seconds` (1..maxTtl, else 400) and is refused
 * (403) when metadata is disabled or the request carries X-Forwarded-For; every GET needs a live token
 * (401 without one, or with an expired or revoked one). Every request is logged, so tests can assert that
 * the client never sends a token-less GET.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImdsLogEntry {
  readonly method: string;
  readonly path: string;
  /** The token header, when sent. */
  readonly token: string | undefined;
  /** The TTL header, when sent. */
  readonly ttl: string | undefined;
  readonly status: number;
}

export interface FakeImdsOptions {
  readonly instanceId?: string;
  readonly localIpv4?: string;
  /** Undefined: the instance has no public IPv4 (404). */
  readonly publicIpv4?: string;
  readonly mac?: string;
  /** IPv6 addresses of the primary interface; empty = none (404). */
  readonly ipv6s?: readonly string[];
  /** Largest TTL accepted. Default 21600. */
  readonly maxTtl?: number;
  /** Metadata disabled: 403 to token requests. */
  readonly disabled?: boolean;
  /** Accept connections but never answer. */
  readonly hang?: boolean;
}

export interface FakeImds {
  readonly url: string;
  readonly log: ImdsLogEntry[];
  /** The spot interruption notice served, if any. */
  spot: { action: string; time: string } | undefined;
  /** Revoke every token issued so far (their next use gets 401). */
  revokeTokens(): void;
  readonly tokensIssued: number;
  close(): Promise<void>;
}

export async function startFakeImds(options: FakeImdsOptions = {}): Promise<FakeImds> {
  const tokens = new Map<string, number>();
  const log: ImdsLogEntry[] = [];
  let issued = 0;
  let spot: FakeImds['spot'];
  const items = (): Record<string, string | undefined> => {
    const mac = options.mac ?? '0a:1b:2c:3d:4e:5f';
    return {
      'instance-id': options.instanceId ?? 'i-0123456789abcdef0',
      'local-ipv4': options.localIpv4 ?? '10.0.1.7',
      'public-ipv4': options.publicIpv4,
      mac,
      [`network/interfaces/macs/${mac}/ipv6s`]:
        options.ipv6s && options.ipv6s.length > 0 ? options.ipv6s.join('\n') : undefined,
      ipv6: options.ipv6s?.[0],
      'spot/instance-action': spot ? JSON.stringify(spot) : undefined,
    };
  };

  const server = http.createServer((req, res) => {
    const header = (name: string): string | undefined => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const token = header('x-aws-ec2-metadata-token');
    const ttl = header('x-aws-ec2-metadata-token-ttl-seconds');
    const answer = (status: number, body = ''): void => {
      log.push({ method: req.method ?? '', path: req.url ?? '', token, ttl, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    };
    if (options.hang) {
      log.push({ method: req.method ?? '', path: req.url ?? '', token, ttl, status: 0 });
      return; // never answers
    }
    const url = req.url ?? '';
    if (req.method === 'PUT' && url === '/latest/api/token') {
      if (options.disabled || header('x-forwarded-for') !== undefined) return answer(403);
      const seconds = Number(ttl);
      if (ttl === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > (options.maxTtl ?? 21_600))
        return answer(400);
      const value = randomBytes(24).toString('base64');
      tokens.set(value, Date.now() + seconds * 1000);
      issued++;
      return answer(200, value);
    }
    if (req.method !== 'GET') return answer(405);
    const expires = token === undefined ? undefined : tokens.get(token);
    if (expires === undefined || Date.now() >= expires) return answer(401);
    const prefix = '/latest/meta-data/';
    if (!url.startsWith(prefix)) return answer(404);
    const value = items()[url.slice(prefix.length)];
    return value === undefined ? answer(404) : answer(200, value);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    get spot() {
      return spot;
    },
    set spot(value) {
      spot = value;
    },
    revokeTokens: () => tokens.clear(),
    get tokensIssued() {
      return issued;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
