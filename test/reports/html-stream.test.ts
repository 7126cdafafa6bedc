/**
 * The fleet page is made in pieces and written as it is made: each row's report is read when
 * its row is reached, not all up front, and the pieces make exactly the one-string page.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFleetHtml, renderFleetHtmlChunks } from '../../reports/html.js';
import { writeFileAtomic } from '../../src/fleet/outdir.js';
import type { Report } from '../../src/report.js';
import { fleetFixture } from './html-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'mp-html-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fleet HTML in pieces', () => {
  it('reads each report when its row is reached, and the pieces are the page', () => {
    const { summary, reports } = fleetFixture();
    const asked: string[] = [];
    const lookup = (key: string): Report | undefined => {
      asked.push(key);
      return reports.get(key);
    };
    const pieces: string[] = [];
    for (const piece of renderFleetHtmlChunks(summary, lookup)) {
      pieces.push(piece);
      // Piece 0 is the page head, 1 the grid's head, then one per row: a row's report is
      // read when that row is made, never ahead of it.
      expect(asked.length).toBeLessThanOrEqual(Math.max(0, pieces.length - 2));
    }
    expect(pieces.length).toBeGreaterThan(summary.identities.length);
    expect(asked).toHaveLength(summary.identities.filter((r) => r.status !== 'error').length);
    const page = pieces.join('');
    expect(page).toContain('<script type="application/json" id="d-0">');
    expect(renderFleetHtml(summary, (k) => reports.get(k))).toBe(page);
  });

  it('writeFileAtomic writes pieces, across write batches, as the whole text', async () => {
    const pieces = Array.from({ length: 3000 }, (_, i) => `${i}:${'x'.repeat(1000)}\n`);
    const path = join(dir, 'page.html');
    await writeFileAtomic(path, pieces);
    expect(readFileSync(path, 'utf8')).toBe(pieces.join(''));
    await writeFileAtomic(path, 'short');
    expect(readFileSync(path, 'utf8')).toBe('short');
  });
});
