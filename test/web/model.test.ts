import { describe, expect, it } from 'vitest';
import type { EndpointHealth } from '../../src/health/types.js';
import type { Plan } from '../../src/plan/types.js';
import type { ReconcileOutcome, RegistrarState } from '../../src/registrar/registrar.js';
import { StatusHistory } from '../../src/web/history.js';
import { buildStatus } from '../../src/web/model.js';
import { renderMain, renderPage } from '../../src/web/render.js';
import type { DnsAnswerStatus } from '../../src/web/schema.js';

const NOW = 2_000_000;

function plan(published: string[], over: Partial<Plan> = {}): Plan {
  return {
    changes: [],
    published: { A: published, AAAA: [] },
    added: [],
    removed: [],
    notes: [],
    refused: false,
    ...over,
  };
}

function health(address: string, over: Partial<EndpointHealth> = {}): [string, EndpointHealth] {
  const key = `${address}:3000`;
  return [
    key,
    {
      endpoint: { key, host: address, port: 3000 },
      state: 'healthy',
      since: NOW - 10_000,
      healthySince: NOW - 10_000,
      consecutivePasses: 9,
      failingSince: undefined,
      last: { ok: true, latencyMs: 1.234 },
      nodeId: undefined,
      ...over,
    },
  ];
}

function state(last: ReconcileOutcome | undefined): RegistrarState {
  return {
    name: 'seed.db.example.com',
    policy: { mode: 'sync', ttl: 30, ownerId: 'prod', maxRemovalsPerCycle: 2, maxRecordSize: 0 },
    unhealthyAfterMs: 3000,
    sources: [
      {
        kind: 'cluster',
        candidates: [
          { address: '10.0.0.1', port: 3000, id: 'A1', source: 'cluster' },
          { address: '10.0.0.2', port: 3000, id: 'A2', source: 'cluster' },
        ],
      },
      {
        kind: 'static',
        candidates: [
          { address: '10.0.0.2', port: 3000, source: 'static' },
          { address: '10.0.0.3', port: 3000, source: 'static' },
        ],
      },
    ],
    health: new Map([
      health('10.0.0.1'),
      health('10.0.0.2', { failingSince: NOW - 1500, last: { ok: false, latencyMs: 500, reason: 'timed out' } }),
      health('10.0.0.3', {
        state: 'unhealthy',
        healthySince: undefined,
        failingSince: NOW - 20_000,
        last: { ok: false, latencyMs: 2, reason: 'connection refused' },
      }),
    ]),
    last,
    outage: 'none',
    running: true,
    writesNotVisible: 0,
    lastWriteNotVisible: undefined,
    lastError: undefined,
  };
}

const outcome = (p: Plan, applied: boolean): ReconcileOutcome => ({
  trigger: 'health',
  plan: p,
  applied,
  attempts: 1,
  candidates: [],
});

function answers(auth: string[], system: string[]): DnsAnswerStatus[] {
  return [
    { label: 'authoritative 10.0.0.53:53', server: '10.0.0.53:53', addresses: auth, ttl: 30, error: null, at: NOW },
    { label: 'system resolver', server: null, addresses: system, ttl: 12, error: null, at: NOW },
  ];
}

