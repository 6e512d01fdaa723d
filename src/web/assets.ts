/**
 * The page's two static assets, served from memory (no CDN, no build step): a stylesheet and a small
 * script that swaps in the server-rendered `<main>` from each `view` event of /v1/events.
 */
export const STATUS_CSS = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4d4d4d; --line: #c8c8c8; --ok: #0b6b2e; --bad: #a4161a; --warn: #7a4b00; --unk: #4d4d4d; }
* { box-sizing: border-box; }
body { margin: 0; padding: 0.75rem; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 1.3rem; margin: 0 0 0.25rem; } h2 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; } h3 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
code { font: 0.9em/1.3 ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; min-width: 32rem; }
caption { text-align: left; color: var(--muted); padding: 0.2rem 0; }
#candidates th code, #candidates td code { white-space: nowrap; }
th, td { border-bottom: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f2f2f2; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 0.6rem; color: #fff; font-weight: 600; }
.b-healthy { background: var(--ok); } .b-unhealthy { background: var(--bad); } .b-failing { background: var(--warn); } .b-unknown { background: var(--unk); }
.why { max-width: 28rem; }
.spark { letter-spacing: -1px; font-family: ui-monospace, monospace; white-space: nowrap; }
.s-healthy { color: var(--ok); } .s-unhealthy { color: var(--bad); } .s-failing { color: var(--warn); } .s-unknown { color: var(--unk); }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; margin: 0.6rem 0; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; }
.diffs li { margin: 0.15rem 0; }
#live { margin: 0; color: var(--muted); }
@media (max-width: 40rem) { body { padding: 0.5rem; font-size: 14px; } .facts { grid-template-columns: 1fr; } }
`;

export const STATUS_JS = `// seedkeeper status page: live updates over server-sent events (the page works without this script).
(function () {
  var live = document.getElementById('live');
  var main = document.getElementById('main');
  if (!window.EventSource || !live || !main) return;
  var state = '';
  function say(text) { if (state !== text) { state = text; live.textContent = text; } }
  var source = new EventSource('/v1/events');
  source.addEventListener('view', function (event) {
    main.innerHTML = JSON.parse(event.data);
    say('Live: updates as they happen. JSON at /v1/status');
  });
  source.onerror = function () { say('Live updates interrupted; reconnecting…'); };
})();
`;
