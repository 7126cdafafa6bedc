/**
 * The child of the memory test: checks a generated list of N addresses (streamed in, never
 * written to disk) over a few domains on the in-memory resolver, and reports its peak RSS
 * (VmHWM) and RSS before the check as JSON on stdout. Arguments: N, and `file` to write the
 * list to a temporary file first and check it as the CLI does a file (read as a stream, with
 * the domain prefetch's worker thread reading it a second time).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRecipients } from '../../src/recipients/index.js';
import { memoryProbe, memoryResolver } from '../helpers/memory-resolver.js';

const DOMAINS = ['good.com', 'gmail.com', 'nullmx.com', 'gone.com', 'shop.com'];
const CHUNK_LINES = 10_000;

function vmKb(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(m?.[1] ?? Number.NaN);
}

async function* list(n: number): AsyncGenerator<string> {
  for (let i = 0; i < n; i += CHUNK_LINES) {
    let chunk = i === 0 ? 'email,name\n' : '';
    for (let j = i; j < Math.min(n, i + CHUNK_LINES); j++)
      chunk += `user.${j}@${DOMAINS[j % DOMAINS.length]},Name ${j}\n`;
    yield chunk;
  }
}

const n = Number(process.argv[2] ?? '1000000');
const fromFile = process.argv[3] === 'file';
let dir: string | undefined;
let path: string | undefined;
if (fromFile) {
  dir = mkdtempSync(join(tmpdir(), 'mp-recipients-memory-'));
  path = join(dir, 'list.csv');
  const out = createWriteStream(path);
  for await (const chunk of list(n)) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}
const dns = memoryResolver({
  'good.com': { MX: ['10 mx.good.com'] },
  'mx.good.com': { A: '93.184.216.34' },
  'gmail.com': { MX: ['5 mx.gmail.com'] },
  'mx.gmail.com': { A: '142.250.102.27' },
  'nullmx.com': { MX: ['0 .'] },
  'shop.com': { A: '93.184.216.35' },
});
// The memory resolver has no cache: put the run's verdicts (one lookup per domain) to the test.
const probe = memoryProbe(dns);
global.gc?.();
const rssBeforeKb = vmKb('VmRSS');
const started = performance.now();
let results = 0;
const summary = await checkRecipients(path ? createReadStream(path) : list(n), {
  probe,
  ...(path ? { prefetchFile: path } : {}),
  onResult: () => {
    results++;
  },
});
process.stdout.write(
  `${JSON.stringify({
    results,
    total: summary.total,
    byStatus: summary.byStatus,
    asked: dns.asked.length,
    rssBeforeKb,
    peakKb: vmKb('VmHWM'),
    elapsedMs: Math.round(performance.now() - started),
  })}\n`,
);
if (dir) rmSync(dir, { recursive: true, force: true });
