/**
 * A 1,000,000-address list in bounded memory: the check runs in a child process (its peak RSS
 * is its own) over a list generated as a stream, on a few domains of the in-memory resolver so
 * the run stays within CI time; the DNS-heavy figures are bench/recipients.ts's.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const ADDRESSES = 1_000_000;
/**
 * Peak RSS growth allowed over the RSS before the check: the duplicate sets hold 2 x 16 MB at a
 * million addresses, the rest is the window, the maps and V8's heap slack. Measured ~60-95 MB.
 */
const MAX_PEAK_GROWTH_KB = 250 * 1024;

describe('recipients at scale', () => {
  it.each([
    ['streamed from a generator', []],
    ['read from a file, with the domain prefetch', ['file']],
  ])(
    `checks ${ADDRESSES} addresses in bounded memory, each domain looked up once (%s)`,
    (_name, extra) => {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', '--expose-gc', join(here, 'memory-child.ts'), String(ADDRESSES), ...extra],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const r = JSON.parse(out) as {
        results: number;
        total: number;
        byStatus: Record<string, number>;
        asked: number;
        rssBeforeKb: number;
        peakKb: number;
      };
      expect(r.results).toBe(ADDRESSES);
      expect(r.total).toBe(ADDRESSES);
      // good.com, gmail.com (MX + A), nullmx.com (MX), gone.com (MX: NXDOMAIN), shop.com (MX, A).
      expect(r.asked).toBe(8);
      expect(r.byStatus).toMatchObject({ ok: 600_000, undeliverable: 400_000 });
      expect(r.peakKb - r.rssBeforeKb).toBeLessThan(MAX_PEAK_GROWTH_KB);
    },
    180_000,
  );
});
