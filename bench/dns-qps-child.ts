/**
 * Child process for bench/dns-qps.ts: serves one zone from the embedded DNS server in a process of its own
 * (so dnsperf competes with one server process, as with BIND) and prints, once listening, one line
 * `port=N engine=native|node workers=W`: the engine and count the server actually uses, which the parent
 * checks against what it asked for.
 * argv[2]: JSON { zone, records, soa?, engine?, workers? }. Exits on SIGTERM/SIGINT, or after 10 minutes.
 */
import { startEmbeddedDnsServer } from '../src/providers/embedded/server.js';
import type { RecordSet } from '../src/records/types.js';

const MAX_LIFETIME_MS = 10 * 60_000;

interface ChildConfig {
  readonly zone: string;
  readonly records: readonly RecordSet[];
  readonly soa?: Record<string, number | string>;
  /** The server's `engine`. Default 'node' (what the bench measured before the native engine). */
  readonly engine?: 'native' | 'node';
  /** Threads (native) or processes (node) answering: the server's `workers`. Default 1. */
  readonly workers?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const server = await startEmbeddedDnsServer({
  zone: config.zone,
  port: 0,
  records: config.records,
  soa: config.soa ?? {},
  engine: config.engine ?? 'node',
  workers: config.workers ?? 1,
});
// One write, so the parent never sees the port without the engine.
process.stdout.write(`port=${server.port} engine=${server.engine} workers=${server.workers}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`stats=${JSON.stringify(server.stats())}\n`);
  void server.stop().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
setTimeout(stop, MAX_LIFETIME_MS).unref();
