/**
 * What clients see: the seed name's A and AAAA answers from the authoritative server(s) and from the system
 * resolver, with their TTL. Queried at most once per `minIntervalMs` however many pages watch, one query
 * round in flight at a time, each query bounded by a timeout.
 */
import { promises as dns } from 'node:dns';
import { canonicalIp } from '../net/ip.js';
import type { DnsAnswerStatus } from './schema.js';

export interface DnsTarget {
  readonly label: string;
  /** `host:port` of an authoritative server; undefined for the system resolver. */
  readonly server?: string;
}

export interface DnsObserverOptions {
  readonly name: string;
  readonly targets: readonly DnsTarget[];
  readonly timeoutMs?: number;
  readonly minIntervalMs?: number;
}

type Answer = { address: string; ttl: number }[];

async function lookup(resolver: dns.Resolver, name: string): Promise<Answer> {
  const settle = (p: Promise<Answer>): Promise<Answer> =>
    p.catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENODATA' || error.code === 'ENOTFOUND') return [];
      throw error;
    });
  const [v4, v6] = await Promise.all([
    settle(resolver.resolve4(name, { ttl: true })),
    settle(resolver.resolve6(name, { ttl: true })),
  ]);
  return [...v4, ...v6];
}

export async function queryTarget(name: string, target: DnsTarget, timeoutMs: number): Promise<DnsAnswerStatus> {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  if (target.server) resolver.setServers([target.server]);
  const base = { label: target.label, server: target.server ?? null, at: Date.now() };
  const timer = setTimeout(() => resolver.cancel(), timeoutMs * 3);
  try {
    const answer = await lookup(resolver, name);
    if (answer.length === 0)
      return { ...base, addresses: [], ttl: null, error: 'no A or AAAA records (NXDOMAIN or NODATA)' };
    return {
      ...base,
      addresses: answer.map((a) => canonicalIp(a.address)).sort(),
      ttl: Math.min(...answer.map((a) => a.ttl)),
      error: null,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return {
      ...base,
      addresses: [],
      ttl: null,
      error: code === 'ECANCELLED' || code === 'ETIMEOUT' ? 'no answer (timed out)' : `query failed: ${code}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

export class DnsObserver {
  private answers: DnsAnswerStatus[];
  private lastAt = 0;
  private inFlight: Promise<void> | undefined;
  private readonly timeoutMs: number;
  private readonly minIntervalMs: number;

  constructor(private readonly options: DnsObserverOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    this.answers = options.targets.map((t) => ({
      label: t.label,
      server: t.server ?? null,
      addresses: [],
      ttl: null,
      error: 'not queried yet',
      at: null,
    }));
  }

  /** The latest answers (possibly a little old). */
  current(): readonly DnsAnswerStatus[] {
    return this.answers;
  }

  /** Query again unless that was done within minIntervalMs; resolves when the answers are fresh. */
  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (Date.now() - this.lastAt < this.minIntervalMs) return Promise.resolve();
    this.inFlight = Promise.all(this.options.targets.map((t) => queryTarget(this.options.name, t, this.timeoutMs)))
      .then((answers) => {
        this.answers = answers;
      })
      .finally(() => {
        this.lastAt = Date.now();
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
