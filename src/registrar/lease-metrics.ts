/**
 * Replica metrics, read from the leadership loop at scrape time: `seedkeeper_lease_held` (the alert rules
 * already use it), the term, the lease age, and a counter of leadership changes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Leadership } from './leadership.js';

export function registerLeaseMetrics(registry: Registry, leadership: Leadership): void {
  const registers = [registry];
  // prom-client calls `collect` before reading a gauge: set at scrape time, they never lag the clock.
  const gauge = (name: string, help: string, read: (g: Gauge) => void): Gauge =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        read(this);
      },
    });
  gauge(
    'seedkeeper_lease_held',
    '1 while this replica holds the lease (the leader, the only writer), 0 as a follower.',
    (g) => g.set(leadership.status().role === 'leader' ? 1 : 0),
  );
  gauge('seedkeeper_lease_term', 'Term of the lease as last read or written (+1 on every change of holder).', (g) => {
    const term = leadership.status().term;
    if (term === undefined) g.reset();
    else g.set(term);
  });
  gauge(
    'seedkeeper_lease_age_seconds',
    'Time since the lease was last acquired or renewed, by any replica (absent when none is live).',
    (g) => {
      const ms = leadership.status().leaseAgeMs;
      if (ms === undefined) g.reset();
      else g.set(ms / 1000);
    },
  );
  const changes = new Counter({
    name: 'seedkeeper_leadership_changes_total',
    help: "Changes of this replica's role, by new role (leader, follower).",
    labelNames: ['to'],
    registers,
  });
  leadership.on('change', (change) => changes.inc({ to: change.to }));
}
