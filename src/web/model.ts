/**
 * The status view-model: a pure function from the registrar's state, the short histories and the DNS
 * answers to the versioned document the page, the JSON API and the event stream all show.
 */
import type { EndpointHealth } from '../health/types.js';
import { formatMarker, markerName } from '../records/marker.js';
import { DEFAULT_SERVICE_PORT, formatHostPort } from '../net/endpoint.js';
import type { Candidate } from '../sources/types.js';
import { differences } from './differences.js';
import { hostsStrings } from './hosts.js';
import type { RegistrarStateView } from './registrar-view.js';
import {
  STATUS_SCHEMA,
  type CandidateStatus,
  type DnsAnswerStatus,
  type ReconcileEntry,
  type StatusV1,
  type VerdictSample,
} from './schema.js';
import { judge } from './why.js';

export interface HistoryView {
  samples(key: string): readonly VerdictSample[];
  reconciles(): readonly ReconcileEntry[];
  readonly lastChangedAt: number | undefined;
  readonly published: { readonly A: readonly string[]; readonly AAAA: readonly string[] } | undefined;
}

export interface StatusInput {
  readonly state: RegistrarStateView;
  readonly history: HistoryView;
  readonly answers: readonly DnsAnswerStatus[];
  /** The zone's SOA serial when known (embedded provider). */
  readonly serial: number | null;
  readonly now: number;
}

interface Offer {
  readonly candidate: Candidate;
  readonly sources: string[];
}

/** Every offered endpoint once, with the kinds of all the sources that offer it. */
function offers(state: RegistrarStateView): Map<string, Offer> {
  const out = new Map<string, Offer>();
  for (const source of state.sources) {
    for (const candidate of source.candidates) {
      const key = formatHostPort({ host: candidate.address, port: candidate.port });
      const offer = out.get(key);
      if (!offer) out.set(key, { candidate, sources: [source.kind] });
      else if (!offer.sources.includes(source.kind)) offer.sources.push(source.kind);
    }
  }
  return out;
}

const byAddress = (a: CandidateStatus, b: CandidateStatus): number =>
  a.key.localeCompare(b.key, 'en', { numeric: true });

function candidateStatus(
  key: string,
  offer: Offer,
  h: EndpointHealth | undefined,
  input: StatusInput,
  published: ReadonlySet<string>,
): CandidateStatus {
  const { state, now } = input;
  const plan = state.last?.plan;
  const last = h?.last;
  return {
    key,
    address: offer.candidate.address,
    port: offer.candidate.port,
    nodeId: offer.candidate.id ?? h?.nodeId ?? null,
    sources: offer.sources,
    verdict: h?.state ?? 'unknown',
    since: Math.round(h?.since ?? now),
    passes: h?.consecutivePasses ?? 0,
    failingForMs: h?.failingSince === undefined ? null : Math.max(0, now - h.failingSince),
    lastProbe: last
      ? { ok: last.ok, latencyMs: Math.round(last.latencyMs * 10) / 10, reason: last.ok ? null : last.reason }
      : null,
    why: judge({
      health: h,
      published: published.has(offer.candidate.address),
      now,
      unhealthyAfterMs: state.unhealthyAfterMs,
      notes: new Set(plan?.notes.map((n) => n.code) ?? []),
      deferred: new Set(plan?.deferred ?? []),
      outage: state.outage,
      mode: state.policy.mode,
      refused: plan?.refused ?? false,
    }),
    history: input.history.samples(key),
  };
}

export function buildStatus(input: StatusInput): StatusV1 {
  const { state, history, now } = input;
  const record = history.published ?? { A: [], AAAA: [] };
  const published = new Set([...record.A, ...record.AAAA]);
  const offered = offers(state);
  const candidates = [...offered]
    .map(([key, offer]) => candidateStatus(key, offer, state.health.get(key), input, published))
    .sort(byAddress);
  const clusterKinds = state.sources.filter((s) => s.kind === 'cluster');
  const members =
    clusterKinds.length === 0 ? undefined : new Set(clusterKinds.flatMap((s) => s.candidates.map((c) => c.address)));
  const publishedHosts = candidates
    .filter((c) => published.has(c.address))
    .map((c) => ({ host: c.address, port: c.port }));
  const port = publishedHosts[0]?.port ?? candidates[0]?.port ?? DEFAULT_SERVICE_PORT;
  return {
    schema: STATUS_SCHEMA,
    generatedAt: now,
    registrar: {
      running: state.running,
      outage: state.outage,
      unhealthyAfterMs: state.unhealthyAfterMs,
      writesNotVisible: {
        count: state.writesNotVisible,
        last: state.lastWriteNotVisible
          ? { at: state.lastWriteNotVisible.writtenAt, sets: [...state.lastWriteNotVisible.sets] }
          : null,
      },
      replicas: state.replicas
        ? {
            mode: state.replicas.role,
            replica: state.replicas.replica,
            leader: state.replicas.holder ?? null,
            term: state.replicas.term ?? null,
            leaseAgeMs: state.replicas.leaseAgeMs ?? null,
          }
        : { mode: 'single', replica: null, leader: null, term: null, leaseAgeMs: null },
    },
    record: {
      name: state.name,
      ttl: state.policy.ttl,
      families: (['A', 'AAAA'] as const)
        .filter((type) => record[type].length > 0)
        .map((type) => ({ type, values: [...record[type]] })),
      serial: input.serial,
      lastChangedAt: history.lastChangedAt ?? null,
      marker: {
        name: markerName(state.name),
        value: formatMarker(state.policy.ownerId),
        owned: !(state.last?.plan.refused ?? false),
      },
      mode: state.policy.mode,
    },
    candidates,
    reconciles: history.reconciles(),
    clients: {
      answers: input.answers,
      differences: differences({
        answers: input.answers,
        members,
        offered: new Set(candidates.map((c) => c.address)),
        healthy: new Set(candidates.filter((c) => c.verdict === 'healthy').map((c) => c.address)),
      }),
      hosts: hostsStrings(state.name, port, publishedHosts),
    },
  };
}
