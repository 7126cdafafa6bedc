/**
 * The domain prefetch (src/recipients/prefetch.ts): a worker thread reads the list file again
 * and hands the main pass the plain ASCII domains it finds, ahead of the per-address work; the
 * check's results are the same with it and without it, and each domain is still asked once.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabHandle, startLab, zoneFromObject } from '../../src/lab/index.js';
import { MAX_PREFETCH_LINE_BYTES, PREFETCH_BATCH, startPrefetch } from '../../src/recipients/prefetch.js';
import type { InputFormat } from '../../src/recipients/read.js';
import { withTldSoas } from '../helpers/tld-soa.js';
import { checkList } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-prefetch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `list-${fileNo++}.txt`);
  writeFileSync(path, content);
  return path;
}

const LINES: InputFormat = { format: 'lines', encoding: 'utf-8' };

/** Runs a prefetch to its end and returns the domains it handed over, in order. */
async function prefetched(
  path: string,
  format: InputFormat = LINES,
): Promise<{ domains: string[]; lines: number }> {
  const domains: string[] = [];
  const p = startPrefetch({ path, format, onDomains: (d) => void domains.push(...d) });
  if (!p) throw new Error('no prefetch');
  const { lines } = await p.done;
  expect(p.active).toBe(false);
  return { domains, lines };
}

describe('prefetch worker', () => {
  it('hands over each plain ASCII domain once, lower-cased, skipping what the main pass must judge', async () => {
    const path = file(
      [
        'a@Example.COM',
        'b@foo.org\r',
        '  c@bar.net\t',
        'd@example.com',
        'not an address',
        'e@xn--bcher-kva.de',
        'f@bücher.de', // U-label: the main pass converts it
        'g@[192.0.2.1]', // address literal: never a DNS question
        'h@single', // one label
        'i@-bad.com',
        'j@bad-.com',
        'k@a..b.com',
        'l@trailing.dot.',
        `m@${'x'.repeat(64)}.com`, // label over 63 octets
        '"q@uoted"@quoted.org',
        'last@no-newline.net',
      ].join('\n'),
    );
    const { domains, lines } = await prefetched(path);
    expect(domains).toEqual([
      'example.com',
      'foo.org',
      'bar.net',
      'xn--bcher-kva.de',
      'quoted.org',
      'no-newline.net',
    ]);
    expect(lines).toBe(16);
  });

  it('drops a UTF-8 BOM and skips lines over its bound (resuming at the next line)', async () => {
    const long = `${'a'.repeat(MAX_PREFETCH_LINE_BYTES * 3)}@long.com`;
    const path = file(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`x@first.com\n${long}\ny@after.com\n`)]),
    );
    expect((await prefetched(path)).domains).toEqual(['first.com', 'after.com']);
  });

  it('CSV: the address column by index, the header skipped, quoted records left to the main pass', async () => {
    const path = file(
      [
        'name;email;note',
        'Ann;ann@one.com;x',
        'Bob;bob@two.com', // no third field: still the second column
        '"Smith; John";john@three.com;x', // quotes: left to the main pass
        'Eve;eve@four.com;"a note over',
        'two lines with x@inside.com"', // inside the quoted field: not an address row
        'Dan;dan@five.com;ok',
        'Tom', // no address column
      ].join('\r\n'),
    );
    const csv: InputFormat = {
      format: 'csv',
      separator: ';',
      column: 'email',
      columnIndex: 1,
      encoding: 'utf-8',
    };
    expect((await prefetched(path, csv)).domains).toEqual(['one.com', 'two.com', 'five.com']);
  });

  it('reads only UTF-8 and a one-character separator; a missing file ends it quietly', async () => {
    expect(
      startPrefetch({
        path: file('a@b.com'),
        format: { ...LINES, encoding: 'utf-16le' },
        onDomains: () => {},
      }),
    ).toBe(undefined);
    expect(
      startPrefetch({
        path: file('a@b.com'),
        format: { format: 'csv', separator: ',', encoding: 'utf-8' },
        onDomains: () => {},
      }),
    ).toBe(undefined);
    const missing = await prefetched(join(dir, 'nothing-here.txt'));
    expect(missing).toEqual({ domains: [], lines: 0 });
  });

  it('sends a batch at a time and waits for the previous one to be taken (flow control), and stops when told', async () => {
    const n = PREFETCH_BATCH * 4;
    const path = file(Array.from({ length: n }, (_, i) => `u@d${i}.example`).join('\n'));
    const batches: number[] = [];
    let release: (() => void) | undefined;
    const p = startPrefetch({
      path,
      format: LINES,
      onDomains: (d) => {
        batches.push(d.length);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    if (!p) throw new Error('no prefetch');
    await new Promise((r) => setTimeout(r, 200));
    // The first batch is held: the worker waits for it, so nothing more came.
    expect(batches).toEqual([PREFETCH_BATCH]);
    release?.();
    await new Promise((r) => setTimeout(r, 200));
    expect(batches).toEqual([PREFETCH_BATCH, PREFETCH_BATCH]);
    p.stop();
    release?.();
    await p.done;
    expect(p.active).toBe(false);
    expect(batches.length).toBeLessThan(4);
  });
});

describe('checkRecipients with the prefetch, on the lab', () => {
  const WORLD: Record<string, unknown> = {
    'good.com': { MX: ['10 mx.good.com'] },
    'mx.good.com': { A: '93.184.216.34' },
    'nullmx.com': { MX: ['0 .'] },
    'implicit.com': { A: '93.184.216.35' },
    'xn--bcher-kva.com': { MX: ['10 mx.good.com'] },
  };
  for (let i = 0; i < 300; i++) WORLD[`d${i}.com`] = { MX: ['10 mx.good.com'] };
  let lab: LabHandle;
  beforeAll(async () => {
    lab = await startLab(withTldSoas(zoneFromObject(WORLD as never), ['com']));
  });
  afterAll(async () => {
    await lab?.stop();
  });
  const probeOptions = () => ({
    resolvers: [`${lab.host}:${lab.port}`],
    timeoutMs: 500,
    tries: 2,
    noSmtp: true,
  });

  it('gives the same results in the same order, and asks each question once', async () => {
    const rows = ['email'];
    for (let i = 0; i < 3000; i++) {
      const pick = i % 7;
      rows.push(
        pick === 0
          ? `u${i}@d${i % 300}.com`
          : pick === 1
            ? `u${i}@nullmx.com`
            : pick === 2
              ? `u${i}@bücher.com`
              : pick === 3
                ? `u${i}@nxdomain-${i % 50}.com`
                : pick === 4
                  ? `"u ${i}"@Implicit.COM`
                  : pick === 5
                    ? `not-an-address-${i}`
                    : `u${i}@good.com`,
      );
    }
    const path = file(rows.join('\n'));
    const plain = await checkList(createReadStream(path), { probeOptions: probeOptions() });
    const before = lab.server.queries.length;
    const ahead = await checkList(createReadStream(path), {
      probeOptions: probeOptions(),
      prefetchFile: path,
      window: 64,
    });
    const asked = lab.server.queries.slice(before).map((q) => `${q.type} ${q.name}`);
    expect(ahead.results).toEqual(plain.results);
    expect(ahead.summary.byReason).toEqual(plain.summary.byReason);
    expect(new Set(asked).size).toBe(asked.length);
    expect(ahead.summary.dns?.queriesSent).toBe(plain.summary.dns?.queriesSent);
    expect(ahead.summary.domainsChecked).toBe(plain.summary.domainsChecked);
  });
});
