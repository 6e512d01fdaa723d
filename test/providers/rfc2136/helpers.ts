/** Shared pieces of the RFC 2136 provider's tests against real servers (BIND 9 and Knot). */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type dns from 'node:dns';
import { promisify } from 'node:util';
import { createRfc2136Provider, type Rfc2136ProviderOptions } from '../../../src/providers/rfc2136/provider.js';
import { createTsigKey, loadTsigKey, type TsigKey } from '../../../src/providers/rfc2136/key.js';
import type { DnsProvider } from '../../../src/providers/types.js';
import type { RecordSet } from '../../../src/records/types.js';
import type { NsupdateResult } from '../../harness/dns-zone.js';

const run = promisify(execFile);

/** What the BIND and Knot harnesses both give. */
export interface ZoneServer {
  readonly port: number;
  readonly host: '127.0.0.1';
  readonly zone: string;
  readonly keyName: string;
  readonly keySecret: string;
  readonly keyFile: string;
  setRecords(name: string, type: 'A' | 'AAAA', values: readonly string[], ttl?: number): Promise<void>;
  nsupdate(commands: readonly string[]): Promise<NsupdateResult>;
  resolver(): dns.promises.Resolver;
  log(): string;
  stop(): Promise<void>;
}

export const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/** The server's key, loaded the way a user would: from its BIND-format key file. */
export function keyOf(server: ZoneServer): Promise<TsigKey> {
  return loadTsigKey({ file: server.keyFile });
}

/** The server's key name with a secret the server does not have. */
export function wrongSecretKey(server: ZoneServer): TsigKey {
  return createTsigKey(server.keyName, 'hmac-sha256', randomBytes(32));
}

export function providerFor(
  server: ZoneServer,
  key: TsigKey | undefined,
  extra: Partial<Rfc2136ProviderOptions> = {},
): DnsProvider {
  return createRfc2136Provider({
    server: { host: server.host, port: server.port },
    zone: server.zone,
    ...(key === undefined ? { allowUnsigned: true } : { key }),
    timeoutMs: 2000,
    ...extra,
  });
}

/** `dig +short` (no recursion) against the server. */
export async function dig(server: ZoneServer, name: string, type: string): Promise<string[]> {
  const { stdout } = await run(
    'dig',
    [`@${server.host}`, '-p', String(server.port), '+short', '+norec', '+tries=1', '+time=2', name, type],
    { timeout: 10_000 },
  );
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The zone's SOA serial, as dig sees it. */
export async function soaSerial(server: ZoneServer): Promise<number> {
  const [soa] = await dig(server, server.zone, 'SOA');
  const serial = Number(soa?.split(/\s+/)[2]);
  if (!Number.isInteger(serial)) throw new Error(`no SOA serial in ${JSON.stringify(soa)}`);
  return serial;
}

/** Addresses of `name` through Node's resolver (c-ares), sorted; [] when the name or set is absent. */
export async function resolveAll(server: ZoneServer, name: string, type: 'A' | 'AAAA'): Promise<string[]> {
  const r = server.resolver();
  try {
    return sorted(type === 'A' ? await r.resolve4(name) : await r.resolve6(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND' || (error as NodeJS.ErrnoException).code === 'ENODATA')
      return [];
    throw error;
  }
}

/** The set `name`/`type` as `provider.read` returns it, or undefined. */
export async function readSet(
  provider: DnsProvider,
  name: string,
  type: RecordSet['type'],
): Promise<RecordSet | undefined> {
  return (await provider.read([name])).find((s) => s.type === type);
}

export function aSet(name: string, values: readonly string[], ttl = 30): RecordSet {
  return { name, type: 'A', ttl, values };
}
