/**
 * Server-rendered HTML of the status page: complete without JavaScript (the script only swaps in fresh
 * `<main>` content from the event stream). Semantic tables with captions and header scopes; verdicts are
 * words, never colour alone.
 */
import type { CandidateStatus, DnsAnswerStatus, ReconcileEntry, StatusV1, VerdictSample } from './schema.js';
import { seconds } from './why.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
const e = escapeHtml;

/** `HH:MM:SS` UTC. */
export function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

function ago(at: number, now: number): string {
  return `${seconds(Math.max(0, now - at))} ago`;
}

const SPARK: Record<string, string> = { healthy: '▆', unhealthy: '▁', unknown: '·' };

function sparkline(samples: readonly VerdictSample[]): string {
  if (samples.length === 0) return '<span class="muted">—</span>';
  const cells = samples
    .map(
      (s) =>
        `<span class="s-${s.verdict === 'healthy' && s.failing ? 'failing' : s.verdict}">${SPARK[s.verdict]}</span>`,
    )
    .join('');
  const healthy = samples.filter((s) => s.verdict === 'healthy' && !s.failing).length;
  const span = samples.length > 1 ? seconds(samples.at(-1)!.at - samples[0]!.at) : 'now';
  return `<span class="spark" aria-hidden="true">${cells}</span><span class="sr">${healthy} of ${samples.length} samples healthy over ${span}</span>`;
}

function verdictCell(c: CandidateStatus): string {
  const streak =
    c.failingForMs !== null
      ? `failing ${seconds(c.failingForMs)}`
      : c.verdict === 'healthy'
        ? `${c.passes} passes`
        : c.verdict === 'unknown'
          ? `${c.passes} passes`
          : '';
  const label = c.verdict === 'healthy' && c.failingForMs !== null ? 'failing' : c.verdict;
  return `<td data-verdict="${c.verdict}"><span class="badge b-${label}">${label}</span> <span class="muted">${e(streak)}</span></td>`;
}

function probeCell(c: CandidateStatus): string {
  const p = c.lastProbe;
  if (!p) return '<td class="muted">none yet</td>';
  return `<td>${p.ok ? 'pass' : 'fail'} in ${p.latencyMs} ms${p.reason ? `<br><span class="muted">${e(p.reason)}</span>` : ''}</td>`;
}

function candidateRow(c: CandidateStatus): string {
  return (
    `<tr data-key="${e(c.key)}" data-why="${c.why.code}" data-published="${c.why.published}">` +
    `<th scope="row"><code>${e(c.key)}</code></th><td><code>${e(c.nodeId ?? '—')}</code></td><td>${e(c.sources.join(', '))}</td>` +
    verdictCell(c) +
    probeCell(c) +
    `<td>${c.why.published ? '<strong>in</strong>' : 'out'}</td><td class="why">${e(c.why.text)}</td><td>${sparkline(c.history)}</td></tr>`
  );
}

function table(caption: string, head: readonly string[], rows: string, id: string): string {
  const ths = head.map((h) => `<th scope="col">${h}</th>`).join('');
  return `<div class="scroll"><table id="${id}"><caption>${caption}</caption><thead><tr>${ths}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function recordSection(s: StatusV1): string {
  const r = s.record;
  const rows = r.families.length
    ? r.families
        .map(
          (f) =>
            `<tr data-type="${f.type}"><th scope="row">${f.type}</th><td>${f.values.map((v) => `<code>${e(v)}</code>`).join(' ')}</td><td>${r.ttl} s</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="3">no address published yet</td></tr>';
  const changed =
    r.lastChangedAt === null
      ? 'not since this process started'
      : `${clock(r.lastChangedAt)} UTC (${ago(r.lastChangedAt, s.generatedAt)})`;
  const rep = s.registrar.replicas;
  const replicas =
    rep.mode === 'single'
      ? 'single replica (no lease)'
      : `replica ${e(rep.replica ?? '')}: <strong>${rep.mode}</strong>` +
        (rep.leader
          ? `, lease held by ${e(rep.leader)} (term ${rep.term ?? '?'}` +
            (rep.leaseAgeMs === null ? ')' : `, renewed ${(rep.leaseAgeMs / 1000).toFixed(1)} s ago)`)
          : ', no live lease');
  const unseen = s.registrar.writesNotVisible;
  const writes =
    unseen.count === 0
      ? 'every acknowledged write was read back'
      : `<strong>${unseen.count} acknowledged write(s) not visible on the next read</strong>${unseen.last ? ` (last at ${clock(unseen.last.at)} UTC: ${unseen.last.sets.map(e).join('; ')})` : ''}`;
  return (
    `<section aria-labelledby="h-record"><h2 id="h-record">Published record <code>${e(r.name)}</code></h2>` +
    table('Addresses in the seed record', ['Type', 'Values', 'TTL'], rows, 'record') +
    `<dl class="facts"><dt>Serial</dt><dd>${r.serial ?? 'n/a (provider keeps no serial we can read)'}</dd><dt>Last changed</dt><dd>${changed}</dd>` +
    `<dt>Ownership marker</dt><dd><code>${e(r.marker.name)}</code> TXT <code>"${e(r.marker.value)}"</code> — ${r.marker.owned ? 'ours' : '<strong>not ours: the record is left untouched</strong>'}</dd>` +
    `<dt>Mode</dt><dd>${r.mode}</dd><dt>Outage guard</dt><dd>${s.registrar.outage}</dd><dt>Registrar</dt><dd>${s.registrar.running ? 'running' : '<strong>stopped</strong>'}, ${replicas}</dd>` +
    `<dt>Writes</dt><dd data-writes-not-visible="${unseen.count}">${writes}</dd></dl></section>`
  );
}

