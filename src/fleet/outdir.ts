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
import { isRow, rowFromReport } from './row.js';
import type { FleetIdentityRow } from './summary.js';

export const REPORTS_DIR = 'reports';
export const RESULTS_FILE = 'results.ndjson';
export const SUMMARY_FILE = 'summary.json';
export const HTML_FILE = 'index.html';
export const JUNIT_FILE = 'junit.xml';
/** Marks temporary files; never part of a key (keys end in "-<hex8>"). */
const TEMP_MARK = '.tmp-';
/** A report or row bigger than this is not ours (or is damaged): it is redone. */
export const MAX_READ_REPORT_BYTES = 32 * 1024 * 1024;

/** Writes `data` to a temporary file next to `path`, then renames it over `path`. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, data);
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

/** Rows of results.ndjson, last line per key winning; torn or foreign lines are skipped. */
export async function readResultsFile(path: string): Promise<Map<string, FleetIdentityRow>> {
  const rows = new Map<string, FleetIdentityRow>();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return rows;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.length > MAX_READ_REPORT_BYTES) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (isRow(value)) rows.set(value.key, value);
    } catch {
      // a line torn by an interrupted run
    }
  }
  return rows;
}

function ndjsonLine(row: FleetIdentityRow): string {
  return `${JSON.stringify(row)}\n`;
}

/**
 * Makes the out-dir ready and returns the rows of identities already finished there (by an
 * earlier, interrupted attempt). results.ndjson is rewritten to hold exactly those rows,
 * so the stream stays consistent with reports/.
 */
export async function prepareOutDir(
  outDir: string,
  identities: readonly FleetIdentity[],
): Promise<Map<string, FleetIdentityRow>> {
  try {
    await mkdir(join(outDir, REPORTS_DIR), { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create ${outDir}: ${(err as Error).message}`);
  }
  await removeTempFiles(outDir);
  await removeTempFiles(join(outDir, REPORTS_DIR));
  const previous = await readResultsFile(join(outDir, RESULTS_FILE));
  const finished = new Map<string, FleetIdentityRow>();
  for (const id of identities) {
    const file = join(outDir, reportFileOf(id.key));
    if (!existsSync(file)) continue;
    const prior = previous.get(id.key);
    if (prior && prior.status !== 'error' && prior.file === reportFileOf(id.key)) {
      // Trust the row only when the report is still readable.
      if (await readReportFile(file)) finished.set(id.key, prior);
      continue;
    }
    const report = await readReportFile(file);
    if (report) finished.set(id.key, rowFromReport(id.key, report));
  }
  await writeFileAtomic(join(outDir, RESULTS_FILE), [...finished.values()].map(ndjsonLine).join(''));
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
