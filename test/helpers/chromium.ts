/**
 * Headless chromium for the pages' browser tests (Debian's chromium driven by playwright-core):
 * where it is, whether the tests run (skipped locally without it, a failure in CI where .ci/run
 * installs it), and a page opened with everything it does watched: console errors (a CSP hash
 * that does not match shows up as one), page errors, dialogs and every request.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export const CHROMIUM = process.env.MAIL_PREFLIGHT_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const SCREENSHOTS = fileURLToPath(new URL('../../out/screenshots/', import.meta.url));
const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Warns locally and fails in CI when chromium is missing; call once at a test file's top level. */
export function requireChromiumInCi(): void {
  if (!HAVE_CHROMIUM && !IN_CI) {
    console.warn(`browser test skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);
  }
  describe.runIf(!HAVE_CHROMIUM && IN_CI)('browser test prerequisites', () => {
    it('chromium is installed', () => {
      throw new Error(
        `chromium not found at ${CHROMIUM}: .ci/run installs Debian's chromium (apt-get install chromium); ` +
          'set MAIL_PREFLIGHT_CHROMIUM to use another binary',
      );
    });
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS });
}

export interface Watch {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  requests: string[];
}

/** Opens `url` in a fresh 1400x1000 context, watching what the page does. */
export async function openWatched(browser: Browser, url: string): Promise<{ page: Page; watch: Watch }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const watch: Watch = { consoleErrors: [], pageErrors: [], dialogs: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watch.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => watch.pageErrors.push(e.message));
  page.on('dialog', (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss();
  });
  context.on('request', (r) => watch.requests.push(r.url()));
  await page.goto(url, { waitUntil: 'load' });
  return { page, watch };
}

/** No error, no dialog, and no request but the page itself. */
export function expectQuiet(watch: Watch, url: string): void {
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.dialogs).toEqual([]);
  expect(watch.requests).toEqual([url]);
}

export interface BrowserSession {
  /** The session's temporary directory (removed after the tests). */
  dir(): string;
  /** Writes `html` (when given) to `name` in dir() and opens it, watched. */
  open(name: string, html?: string): Promise<{ page: Page; watch: Watch; url: string }>;
}

/** One chromium and one temporary directory for a describe block's tests (call inside it). */
export function browserSession(dirPrefix: string): BrowserSession {
  let browser: Browser | undefined;
  let dir = '';
  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    async open(name, html) {
      if (!browser) throw new Error('chromium is not running');
      const file = join(dir, name);
      if (html !== undefined) writeFileSync(file, html);
      const url = pathToFileURL(file).href;
      return { ...(await openWatched(browser, url)), url };
    },
  };
}