describe('buildStatus', () => {
  const history = new StatusHistory();
  const published = plan(['10.0.0.1', '10.0.0.2'], { added: ['10.0.0.1', '10.0.0.2'] });
  history.addReconcile(outcome(published, true), NOW - 5000);
  history.addReconcile(outcome(published, false), NOW - 4000);
  history.addReconcile(outcome(published, false), NOW - 3000);
  history.sample(state(undefined).health, NOW - 1000);
  const s = buildStatus({
    state: state(outcome(published, false)),
    history,
    answers: answers(['10.0.0.1', '10.0.0.3'], ['10.0.0.1', '10.0.0.2']),
    serial: 7,
    now: NOW,
  });

  it('is versioned and shows the record as last published, with TTL, serial, change time and marker', () => {
    expect(s.schema).toBe('seedkeeper.status/v1');
    expect(s.record).toEqual({
      name: 'seed.db.example.com',
      ttl: 30,
      families: [{ type: 'A', values: ['10.0.0.1', '10.0.0.2'] }],
      serial: 7,
      lastChangedAt: NOW - 5000,
      marker: { name: '_seedkeeper.seed.db.example.com', value: 'seedkeeper/v1 owner=prod', owned: true },
      mode: 'sync',
    });
    expect(s.registrar.replicas.mode).toBe('single');
  });

  it('with replicas, shows the role of this replica, the lease holder, term and lease age (model and page)', () => {
    const replicas = { replica: 'reg-b', role: 'follower', holder: 'reg-a', term: 4, leaseAgeMs: 2500 } as const;
    const r = buildStatus({
      state: { ...state(undefined), replicas },
      history: new StatusHistory(),
      answers: [],
      serial: 7,
      now: NOW,
    });
    expect(r.registrar.replicas).toEqual({
      mode: 'follower',
      replica: 'reg-b',
      leader: 'reg-a',
      term: 4,
      leaseAgeMs: 2500,
    });
    const html = renderMain(r);
    expect(html).toContain('replica reg-b: <strong>follower</strong>, lease held by reg-a (term 4, renewed 2.5 s ago)');
    expect(html).not.toContain('single replica');
  });

  it('lists every candidate once, with all its sources, verdict, streak, last probe and why', () => {
    expect(s.candidates.map((c) => [c.key, c.sources, c.verdict, c.why.code, c.why.published])).toEqual([
      ['10.0.0.1:3000', ['cluster'], 'healthy', 'healthy', true],
      ['10.0.0.2:3000', ['cluster', 'static'], 'healthy', 'failing', true],
      ['10.0.0.3:3000', ['static'], 'unhealthy', 'unhealthy', false],
    ]);
    expect(s.candidates[1]).toMatchObject({
      nodeId: 'A2',
      failingForMs: 1500,
      lastProbe: { ok: false, latencyMs: 500, reason: 'timed out' },
    });
    expect(s.candidates[0]!.lastProbe!.latencyMs).toBe(1.2);
    expect(s.candidates[0]!.history).toEqual([{ at: NOW - 1000, verdict: 'healthy', failing: false }]);
  });

  it('folds identical quiet reconciles and keeps the newest first', () => {
    expect(s.reconciles.map((r) => [r.result, r.repeat, r.added])).toEqual([
      ['unchanged', 2, []],
      ['changed', 1, ['10.0.0.1', '10.0.0.2']],
    ]);
  });

  it('names the differences between DNS, members and sources', () => {
    expect(s.clients.differences.map((d) => [d.kind, d.address])).toEqual([
      ['in-dns-not-member', '10.0.0.3'],
      ['member-not-in-dns', '10.0.0.2'],
      ['resolver-stale', '10.0.0.3'],
      ['resolver-stale', '10.0.0.2'],
    ]);
    expect(s.clients.hosts.find((h) => h.client === 'node')!.direct).toContain('10.0.0.1:3000,10.0.0.2:3000');
  });

  it('renders the same facts as HTML, escaping everything it did not write', () => {
    const html = renderMain(s);
    for (const c of s.candidates)
      expect(html).toContain(`data-key="${c.key}" data-why="${c.why.code}" data-published="${c.why.published}"`);
    const hostile = buildStatus({
      state: { ...state(undefined), name: 'x<script>.example.com' },
      history: new StatusHistory(),
      answers: [],
      serial: null,
      now: NOW,
    });
    expect(renderPage(hostile)).not.toContain('<script>.');
    expect(renderPage(hostile)).toContain('x&lt;script&gt;.example.com');
  });

  it('says when an acknowledged write was not there on the next read (a server that lies), in JSON and HTML', () => {
    expect(s.registrar.writesNotVisible).toEqual({ count: 0, last: null });
    expect(renderMain(s)).toContain('data-writes-not-visible="0"');
    const sets = ['seed.db.example.com A: wrote 10.0.0.1, 10.0.0.2; read back 10.0.0.1 (as before the write)'];
    const lied = buildStatus({
      state: { ...state(undefined), writesNotVisible: 3, lastWriteNotVisible: { writtenAt: NOW - 5000, sets } },
      history: new StatusHistory(),
      answers: [],
      serial: null,
      now: NOW,
    });
    expect(lied.registrar.writesNotVisible).toEqual({ count: 3, last: { at: NOW - 5000, sets } });
    const html = renderMain(lied);
    expect(html).toContain('data-writes-not-visible="3"');
    expect(html).toContain('read back 10.0.0.1 (as before the write)');
  });

  it('keeps the record of the last good run when a reconcile fails', () => {
    const h = new StatusHistory();
    h.addReconcile(outcome(plan(['10.0.0.1']), true), NOW - 2000);
    h.addReconcile({ ...outcome(plan(['10.0.0.9']), false), error: new Error('boom') }, NOW - 1000);
    expect(h.published?.A).toEqual(['10.0.0.1']);
    expect(h.reconciles()[0]).toMatchObject({ result: 'error', error: expect.stringContaining('boom') });
  });
});
