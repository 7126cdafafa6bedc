/**
 * summary.json written by streaming from results.ndjson, so a fleet run's memory does not
 * grow with the number of identities: only a compact index (key -> byte range of its NDJSON
 * line), the totals and a bounded selection of the worst rows are kept.
 *
 * The file written is byte for byte what `stableStringify(summary)` would give.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, openSync, readSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { CHECK_IDS } from '../registry.js';
import { stableStringify } from '../report.js';
import { isRow } from './row.js';
import type { FleetIdentityRow, FleetSummary, FleetTotals } from './summary.js';

/** A report or row bigger than this is not ours (or is damaged): it is redone. */
export const MAX_READ_REPORT_BYTES = 32 * 1024 * 1024;
/** Bytes read from results.ndjson at a time while indexing it. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Rank of a status in the "worst first" order (the HTML grid's order). */
const STATUS_RANK: Record<string, number> = { error: 0, fail: 1, unknown: 2, warn: 3, pass: 4 };
const OTHER_RANK = 9;

/** Where each identity's row lives in results.ndjson: [byte offset, byte length]. */
export type ResultsIndex = Map<string, [number, number]>;

/**
 * Indexes results.ndjson (last line per key wins; torn, foreign or unwanted lines skipped;
 * no `wanted`: every key) and collects the check ids seen, in the registry's order.
 */
export async function indexResults(
  path: string,
  wanted?: ReadonlySet<string>,
): Promise<{ index: ResultsIndex; checks: string[] }> {
  const index: ResultsIndex = new Map();
  const seen = new Set<string>();
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch {
    return { index, checks: [] };
  }
  try {
    const buf = Buffer.alloc(READ_CHUNK_BYTES);
    let carry: Buffer = Buffer.alloc(0);
    let carryOffset = 0;
    let position = 0;
    const onLine = (line: Buffer, offset: number): void => {
      if (line.length === 0 || line.length > MAX_READ_REPORT_BYTES) return;
      let value: unknown;
      try {
        value = JSON.parse(line.toString('utf8'));
      } catch {
        return; // a line torn by an interrupted run
      }
      if (!isRow(value) || (wanted !== undefined && !wanted.has(value.key))) return;
      index.set(value.key, [offset, line.length]);
      for (const id of Object.keys(value.checks)) seen.add(id);
    };
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        if (carry.length > 0) {
          const line = Buffer.concat([carry, chunk.subarray(start, nl)]);
          onLine(line, carryOffset);
          carry = Buffer.alloc(0);
        } else {
          onLine(chunk.subarray(start, nl), position + start);
        }
        start = nl + 1;
      }
      if (start < chunk.length) {
        if (carry.length === 0) carryOffset = position + start;
        // A line longer than the bound is skipped whole; keep only its length growing.
        carry =
          carry.length > MAX_READ_REPORT_BYTES
            ? carry
            : Buffer.concat([carry, Buffer.from(chunk.subarray(start))]);
      }
      position += bytesRead;
    }
    if (carry.length > 0) onLine(carry, carryOffset);
  } finally {
    await handle.close();
  }
  const order = CHECK_IDS;
  const known = order.filter((id) => seen.has(id));
  const other = [...seen].filter((id) => !order.includes(id)).sort();
  return { index, checks: [...known, ...other] };
}

/**
 * Reads rows back from results.ndjson by the index, synchronously, one at a time. It reads
 * like a Map of rows (`size`, `keys`, `has`, `get`), so a diff can walk two runs holding
 * only their indexes.
 */
export class RowReader {
  private fd: number | undefined;

  constructor(
    private readonly path: string,
    private readonly index: ResultsIndex,
  ) {}

