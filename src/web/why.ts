/**
 * Why one candidate is in the record or out of it: a pure judgement from its health, whether the record
 * holds it, and the guards that shaped the last plan. Guards are named first, because "why is this dead
 * node still published?" is the question an operator asks during an incident.
 */
import type { EndpointHealth } from '../health/types.js';
import type { Why } from './schema.js';

export interface WhyInput {
  readonly health: EndpointHealth | undefined;
  /** The address is in the published record. */
  readonly published: boolean;
  readonly now: number;
  readonly unhealthyAfterMs: number;
  /** Codes of the notes of the last plan (fail-open, removals-capped, size-capped, ...). */
  readonly notes: ReadonlySet<string>;
  /** Addresses the removal cap postponed in the last plan. */
  readonly deferred: ReadonlySet<string>;
  readonly outage: 'none' | 'active' | 'recovering';
  readonly mode: 'sync' | 'upsert-only';
  /** The record is not ours (the plan refused to act). */
  readonly refused: boolean;
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

/** A failed probe that met a node of another cluster, or another node than the one expected. */
export function isOtherCluster(reason: string | undefined): boolean {
  return reason !== undefined && /^(cluster-name |node id \S+, expected )/.test(reason);
}

export function judge(input: WhyInput): Why {
  const { health: h, published, now, unhealthyAfterMs } = input;
  const why = (code: Why['code'], text: string): Why => ({ code, published, text });
  if (input.refused)
    return why('not-owned', 'the record exists without our ownership marker: seedkeeper changes nothing');
  const last = h?.last;
  const reason = last && !last.ok ? last.reason : undefined;
  const failingFor = h?.failingSince === undefined ? undefined : Math.max(0, now - h.failingSince);
  const failingText =
    failingFor === undefined
      ? ''
      : `failing for ${seconds(failingFor)} of ${seconds(unhealthyAfterMs)}${reason ? ` (${reason})` : ''}`;
  if (!h || h.state === 'unknown') {
    return why(
      'waiting',
      `no verdict yet${h && h.consecutivePasses > 0 ? ` (${h.consecutivePasses} passing probes so far)` : ''}${reason ? `; last probe: ${reason}` : ''}`,
    );
  }
  if (published) {
    if (h.state === 'healthy')
      return failingFor === undefined
        ? why('healthy', 'healthy: published')
        : why('failing', `${failingText}; still published`);
    if (input.notes.has('fail-open'))
      return why(
        'fail-open',
        `guard: fail open — every candidate is failing, so the last known good record is kept${reason ? ` (${reason})` : ''}`,
      );
    if (input.deferred.has(h.endpoint.host))
      return why(
        'removal-cap',
        `guard: removal cap — unhealthy, removal postponed to a later cycle${reason ? ` (${reason})` : ''}`,
      );
    if (input.outage === 'recovering')
      return why(
        'recovering',
        `guard: outage recovery — judged only on probes since the outage ended; ${failingText || 'unhealthy'}`,
      );
    if (input.mode === 'upsert-only')
      return why('upsert-only', `unhealthy, kept: plan.mode is upsert-only${reason ? ` (${reason})` : ''}`);
    return why('unhealthy', `unhealthy${reason ? ` (${reason})` : ''}: removed by the next reconcile`);
  }
  if (h.state === 'healthy') {
    if (failingFor !== undefined) return why('failing', `${failingText}; not published`);
    if (input.notes.has('size-capped'))
      return why('size-cap', 'guard: size cap — healthy, but the record holds a stable subset (plan.maxRecordSize)');
    return why('pending', 'healthy: the next reconcile publishes it');
  }
  if (isOtherCluster(reason)) return why('other-cluster', `another cluster or node answers here: ${reason}`);
  const failedFor = failingFor === undefined ? '' : ` for ${seconds(failingFor)}`;
  return why('unhealthy', `unhealthy: failing${failedFor}${reason ? ` (${reason})` : ''}`);
}
