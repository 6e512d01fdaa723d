/**
 * Prometheus metrics of one registrar, in a registry of its own (several registrars in one process, as in
 * tests, never collide).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RegistrarMetrics {
  readonly registry: Registry;
  readonly reconciles: Counter<'result'>;
  readonly reconcileSeconds: Histogram;
  readonly changesApplied: Counter;
  readonly conflicts: Counter;
  readonly providerErrors: Counter<'code'>;
  readonly published: Gauge<'family'>;
  readonly candidates: Gauge;
  readonly endpoints: Gauge<'state'>;
  readonly healthTransitions: Counter<'to'>;
  /** 1 while the record is held at its last known good set because nothing is healthy. */
  readonly failOpen: Gauge;
  /** Removals postponed by the per-cycle cap. */
  readonly removalsDeferred: Gauge;
  /** 1 while the record exists but is not ours. */
  readonly notOwned: Gauge;
  readonly lastSuccess: Gauge;
  /** Healthy members left out of the record by a cap, per family and reason (max-record-size, provider-limit). */
  readonly leftOut: Gauge<'family' | 'reason'>;
  /** Acknowledged writes that the next read did not show (a server that says yes and applies nothing). */
  readonly writeNotVisible: Counter;
  /** Reconcile errors survived (logged, retried next cycle), by code. */
  readonly errorsSurvived: Counter<'code'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): RegistrarMetrics {
  const registry = new Registry();
  // prom-client's names already start with process_ / nodejs_: the prefix makes seedkeeper_process_cpu_…
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'seedkeeper_' });
  const registers = [registry];
  return {
    registry,
    reconciles: new Counter({
      name: 'seedkeeper_reconciles_total',
      help: 'Reconcile runs by result (ok, unchanged, conflict, error, refused, fail_open).',
      labelNames: ['result'],
      registers,
    }),
    reconcileSeconds: new Histogram({
      name: 'seedkeeper_reconcile_duration_seconds',
      help: 'Duration of one reconcile.',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    changesApplied: new Counter({
      name: 'seedkeeper_record_changes_total',
      help: 'Record set changes applied to the provider.',
      registers,
    }),
    conflicts: new Counter({
      name: 'seedkeeper_conflicts_total',
      help: 'Compare-and-swap conflicts (another writer changed the record first).',
      registers,
    }),
    providerErrors: new Counter({
      name: 'seedkeeper_provider_errors_total',
      help: 'Provider errors by code.',
      labelNames: ['code'],
      registers,
    }),
    published: new Gauge({
      name: 'seedkeeper_published_addresses',
      help: 'Addresses in the seed record after the last reconcile.',
      labelNames: ['family'],
      registers,
    }),
    candidates: new Gauge({ name: 'seedkeeper_candidates', help: 'Candidates offered by the sources.', registers }),
    endpoints: new Gauge({
      name: 'seedkeeper_endpoints',
      help: 'Health-checked endpoints by state.',
      labelNames: ['state'],
      registers,
    }),
    healthTransitions: new Counter({
      name: 'seedkeeper_health_transitions_total',
      help: 'Endpoint health transitions by new state.',
      labelNames: ['to'],
      registers,
    }),
    failOpen: new Gauge({
      name: 'seedkeeper_fail_open',
      help: '1 while no candidate is healthy and the record is kept at its last known good set.',
      registers,
    }),
    removalsDeferred: new Gauge({
      name: 'seedkeeper_removals_deferred',
      help: 'Removals postponed by the per-cycle removal cap.',
      registers,
    }),
    notOwned: new Gauge({
      name: 'seedkeeper_record_not_owned',
      help: '1 while the record exists without our ownership marker (left untouched).',
      registers,
    }),
    lastSuccess: new Gauge({
      name: 'seedkeeper_last_success_timestamp_seconds',
      help: 'Time of the last reconcile that completed without error.',
      registers,
    }),
    leftOut: new Gauge({
      name: 'seedkeeper_members_left_out',
      help: 'Healthy members not published because of a cap (reason: max-record-size or provider-limit).',
      labelNames: ['family', 'reason'],
      registers,
    }),
    writeNotVisible: new Counter({
      name: 'seedkeeper_write_not_visible_total',
      help: 'Writes the provider acknowledged but the next read did not show.',
      registers,
    }),
    errorsSurvived: new Counter({
      name: 'seedkeeper_errors_survived_total',
      help: 'Reconcile errors logged and retried on the next cycle instead of stopping, by code.',
      labelNames: ['code'],
      registers,
    }),
  };
}
