import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium from Debian (`apt-get install chromium`), driven by playwright-core
 * (which downloads no browser of its own). On a developer machine without it the browser
 * tests skip with a warning; in CI (or with KUBELING_REQUIRE_BROWSER=1) a missing browser
 * is an error, so the tests can never silently not run there.
 */
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI || process.env.KUBELING_REQUIRE_BROWSER) {
    throw new Error(`Chromium is required (CI or KUBELING_REQUIRE_BROWSER is set) but ${CHROMIUM} does not exist: apt-get install chromium`);
  }
  console.warn(`skipping browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
  return false;
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * A fresh profile (playwright makes a temporary one) and flags for a closed network: no background fetches, updates or sync, which would
 * otherwise try hosts outside this machine at every start.
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--ignore-certificate-errors',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** Where screenshots go: test-artifacts/ at the repository root (ignored by git). */
export function artifactPath(name: string): string {
  const dir = join(process.cwd(), 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
