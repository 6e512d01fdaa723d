/**
 * The status page in a real browser (Debian's Chromium via playwright-core) against the demo world: three
 * healthy nodes; a node stops and the page shows it failing, then removed with the reason; the JSON API
 * and the page (rendered without JavaScript) say the same thing.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoWorld, type DemoWorld } from '../../src/demo/world.js';
import type { StatusV1 } from '../../src/web/schema.js';
import { CHROMIUM_PATH, launchChromium } from '../../scripts/chromium.js';

const available = existsSync(CHROMIUM_PATH);
if (!available && process.env.CI === 'true') throw new Error(`${CHROMIUM_PATH} missing: run scripts/test-env/setup.sh`);
if (!available)
  console.warn(
    `\n!!!!!!!! SKIPPING browser tests: ${CHROMIUM_PATH} not found; run scripts/test-env/setup.sh !!!!!!!!\n`,
  );

interface Row {
  key: string;
  why: string;
  published: string;
  verdict: string;
  text: string;
}

// Browser-side code is written as strings: this project's TypeScript has no DOM types.
const ROWS = `[...document.querySelectorAll('#candidates tbody tr[data-key]')].map((tr) => ({
  key: tr.getAttribute('data-key'), why: tr.getAttribute('data-why'), published: tr.getAttribute('data-published'),
  verdict: tr.querySelector('[data-verdict]')?.getAttribute('data-verdict') ?? '', text: tr.textContent }))`;
const rows = (page: Page): Promise<Row[]> => page.evaluate(ROWS);
const texts = (page: Page, selector: string): Promise<string[]> =>
  page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.textContent)`);
const until = (page: Page, expression: string, timeout: number): Promise<unknown> =>
  page.waitForFunction(expression, undefined, { timeout, polling: 100 });

describe.skipIf(!available)('status page in Chromium', () => {
  let world: DemoWorld;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    // unhealthy-after 3 s: the "failing" phase lasts long enough to be seen on a loaded machine.
    world = await startDemoWorld({
      timing: { intervalMs: 250, timeoutMs: 200, healthyAfter: 2, unhealthyAfterMs: 3000 },
    });
    browser = await launchChromium();
    base = `http://${world.runtime.http!.host}:${world.runtime.http!.port}`;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await world?.close();
  }, 60_000);

  it('shows three healthy nodes, then a stopped node failing, then removed with the reason', async () => {
    // The page's content policy forbids eval, which Playwright's string predicates use: bypassed in tests only.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(await page.title()).toContain('seed.demo.test');
    await until(
      page,
      `document.querySelectorAll('#candidates tr[data-why="healthy"][data-published="true"]').length === 3`,
      30_000,
    );
    await until(page, `document.getElementById('live').textContent.startsWith('Live')`, 15_000);
    expect(await page.locator('#record tr[data-type="A"] code').count()).toBe(3);

    const victim = world.sim.nodes.at(-1)!;
    const key = `${world.ips.at(-1)}:${world.port}`;
    // Remember every state the page showed for the victim's row, from the live updates.
    await page.evaluate(`(() => {
      const seen = (window.seen = []);
      const note = () => {
        const tr = document.querySelector('#candidates tr[data-key="${key}"]');
        const state = tr ? tr.getAttribute('data-why') + '/' + tr.getAttribute('data-published') : 'absent';
        if (seen.at(-1) !== state) seen.push(state);
      };
      new MutationObserver(note).observe(document.getElementById('main'), { childList: true, subtree: true });
      note();
    })()`);
    await victim.stop();
    await until(
      page,
      `document.querySelector('#candidates tr[data-key="${key}"][data-why="unhealthy"][data-published="false"]') !== null`,
      30_000,
    );
    const seen: string[] = await page.evaluate('window.seen');
    expect(seen[0]).toBe('healthy/true');
    expect(seen).toContain('failing/true');
    expect(seen.indexOf('failing/true')).toBeLessThan(seen.indexOf('unhealthy/false'));
    const row = (await rows(page)).find((r) => r.key === key)!;
    expect(row.text).toMatch(/connection refused/);
    expect(row.verdict).toBe('unhealthy');
    await until(page, `document.querySelectorAll('#record tr[data-type="A"] code').length === 2`, 15_000);
    expect(await page.locator('#reconciles tr[data-result="changed"]').count()).toBeGreaterThanOrEqual(2);
    await context.close();
  }, 120_000);

  it('serves the same facts as JSON and as a page that needs no JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, bypassCSP: true });
    const page = await context.newPage();
    let last = '';
    for (let attempt = 0; attempt < 10; attempt++) {
      const status = (await (await fetch(`${base}/v1/status`)).json()) as StatusV1;
      await page.goto(`${base}/`);
      const fromJson = status.candidates.map((c) => ({
        key: c.key,
        why: c.why.code,
        published: String(c.why.published),
        verdict: c.verdict,
      }));
      const fromPage = (await rows(page)).map(({ key, why, published, verdict }) => ({ key, why, published, verdict }));
      const record = await texts(page, '#record tr[data-type="A"] code');
      const same =
        JSON.stringify(fromJson) === JSON.stringify(fromPage) &&
        JSON.stringify(record) === JSON.stringify(status.record.families[0]?.values ?? []);
      last = JSON.stringify({ fromJson, fromPage, record });
      if (same) {
        expect(status.schema).toBe('seedkeeper.status/v1');
        expect(fromPage).toHaveLength(3);
        expect(await page.locator('#live').textContent()).toContain('Static snapshot');
        expect(await page.locator('#hosts').textContent()).toContain('seed.demo.test');
        await context.close();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`page and JSON never agreed: ${last}`);
  }, 60_000);
});
