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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderBouncesHtml } from '../../reports/bounces-html.js';
import { triageBounces } from '../../src/bounce/triage.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import {
  browserSession,
  expectQuiet,
  HAVE_CHROMIUM,
  requireChromiumInCi,
  SCREENSHOTS,
} from '../helpers/chromium.js';
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

requireChromiumInCi();

describe.runIf(HAVE_CHROMIUM)('bounce page in headless chromium', () => {
  const session = browserSession('mail-preflight-bounces-html-');
  const open = session.open;

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
