/**
 * Regenerate docs/status-page.png: start the demo world, let a node die so the page shows a failing and a
 * removed candidate with their reasons, and photograph the page in Debian's Chromium.
 *
 * Usage: `npm run screenshot` (or `node --import tsx scripts/screenshot.ts [OUT.png]`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoWorld } from '../src/demo/world.js';
import { launchChromium } from './chromium.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'status-page.png'));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const world = await startDemoWorld();
const browser = await launchChromium();
try {
  const status = world.runtime.status!;
  await until(
    () => status.status().candidates.filter((c) => c.why.code === 'healthy').length === world.ips.length,
    20_000,
    'every node healthy and published',
  );
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const victim = world.sim.nodes.at(-1)!;
  await victim.stop();
  await until(
    () => status.status().candidates.some((c) => c.why.code === 'unhealthy' && !c.why.published),
    20_000,
    'the stopped node removed',
  );
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const http = world.runtime.http!;
  await page.goto(`http://${http.host}:${http.port}/`);
  await page.waitForSelector('#live:text("Live")', { timeout: 15_000 });
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
} finally {
  await browser.close();
  await world.close();
}