  get size(): number {
    return this.index.size;
  }

  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): FleetIdentityRow | undefined {
    return this.read(key);
  }

  read(key: string): FleetIdentityRow | undefined {
    const at = this.index.get(key);
    if (!at) return undefined;
    this.fd ??= openSync(this.path, 'r');
    const buf = Buffer.alloc(at[1]);
    readSync(this.fd, buf, 0, at[1], at[0]);
    try {
      const value = JSON.parse(buf.toString('utf8')) as unknown;
      return isRow(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * The worst `max` rows in the HTML grid's order (regressed first, then error, fail, unknown,
 * warn, pass, then key), given rows in ascending key order. O(1) per row.
 */
export class WorstRows {
  private readonly buckets: FleetIdentityRow[][] = Array.from({ length: 2 * (OTHER_RANK + 1) }, () => []);
  private size = 0;

  constructor(
    private readonly max: number,
    private readonly regressed: ReadonlySet<string>,
  ) {}

  add(row: FleetIdentityRow): void {
    if (this.max <= 0) return;
    const rank = STATUS_RANK[row.status] ?? OTHER_RANK;
    const bucket = (this.regressed.has(row.key) ? 0 : OTHER_RANK + 1) + rank;
    (this.buckets[bucket] as FleetIdentityRow[]).push(row);
    if (++this.size <= this.max) return;
    // Drop the least bad row kept: the last of the last non-empty bucket (keys ascend).
    for (let b = this.buckets.length - 1; b >= 0; b--) {
      const list = this.buckets[b] as FleetIdentityRow[];
      if (list.length > 0) {
        list.pop();
        this.size--;
        return;
      }
    }
  }

  /** The rows kept, sorted by key. */
  rows(): FleetIdentityRow[] {
    return this.buckets.flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

/** What streaming the rows gave, besides the file. */
export interface StreamedSummary {
  totals: FleetTotals;
  /** The worst rows (at most `keep`), sorted by key. */
  rows: FleetIdentityRow[];
  /** Identities with at least one finding at error / at warning. */
  withErrors: number;
  withWarnings: number;
}

const PLACEHOLDER = '\u0000identities\u0000';

/**
 * Writes `summary` (its `identities` ignored) to `path` atomically, the identity rows
 * streamed from results.ndjson in key order. `totals` starts from `baseTotals` (identities,
 * invalid) and is counted from the rows.
 */
export async function writeSummaryStreaming(
  path: string,
  summary: FleetSummary,
  reader: RowReader,
  keys: readonly string[],
  keep: number,
  regressed: ReadonlySet<string>,
): Promise<StreamedSummary> {
  const totals: FleetTotals = { ...summary.totals, done: 0, pass: 0, warn: 0, fail: 0, unknown: 0, error: 0 };
  const worst = new WorstRows(keep, regressed);
  let withErrors = 0;
  let withWarnings = 0;
  const shell = (): string =>
    `${stableStringify({ ...summary, totals, identities: PLACEHOLDER as unknown as FleetIdentityRow[] })}\n`;
  const marker = JSON.stringify(PLACEHOLDER);
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const out = createWriteStream(temp);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  const write = async (text: string): Promise<void> => {
    if (!out.write(text))
      await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
  };
  try {
    const head = shell();
    await write(head.slice(0, head.indexOf(marker)));
    let first = true;
    for (const key of keys) {
      const row = reader.read(key);
      if (!row) continue;
      totals.done++;
      totals[row.status]++;
      if (row.counts.error > 0) withErrors++;
      if (row.counts.warning > 0) withWarnings++;
      worst.add(row);
      const json = stableStringify(row).replace(/\n/g, '\n    ');
      await write(`${first ? '[\n    ' : ',\n    '}${json}`);
      first = false;
    }
    await write(first ? '[]' : '\n  ]');
    const tail = shell();
    await write(tail.slice(tail.indexOf(marker) + marker.length));
    await Promise.race([new Promise<void>((r) => out.end(() => r())), failed]);
    await rename(temp, path);
  } catch (err) {
    out.destroy();
    await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
  return { totals, rows: worst.rows(), withErrors, withWarnings };
}
