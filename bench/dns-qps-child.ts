/**
 * Child process for bench/dns-qps.ts: serves one zone from the embedded DNS server in a process of its own
 * (so dnsperf competes with one server process, as with BIND) and prints `port=N` once listening.
 * argv[2]: JSON { zone, records, soa?, workers? }. Exits on SIGTERM/SIGINT, or after 10 minutes.
 */
import { startEmbeddedDnsServer } from '../src/providers/embedded/server.js';
import type { RecordSet } from '../src/records/types.js';

const MAX_LIFETIME_MS = 10 * 60_000;

interface ChildConfig {
  readonly zone: string;
  readonly records: readonly RecordSet[];
  readonly soa?: Record<string, number | string>;
  /** Processes answering (the server's `workers`). Default 1. */
  readonly workers?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const server = await startEmbeddedDnsServer({
  zone: config.zone,
  port: 0,
  records: config.records,
  soa: config.soa ?? {},
  workers: config.workers ?? 1,
});
process.stdout.write(`port=${server.port}\n`);

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
