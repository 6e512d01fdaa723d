/**
 * The status page's server side: keeps the short histories, watches the DNS answers, and serves
 * `/` (HTML), `/v1/status` (JSON), `/v1/events` (server-sent events) and two assets, as a routes hook of
 * the registrar's HTTP server (src/registrar/http.ts). Everything it starts is unref'd and stopped by close().
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CSS, STATUS_JS } from './assets.js';
import { DnsObserver, type DnsTarget } from './dns-observer.js';
import { StatusHistory } from './history.js';
import { buildStatus } from './model.js';
import type { ReconcileView, RegistrarView } from './registrar-view.js';
import { renderMain, renderPage } from './render.js';
import type { StatusV1 } from './schema.js';
import { resolveStatusServiceOptions } from './options.js';
import { SseHub, sseFrame, type SseLimits } from './sse.js';
import { isSpecialUseName } from '../net/special-use-name.js';

export interface StatusServiceOptions {
  readonly registrar: RegistrarView;
  /** Authoritative servers to ask (the embedded server's listen address, the rfc2136 primary). */
  readonly dnsTargets: readonly DnsTarget[];
  /** Also ask the system resolver. Defaults of this and below: DEFAULT_STATUS_SERVICE_OPTIONS (options.ts). */
  readonly systemResolver?: boolean;
  /** The zone's SOA serial when the provider has one. */
  readonly serial?: () => number | null;
  /** Verdict sampling period (one sparkline cell). Default 1000 ms. */
  readonly sampleMs?: number;
  /** Pushes to watching pages are at most this often. Default 200 ms. */
  readonly pushMinMs?: number;
  readonly sse?: SseLimits;
}

export interface StatusService {
  status(): StatusV1;
  /** Tried by the HTTP server before its own routes; true when it answered. */
  routes(req: IncomingMessage, res: ServerResponse): boolean;
  readonly streams: number;
  close(): void;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

const PATHS = new Set(['/', '/index.html', '/v1/status', '/v1/events', '/assets/status.css', '/assets/status.js']);

export function createStatusService(options: StatusServiceOptions): StatusService {
  const { registrar } = options;
  const settings = resolveStatusServiceOptions(options);
  const history = new StatusHistory();
  const name = registrar.state().name;
  // A special-use name (the demo's seed.demo.test) is never sent to the system's resolvers: it would leave the machine.
  const askSystem = settings.systemResolver && !isSpecialUseName(name);
  const targets = [...options.dnsTargets, ...(askSystem ? [{ label: 'system resolver' }] : [])];
  const observer = new DnsObserver({ name, targets });
  const hub = new SseHub(settings.sse);
  const pushMinMs = settings.pushMinMs;
  let pushTimer: NodeJS.Timeout | undefined;
  let lastPush = 0;
  let closed = false;

  const status = (): StatusV1 =>
    buildStatus({
      state: registrar.state(),
      history,
      answers: observer.current(),
      serial: options.serial?.() ?? null,
      now: Date.now(),
    });
  /** The `status` event carries the JSON document; `view` the rendered <main> (a JSON string). */
  const events = (): [string, string][] => {
    const s = status();
    return [
      ['status', JSON.stringify(s)],
      ['view', JSON.stringify(renderMain(s))],
    ];
  };
  const push = (): void => {
    pushTimer = undefined;
    lastPush = Date.now();
    if (closed || hub.size === 0) return;
    for (const [event, data] of events()) hub.broadcast(event, data);
  };
  const schedulePush = (): void => {
    if (closed || pushTimer) return;
    pushTimer = setTimeout(push, Math.max(0, lastPush + pushMinMs - Date.now())).unref();
  };
  const refreshThenPush = (): void => {
    if (hub.size > 0) void observer.refresh().then(schedulePush);
  };

  const onReconciled = (outcome: ReconcileView): void => {
    history.addReconcile(outcome, Date.now());
    schedulePush();
    refreshThenPush();
  };
  const onTransition = (): void => schedulePush();
  registrar.on('reconciled', onReconciled);
  registrar.on('transition', onTransition);
  history.sample(registrar.state().health, Date.now());
  const sampler = setInterval(() => {
    history.sample(registrar.state().health, Date.now());
    schedulePush();
    refreshThenPush();
  }, settings.sampleMs).unref();

  const send = (res: ServerResponse, type: string, body: string, head: boolean): void => {
    res.writeHead(200, { 'content-type': type, ...SECURITY_HEADERS }).end(head ? undefined : body);
  };

  return {
    status,
    get streams() {
      return hub.size;
    },
    routes(req, res) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (!PATHS.has(path)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return true;
      }
      const head = req.method === 'HEAD';
      if (path === '/assets/status.css') send(res, 'text/css; charset=utf-8', STATUS_CSS, head);
      else if (path === '/assets/status.js') send(res, 'text/javascript; charset=utf-8', STATUS_JS, head);
      else if (path === '/v1/events')
        hub.add(
          req,
          res,
          events().map(([event, data]) => sseFrame(event, data)),
        );
      else {
        // Fresh DNS answers for a page load (bounded by the query timeouts), without failing the page.
        void observer
          .refresh()
          .catch(() => undefined)
          .then(() => {
            if (path === '/v1/status')
              send(res, 'application/json; charset=utf-8', `${JSON.stringify(status(), null, 2)}\n`, head);
            else send(res, 'text/html; charset=utf-8', renderPage(status()), head);
          });
      }
      return true;
    },
    close() {
      closed = true;
      clearInterval(sampler);
      clearTimeout(pushTimer);
      registrar.off('reconciled', onReconciled);
      registrar.off('transition', onTransition);
      hub.close();
    },
  };
}
