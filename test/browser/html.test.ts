/**
 * The HTML report in a real headless browser: Debian's chromium driven by playwright-core.
 * The page must load with no console error (a CSP hash that does not match the inline script
 * or style shows up as one), fire no dialog, fetch nothing, keep hostile records inert, and
 * its filters, sorting and details must work. A screenshot goes to out/screenshots/.
 *
 * Without chromium the test is skipped locally and fails in CI (CI=true), where .ci/run
 * installs it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HTML_GRID_PAGE_ROWS, renderFleetHtml, renderReportHtml } from '../../reports/html.js';
import { main } from '../../src/cli.js';
import { rowFromReport } from '../../src/fleet/row.js';
import { startLab } from '../../src/lab/index.js';
import {
  browserSession,
  expectQuiet,
  HAVE_CHROMIUM,
  requireChromiumInCi,
  SCREENSHOTS,
} from '../helpers/chromium.js';
import {
  failingReport,
  fleetFixture,
  HOSTILE,
  passReport,
  XSS_CLOSE,
  XSS_IMG,
  XSS_SCRIPT,
} from '../reports/html-fixture.js';

requireChromiumInCi();

describe.runIf(HAVE_CHROMIUM)('HTML report in headless chromium', () => {
  const session = browserSession('mail-preflight-html-');
  const open = session.open;

  const visibleDomains = (page: Page) =>
    page.$$eval('#grid tbody tr.row:not([hidden]) .id-btn', (bs) => bs.map((b) => b.textContent));

  it('fleet page: loads clean, hostile records stay text, filters, sorting and details work', async () => {
    const { summary, reports } = fleetFixture();
    const { page, watch, url } = await open(
      'index.html',
      renderFleetHtml(summary, (k) => reports.get(k)),
    );

    // the inline script ran (its CSP hash matched): it fills the counter
    await expect.poll(() => page.textContent('#f-shown')).toBe('9 of 9 match');

    // nothing hostile became markup
    expect(await page.$$eval('img, iframe, object, embed', (els) => els.length)).toBe(0);
    const scripts = await page.$$eval('script', (els) => els.map((e) => e.getAttribute('type')));
    expect(scripts.filter((t) => t === null)).toHaveLength(1);
    expect(scripts.filter((t) => t !== null).every((t) => t === 'application/json')).toBe(true);
    expect(await page.textContent('#invalid')).toContain(`bad domain "${XSS_IMG}"`);
    expect(await page.textContent('#regressions pre')).toContain(
      HOSTILE.replace(/\u2028\u2029/, '\\u2028\\u2029'),
    );
    expect(await page.textContent('header')).toContain(`fleet${XSS_IMG}.yaml`);

    // filter by status
    await page.selectOption('#f-status', 'fail');
    expect(await visibleDomains(page)).toEqual(['shop.example']);
    await page.selectOption('#f-status', 'pass');
    expect(await visibleDomains(page)).toHaveLength(5);
    expect(await page.textContent('#f-shown')).toBe('5 of 9 match');
    await page.selectOption('#f-status', 'problems');
    expect(await visibleDomains(page)).toEqual([
      'shop.example',
      'broken.example',
      'slow.example',
      'news.example',
    ]);
    await page.selectOption('#f-status', 'regressed');
    expect(await visibleDomains(page)).toEqual(['shop.example']);
    // by check: DMARC at warn
    await page.selectOption('#f-check', 'dmarc');
    await page.selectOption('#f-status', 'warn');
    expect(await visibleDomains(page)).toEqual(['news.example']);
    await page.selectOption('#f-check', 'mx');
    await page.selectOption('#f-status', 'unknown');
    expect(await visibleDomains(page)).toEqual(['slow.example']);
    // by predicted reply
    await page.selectOption('#f-check', '');
    await page.selectOption('#f-status', '');
    await page.selectOption('#f-reply', 'microsoft 550 5.7.515');
    expect(await visibleDomains(page)).toEqual(['shop.example']);
    await page.selectOption('#f-reply', '-');
    expect(await visibleDomains(page)).toHaveLength(8);
    // by name
    await page.selectOption('#f-reply', '');
    await page.fill('#f-text', 'ok3');
    expect(await visibleDomains(page)).toEqual(['ok3.example']);
    await page.fill('#f-text', '');
    expect(await visibleDomains(page)).toHaveLength(9);

    // sort by identity, both ways, and by findings (most first)
    const sorted = [...summary.identities.map((r) => r.domain)].sort();
    await page.click('#grid thead button:text("Identity")');
    expect(await visibleDomains(page)).toEqual(sorted);
    expect(await page.getAttribute('#grid thead th:first-child', 'aria-sort')).toBe('ascending');
    await page.click('#grid thead button:text("Identity")');
    expect(await visibleDomains(page)).toEqual([...sorted].reverse());
    await page.click('#grid thead button:text("Findings")');
    expect((await visibleDomains(page)).slice(0, 3)).toEqual([
      'shop.example',
      'news.example',
      'slow.example',
    ]);
    // sort by a check column: worst first
    await page.click('#grid thead th[data-check="dmarc"] button');
    expect((await visibleDomains(page)).slice(0, 2)).toEqual(['shop.example', 'news.example']);

    // details: open the failing identity
    await page.click('#grid tbody tr.row:has-text("shop.example") .id-btn');
    const detail = page.locator('#grid tr.detail');
    await expect.poll(() => detail.count()).toBe(1);
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('SPF include tree: 13 of 10 DNS lookups');
    expect(text).toContain('_spf.esp.example');
    expect(text).toContain('3 lookups, 9 with includes');
    expect(text).toContain(`evil${XSS_IMG}.example`);
    expect(text).toContain(XSS_SCRIPT);
    expect(text).toContain(`HELO: mta${XSS_IMG}`);
    expect(text).toContain(`deadline ${XSS_CLOSE}`);
    expect(text).toContain('spf/too-many-lookups');
    expect(text).toContain('Flatten includes');
    const evidence = detail.locator('.finding:has-text("spf/too-many-lookups") details');
    expect(await evidence.locator('pre').isVisible()).toBe(false);
    await evidence.locator('summary').click();
    expect(await evidence.locator('pre').isVisible()).toBe(true);
    expect(await evidence.locator('pre').textContent()).toContain(XSS_CLOSE.replace(/"/g, '\\"'));
    // the detail row follows its row through a sort and a filter
    await page.click('#grid thead button:text("Identity")');
    expect(
      await page.$eval(
        '#grid tr.detail',
        (d) => d.previousElementSibling?.querySelector('.id-btn')?.textContent,
      ),
    ).toBe('shop.example');
    await page.selectOption('#f-status', 'pass');
    expect(await detail.isHidden()).toBe(true);
    await page.selectOption('#f-status', '');

    // a row without a report (an internal error) still opens
    await page.click('#grid tbody tr.row:has-text("broken.example") .id-btn');
    expect(await page.locator('#grid tr.detail').count()).toBe(2);
    expect(await page.locator('#grid tr.row:has-text("broken.example") + tr.detail').textContent()).toContain(
      `No report: internal error: ${XSS_SCRIPT}`,
    );
    expect(await page.$$eval('img, iframe', (els) => els.length)).toBe(0);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet.png'), fullPage: true });
    expectQuiet(watch, url);
    await page.context().close();
  }, 60_000);

  it('single audit page: details open on load, no errors, nothing fetched', async () => {
    const { page, watch, url } = await open('report.html', renderReportHtml(failingReport()));
    const detail = page.locator('#grid tr.detail');
    await expect.poll(() => detail.count()).toBe(1);
    expect(await detail.textContent()).toContain('spf/too-many-lookups');
    expect(await page.getAttribute('#grid .id-btn', 'aria-expanded')).toBe('true');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: true });
    expectQuiet(watch, url);
    await page.context().close();
  }, 60_000);

  it('a real fleet run against the lab: index.html loads clean, the hostile TXT record is text', async () => {
    const demo = readFileSync(new URL('../../src/demo/world.yaml', import.meta.url), 'utf8');
    const lab = await startLab(`${demo}\nevil.example:\n  TXT: ${JSON.stringify(HOSTILE)}\n`);
    const domains = join(session.dir(), 'domains.txt');
    writeFileSync(domains, 'good.example\nbroken.example\nplusall.example\nevil.example\n');
    let out = '';
    const collect = (s: string) => {
      out += s;
    };
    try {
      const code = await main(
        [
          'fleet',
          '--domains-file',
          domains,
          '--out-dir',
          join(session.dir(), 'run'),
          '--resolver',
          `${lab.host}:${lab.port}`,
          '--no-smtp',
          '--quiet',
          '--no-baseline',
          '--format',
          'junit',
        ],
        { stdout: collect, stderr: collect, isTty: false, env: {} },
      );
      expect(code, out).toBe(1);
    } finally {
      await lab.stop();
    }
    expect(XMLValidator.validate(readFileSync(join(session.dir(), 'run', 'junit.xml'), 'utf8'))).toBe(true);
    const { page, watch, url } = await open(join('run', 'index.html'));
    await expect.poll(() => page.textContent('#f-shown')).toBe('4 of 4 match');
    await page.selectOption('#f-status', 'pass');
    expect(await visibleDomains(page)).toEqual(['good.example']);
    await page.selectOption('#f-status', '');
    await page.click('#grid tbody tr.row:has-text("evil.example") .id-btn');
    const detail = page.locator('#grid tr.row:has-text("evil.example") + tr.detail');
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain('spf/');
    expect(text).toContain(XSS_SCRIPT);
    expect(text).toContain(XSS_IMG);
    expect(await page.$$eval('img, iframe', (els) => els.length)).toBe(0);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'fleet-run.png'), fullPage: true });
    expectQuiet(watch, url);
    await page.context().close();
  }, 60_000);

  it('a big fleet is laid out one page at a time; filters and sorting span all pages', async () => {
    const { summary } = fleetFixture();
    const n = HTML_GRID_PAGE_ROWS * 2 + 100;
    const reports = new Map<string, ReturnType<typeof passReport>>();
    summary.identities = Array.from({ length: n }, (_, i) => {
      const r = i % 7 === 0 ? failingReport() : passReport('x');
      r.target.domain = `d${String(i).padStart(5, '0')}.example`;
      const key = `${r.target.domain}-${i}`;
      reports.set(key, r);
      return rowFromReport(key, r);
    });
    const fails = summary.identities.filter((r) => r.status === 'fail').length;
    const { page, watch, url } = await open(
      'big.html',
      renderFleetHtml(summary, (k) => reports.get(k)),
    );
    await expect.poll(() => page.textContent('#f-shown')).toBe(`${n} of ${n} match`);
    expect(await page.textContent('#p-info')).toBe(`rows 1\u2013${HTML_GRID_PAGE_ROWS} of ${n}`);
    expect(await visibleDomains(page)).toHaveLength(HTML_GRID_PAGE_ROWS);
    await page.click('#p-next');
    await page.click('#p-next');
    expect(await visibleDomains(page)).toHaveLength(100);
    expect(await page.isDisabled('#p-next')).toBe(true);
    // sorting descending by identity starts over on page 1 with the last name of all rows
    await page.click('#grid thead button:text("Identity")');
    await page.click('#grid thead button:text("Identity")');
    expect((await visibleDomains(page))[0]).toBe(`d${String(n - 1).padStart(5, '0')}.example`);
    expect(await page.isDisabled('#p-prev')).toBe(true);
    await page.selectOption('#f-status', 'fail');
    expect(await visibleDomains(page)).toHaveLength(fails);
    expect(await page.isHidden('#pager')).toBe(true);
    expectQuiet(watch, url);
    await page.context().close();
  }, 60_000);
});
