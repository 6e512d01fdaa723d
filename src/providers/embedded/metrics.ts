/**
 * The embedded server's counters as Prometheus metrics, read from `stats()` at scrape time (the hot path
 * only increments plain numbers). One call registers them on the registrar's registry.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EmbeddedDnsServer, EmbeddedDnsStats } from './server.js';

type Values = Readonly<Record<string, number>>;

export function registerEmbeddedDnsMetrics(
  registry: Registry,
  server: Pick<EmbeddedDnsServer, 'stats' | 'store'>,
): void {
  const registers = [registry];
  const counter = (
    name: string,
    help: string,
    label: string | undefined,
    read: (s: EmbeddedDnsStats) => Values | number,
  ): void => {
    new Counter({
      name,
      help,
      labelNames: label ? [label] : [],
      registers,
      collect() {
        const values = read(server.stats());
        this.reset();
        if (typeof values === 'number') this.inc(values);
        else for (const [key, n] of Object.entries(values)) this.inc({ [label!]: key }, n);
      },
    });
  };
  counter(
    'seedkeeper_dns_queries_total',
    'Queries received by the embedded DNS server, by transport.',
    'transport',
    (s) => s.queries,
  );
  counter(
    'seedkeeper_dns_responses_total',
    'Responses sent by the embedded DNS server, by rcode (formerr, refused, servfail…).',
    'rcode',
    (s) => s.responses,
  );
  counter(
    'seedkeeper_dns_dropped_total',
    'Packets the embedded DNS server did not answer, by reason.',
    'reason',
    (s) => ({
      malformed: s.dropped.malformed,
      oversize: s.dropped.oversize,
      response: s.dropped.responses,
      overload: s.dropped.overload,
    }),
  );
  counter(
    'seedkeeper_dns_truncated_total',
    'UDP answers replaced by a truncated one (TC).',
    undefined,
    (s) => s.truncated,
  );
  counter(
    'seedkeeper_dns_errors_total',
    'Socket errors and failed sends of the embedded DNS server.',
    undefined,
    (s) => s.errors,
  );
  counter(
    'seedkeeper_dns_tcp_rejected_total',
    'TCP connections refused by the per-source cap or evicted at the total cap.',
    'reason',
    (s) => ({ per_source: s.tcp.rejectedPerSource, total: s.tcp.evicted }),
  );
  counter(
    'seedkeeper_dns_tcp_closed_total',
    'TCP connections closed by a deadline or for a malformed message, by reason.',
    'reason',
    (s) => ({
      message_timeout: s.tcp.messageTimeouts,
      idle_timeout: s.tcp.idleTimeouts,
      lifetime: s.tcp.lifetimes,
      malformed: s.tcp.closedMalformed,
    }),
  );
  counter(
    'seedkeeper_dns_state_writes_total',
    'Writes of the embedded zone to its state file, by result.',
    'result',
    (s) => ({ ok: s.state.writes, error: s.state.failures }),
  );
  new Gauge({
    name: 'seedkeeper_dns_tcp_connections',
    help: 'Open TCP connections of the embedded DNS server.',
    registers,
    collect() {
      this.set(server.stats().tcp.open);
    },
  });
  new Gauge({
    name: 'seedkeeper_dns_zone_loaded',
    help: '1 once the embedded zone is known (restored or published); 0 while it answers SERVFAIL.',
    registers,
    collect() {
      this.set(server.store.snapshot().loaded ? 1 : 0);
    },
  });
}
