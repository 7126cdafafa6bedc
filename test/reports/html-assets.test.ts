/**
 * The HTML page's style and script are edited as reports/html/page.css and page.js and reach
 * the renderer through the generated reports/html/assets.ts (scripts/html-assets.mjs). These
 * tests fail when the generated module lags its sources, and check that the page inlines those
 * exact texts under a CSP whose hashes are theirs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAGE_SCRIPT, PAGE_STYLE } from '../../reports/html/assets.js';
import { CSP } from '../../reports/html/shell.js';
import { renderFleetHtml, renderReportHtml } from '../../reports/html.js';
import { failingReport, fleetFixture } from './html-fixture.js';

const source = (file: string) => readFileSync(new URL(`../../reports/html/${file}`, import.meta.url), 'utf8');
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');

describe('reports/html/assets.ts', () => {
  it('holds the current page.css and page.js (run `node scripts/html-assets.mjs` after editing them)', () => {
    expect(PAGE_STYLE).toBe(`\n${source('page.css')}`);
    expect(PAGE_SCRIPT).toBe(`\n${source('page.js')}`);
  });

  it('is exactly what the generator writes', () => {
    const script = new URL('../../scripts/html-assets.mjs', import.meta.url).pathname;
    // exits non-zero (and execFileSync throws) when the committed module differs
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('the inlined assets and the CSP', () => {
  const { summary, reports } = fleetFixture();
  const pages = {
    fleet: renderFleetHtml(summary, (key) => reports.get(key)),
    report: renderReportHtml(failingReport()),
  };

  it('allows exactly the assets by hash', () => {
    expect(CSP).toContain(`style-src 'sha256-${sha256(PAGE_STYLE)}'`);
    expect(CSP).toContain(`script-src 'sha256-${sha256(PAGE_SCRIPT)}'`);
  });

  for (const [name, html] of Object.entries(pages)) {
    it(`${name} page: one inline style and one inline script, the assets verbatim, hashed in its CSP`, () => {
      const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
      const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      expect(styles).toEqual([PAGE_STYLE]);
      expect(scripts).toEqual([PAGE_SCRIPT]);
      const csp = html
        .match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)?.[1]
        ?.replace(/&#39;/g, "'");
      expect(csp).toBe(CSP);
      expect(csp).toContain(`style-src 'sha256-${sha256(styles[0] ?? '')}'`);
      expect(csp).toContain(`script-src 'sha256-${sha256(scripts[0] ?? '')}'`);
    });
  }
});