function candidatesSection(s: StatusV1): string {
  const rows =
    s.candidates.map(candidateRow).join('') || '<tr><td colspan="8">no candidate offered by any source yet</td></tr>';
  return (
    `<section aria-labelledby="h-candidates"><h2 id="h-candidates">Candidates</h2>` +
    table(
      `Every address the sources offer, its health and why it is in or out (unhealthy after failing ${seconds(s.registrar.unhealthyAfterMs)})`,
      ['Address', 'Node id', 'Sources', 'Verdict', 'Last probe', 'Record', 'Why', 'History'],
      rows,
      'candidates',
    ) +
    '</section>'
  );
}

function answerRow(a: DnsAnswerStatus): string {
  const answer = a.error
    ? `<span class="muted">${e(a.error)}</span>`
    : a.addresses.map((x) => `<code>${e(x)}</code>`).join(' ');
  return `<tr><th scope="row">${e(a.label)}</th><td>${answer}</td><td>${a.ttl === null ? '—' : `${a.ttl} s`}</td></tr>`;
}

function clientsSection(s: StatusV1): string {
  const c = s.clients;
  const diffs = c.differences.length
    ? `<ul class="diffs">${c.differences.map((d) => `<li data-kind="${d.kind}">${e(d.text)}</li>`).join('')}</ul>`
    : "<p>DNS, the cluster's members and the sources agree.</p>";
  const hosts = c.hosts
    .map(
      (h) =>
        `<tr><th scope="row">${h.client}</th><td><code>${e(h.seed)}</code></td><td><code>${e(h.direct).replace(/\n/g, '<br>')}</code></td></tr>`,
    )
    .join('');
  return (
    `<section aria-labelledby="h-clients"><h2 id="h-clients">What clients see</h2>` +
    table(
      `Answers for <code>${e(s.record.name)}</code>`,
      ['Asked', 'Answer', 'TTL'],
      c.answers.map(answerRow).join(''),
      'answers',
    ) +
    `<h3>Differences</h3>${diffs}` +
    table(
      'Seed setting for the official clients and XDR',
      ['Client', 'Through the seed name', 'Addresses published now'],
      hosts,
      'hosts',
    ) +
    '</section>'
  );
}

function reconcileRow(r: ReconcileEntry, now: number): string {
  const changes = [...r.added.map((a) => `+${a}`), ...r.removed.map((a) => `−${a}`)].join(' ') || '—';
  const notes = [
    ...r.notes.filter((n) => n.code !== 'in-sync').map((n) => n.message),
    ...(r.error ? [`error: ${r.error}`] : []),
  ];
  return (
    `<tr data-result="${r.result}"><th scope="row">${clock(r.at)} <span class="muted">${ago(r.at, now)}</span></th><td>${e(r.trigger)}${r.repeat > 1 ? ` ×${r.repeat}` : ''}</td>` +
    `<td>${r.result}</td><td><code>${e(changes)}</code></td><td>${r.deferred.length ? e(r.deferred.join(', ')) : '—'}</td><td>${notes.map(e).join('<br>') || '—'}</td></tr>`
  );
}

function reconcilesSection(s: StatusV1): string {
  const rows =
    s.reconciles.map((r) => reconcileRow(r, s.generatedAt)).join('') || '<tr><td colspan="6">none yet</td></tr>';
  return `<section aria-labelledby="h-reconciles"><h2 id="h-reconciles">Recent reconciles</h2>${table('Newest first; identical quiet runs folded', ['When (UTC)', 'Trigger', 'Result', 'Changes', 'Deferred', 'Notes'], rows, 'reconciles')}</section>`;
}

/** The live part of the page (also sent as the `view` event). */
export function renderMain(s: StatusV1): string {
  return `<p class="updated">Updated <time datetime="${new Date(s.generatedAt).toISOString()}">${clock(s.generatedAt)} UTC</time></p>${recordSection(s)}${candidatesSection(s)}${clientsSection(s)}${reconcilesSection(s)}`;
}

export function renderPage(s: StatusV1): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>seedkeeper — ${e(s.record.name)}</title><link rel="stylesheet" href="/assets/status.css"></head><body>` +
    `<header><h1>seedkeeper <span class="muted">status of</span> <code>${e(s.record.name)}</code></h1>` +
    '<p id="live" role="status">Static snapshot: reload to refresh (live updates need JavaScript). JSON: <a href="/v1/status">/v1/status</a></p></header>' +
    `<main id="main">${renderMain(s)}</main><script src="/assets/status.js" defer></script></body></html>`
  );
}
