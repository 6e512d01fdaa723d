/**
 * Debian's Chromium driven by playwright-core (browser downloads are not possible here, and never needed):
 * used by the status page's browser test and by `npm run screenshot`. CHROMIUM overrides the path.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Root needs --no-sandbox; the rest keeps a headless run quiet and offline. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}
