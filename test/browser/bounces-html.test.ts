/**
 * The bounce page in a real headless browser: Debian's chromium driven by playwright-core, as
 * for the fleet page (test/browser/html.test.ts). The page must load with no console error (a
 * CSP hash that does not match shows up as one), fetch nothing, draw its charts (a bar per
 * timeline bucket, a band per wave, a bar per top code), keep hostile bounce strings as text,
 * and lay the charts out at a readable size. Screenshots go to out/screenshots/.
 *
 * Without chromium the test is skipped locally and fails in CI (CI=true), where .ci/run
 * installs it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBouncesHtml } from '../../reports/bounces-html.js';
import { triageBounces } from '../../src/bounce/triage.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import {
  bounce,
  fixtureTriage,
  GMAIL,
  OUTLOOK,
  RATE,
  RUN_START,
  UNKNOWN_USER,
  XSS_CLOSE,
  XSS_IMG,
  XSS_SCRIPT,
} from '../reports/bounces-html-fixture.js';

const CHROMIUM = process.env.MAIL_PREFLIGHT_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
const SCREENSHOTS = fileURLToPath(new URL('../../out/screenshots/', import.meta.url));
const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

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

interface Watch {
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  requests: string[];
}

describe.runIf(HAVE_CHROMIUM)('bounce page in headless chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS });
    dir = mkdtempSync(join(tmpdir(), 'mail-preflight-bounces-html-'));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<{ page: Page; watch: Watch; url: string }> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
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
    return { page, watch, url };
  }

  function expectQuiet(watch: Watch, url: string): void {
    expect(watch.pageErrors).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    expect(watch.requests).toEqual([url]);
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
  }

  it('loads clean, draws the charts and the wave band, keeps hostile strings as text', async () => {
    const triage = await fixtureTriage();
    const { page, watch, url } = await open('bounces.html', renderBouncesHtml(triage));

    // the timeline: one bar per bucket, laid out across the page's width, one wave band
    const bars = page.locator('#timeline g.bar');
    expect(await bars.count()).toBe(triage.summary.timeline.buckets.length);
    expect(await bars.count()).toBe(48);
    const chart = await page.locator('#timeline').boundingBox();
    expect(chart?.width).toBeGreaterThan(1000);
    expect(chart?.height).toBeGreaterThan(250);
    const band = page.locator('#timeline g.wave rect');
    expect(await band.count()).toBe(1);
    const bandBox = await band.boundingBox();
    expect(bandBox?.width).toBeGreaterThan(10);
    expect(bandBox?.height).toBeGreaterThan(200);
    expect(await page.locator('#timeline g.wave text').textContent()).toBe('W1');
    // the tallest bar is the wave's hour, and it lies inside the band
    const heights = await bars.evaluateAll((gs) => gs.map((g) => (g as SVGGElement).getBBox().height));
    const tallest = heights.indexOf(Math.max(...heights));
    const tallestBox = await bars.nth(tallest).boundingBox();
    expect(
      tallestBox &&
        bandBox &&
        tallestBox.x >= bandBox.x &&
        tallestBox.x + tallestBox.width <= bandBox.x + bandBox.width,
    ).toBe(true);
    expect(await bars.nth(tallest).locator('title').first().textContent()).toBe(
      '11-03 06:00 UTC: 64 bounces',
    );

    // the codes chart: a bar per reply shown, the provider names as headings
    expect(await page.locator('#codes g.code').count()).toBe(9);
    const codes = (await page.textContent('#codes')) ?? '';
    expect(codes).toContain('421 4.7.28');
    expect(codes).toContain('microsoft');

    // the waves list and the category links
    expect(await page.textContent('#waves tbody')).toContain('421 4.7.28');
    await page.click('#waves tbody a[href="#cat-reputation"]');
    expect(await page.evaluate(() => location.hash)).toBe('#cat-reputation');
    expect(await page.isVisible('#cat-reputation')).toBe(true);

    // the timeline as a table unfolds
    expect(await page.isVisible('#over-time details table')).toBe(false);
    await page.click('#over-time details summary');
    expect(await page.locator('#over-time details tbody tr').count()).toBe(48);

    // nothing hostile became markup; it is there as text
    expect(await page.$$eval('img, iframe, object, embed', (els) => els.length)).toBe(0);
    expect(await page.$$eval('script', (els) => els.length)).toBe(1);
    const bouncesText = (await page.textContent('#bounces')) ?? '';
    expect(bouncesText).toContain(`550 5.1.1 ${XSS_SCRIPT} ${XSS_IMG}`);
    expect(bouncesText).toContain(`${XSS_IMG}@example.org`);
    expect(bouncesText).toContain(XSS_CLOSE);
    expect(bouncesText).toContain(`logs/${XSS_IMG}.log:7`);

    await screenshot(page, 'bounces.png');
    await page.locator('#over-time').screenshot({ path: join(SCREENSHOTS, 'bounces-timeline.png') });
    await page.locator('#codes-per-provider').screenshot({ path: join(SCREENSHOTS, 'bounces-codes.png') });
    expectQuiet(watch, url);
    await page.context().close();
  }, 60_000);

  it('a year of 100,000 bounces: daily bars, a wave band, the page opens quickly', async () => {
    const day = 24 * 3_600_000;
    function* records(): Generator<BounceRecord> {
      for (let i = 0; i < 100_000; i++) {
        const ms = RUN_START + Math.floor((i * 365 * day) / 100_000);
        yield bounce(i % 3 === 0 ? UNKNOWN_USER : '451 4.7.24 try later', i % 2 ? GMAIL : OUTLOOK, ms);
      }
      // a Gmail reputation burst on day 200
      for (let i = 0; i < 300; i++) yield bounce(RATE, GMAIL, RUN_START + 200 * day + i * 10_000);
    }
    const triage = await triageBounces(records());
    expect(triage.summary.timeline.bucketMs).toBe(day);
    const started = Date.now();
    const { page, watch, url } = await open('bounces-year.html', renderBouncesHtml(triage));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await page.locator('#timeline g.bar').count()).toBe(triage.summary.timeline.buckets.length);
    expect(await page.locator('#timeline g.wave').count()).toBe(triage.waves.waves.length);
    expect(triage.waves.waves.length).toBeGreaterThanOrEqual(1);
    const band = await page.locator('#timeline g.wave rect').first().boundingBox();
    expect(band?.width).toBeGreaterThanOrEqual(2);
    await page.locator('#over-time').screenshot({ path: join(SCREENSHOTS, 'bounces-year-timeline.png') });
    expectQuiet(watch, url);
    await page.context().close();
  }, 120_000);
});
