/**
 * The out-dir of a fleet run (layout in summary.ts): atomic writes, the NDJSON stream and
 * resume. A report file that exists and parses means its identity is finished; an
 * interrupted run leaves at most temporary files (removed on the next start) and a torn
 * last NDJSON line (dropped when the stream is rebuilt).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Report } from '../report.js';
import type { FleetIdentity } from './config.js';
import { reportFileOf } from './key.js';
import { reportWriter } from './report-writer.js';
import { rowFromReport } from './row.js';
import { indexResults, MAX_READ_REPORT_BYTES, RowReader } from './stream.js';
import type { FleetIdentityRow, IdentityStatus } from './summary.js';

export { MAX_READ_REPORT_BYTES } from './stream.js';

export const REPORTS_DIR = 'reports';
export const RESULTS_FILE = 'results.ndjson';
export const SUMMARY_FILE = 'summary.json';
export const HTML_FILE = 'index.html';
export const JUNIT_FILE = 'junit.xml';
/** With --format gitlab: the GitLab Code Quality report of the run. */
export const GITLAB_FILE = 'gl-code-quality-report.json';
/** Marks temporary files; never part of a key (keys end in "-<hex8>"). */
const TEMP_MARK = '.tmp-';
/** Characters of pieces gathered before each write (writeFileAtomic with pieces). */
const WRITE_BATCH_CHARS = 1024 * 1024;

async function writePieces(path: string, pieces: Iterable<string> | AsyncIterable<string>): Promise<void> {
  const handle = await open(path, 'w');
  try {
    let batch = '';
    for await (const piece of pieces) {
      batch += piece;
      if (batch.length >= WRITE_BATCH_CHARS) {
        await handle.write(batch);
        batch = '';
      }
    }
    if (batch !== '') await handle.write(batch);
  } finally {
    await handle.close();
  }
}

function tempPathFor(path: string): string {
  return `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Writes one identity's report in place. Not through a temporary file and a rename: on ext4
 * the rename made each report cost ~0.8 ms against ~0.04-0.3 ms for the write alone
 * (measured). And on a thread of its own (report-writer.ts), so neither the disk nor libuv's
 * thread pool holds up the run's one JavaScript thread. It needs no rename to stay
 * consistent: the report is written before its row is appended to results.ndjson, and a
 * resumed run (prepareOutDir) keeps a report without a row only when it parses as a whole
 * report, so a write cut short (truncated JSON never parses) is audited again.
 */
export function writeReportFile(path: string, data: string): Promise<void> {
  return reportWriter.write(path, data);
}

/**
 * Writes `data` to a temporary file next to `path`, then renames it over `path`. Pieces
 * (a sync or async iterable) are written as they come, in batches, so a big page is never
 * one string.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  const temp = tempPathFor(path);
  try {
    if (typeof data === 'string') await writeFile(temp, data);
    else await writePieces(temp, data);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
}

/** A report file parsed, or undefined when it is missing, torn or not a report. */
export async function readReportFile(path: string): Promise<Report | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  if (text.length > MAX_READ_REPORT_BYTES) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return isReport(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isReport(value: unknown): value is Report {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['schemaVersion'] === 'string' &&
    typeof v['status'] === 'string' &&
    typeof v['checks'] === 'object' &&
    v['checks'] !== null &&
    typeof v['target'] === 'object' &&
    v['target'] !== null &&
    Array.isArray(v['predictedReplies'])
  );
}

function ndjsonLine(row: FleetIdentityRow): string {
  return `${JSON.stringify(row)}\n`;
}

/**
 * Makes the out-dir ready and returns the status of each identity already finished there (by
 * an earlier, interrupted attempt). results.ndjson is rewritten to hold exactly those rows,
 * so the stream stays consistent with reports/. The old stream is read through its index,
 * one row at a time, and the new one written in batches: a resumed run of any size holds
 * neither in memory.
 */
export async function prepareOutDir(
  outDir: string,
  identities: readonly FleetIdentity[],
): Promise<Map<string, IdentityStatus>> {
  try {
    await mkdir(join(outDir, REPORTS_DIR), { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create ${outDir}: ${(err as Error).message}`);
  }
  await removeTempFiles(outDir);
  await removeTempFiles(join(outDir, REPORTS_DIR));
  const resultsPath = join(outDir, RESULTS_FILE);
  const { index } = await indexResults(resultsPath, new Set(identities.map((id) => id.key)));
  const previous = new RowReader(resultsPath, index);
  const finished = new Map<string, IdentityStatus>();
  async function* kept(): AsyncGenerator<string> {
    for (const id of identities) {
      const file = join(outDir, reportFileOf(id.key));
      if (!existsSync(file)) continue;
      const prior = previous.has(id.key) ? previous.get(id.key) : undefined;
      let row: FleetIdentityRow | undefined;
      if (prior && prior.status !== 'error' && prior.file === reportFileOf(id.key)) {
        // Trust the row only when the report is still readable.
        if (await readReportFile(file)) row = prior;
      } else {
        const report = await readReportFile(file);
        if (report) row = rowFromReport(id.key, report);
      }
      if (!row) continue;
      finished.set(row.key, row.status);
      yield ndjsonLine(row);
    }
  }
  try {
    await writeFileAtomic(resultsPath, kept());
  } finally {
    previous.close();
  }
  return finished;
}

async function removeTempFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) if (name.includes(TEMP_MARK)) await rm(join(dir, name), { force: true });
}

/** Appends rows to results.ndjson, one write at a time, in finishing order. */
export class ResultsStream {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(private readonly handle: Awaited<ReturnType<typeof open>>) {}

  static async open(outDir: string): Promise<ResultsStream> {
    return new ResultsStream(await open(join(outDir, RESULTS_FILE), 'a'));
  }

  append(row: FleetIdentityRow): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await this.handle.write(ndjsonLine(row));
      } catch (err) {
        this.failure = err;
        throw err;
      }
    });
    return this.chain;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => {});
    await this.handle.close();
  }
}
