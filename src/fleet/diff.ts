/**
 * Regressions between two runs (two out-dirs) or two single reports: new failures, fixed
 * findings, changed predicted replies, identities added or gone, DNS records that changed
 * (SPF records of the include tree, DMARC, DKIM keys per selector) and status changes.
 *
 * A regression is an identity that got worse: a finding at error or warning it did not have
 * before, or a status that moved up pass -> warn -> fail. Unknown ("could not measure") is
 * not a regression, and neither is a record change on its own (a key rotation is normal).
 */
import { existsSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Report } from '../report.js';
import { identityKey } from './key.js';
import { MAX_READ_REPORT_BYTES, RESULTS_FILE, readReportFile, SUMMARY_FILE } from './outdir.js';
import { recordsOfReport } from './records.js';
import { isRow, replyRefKey, rowFromReport } from './row.js';
import { indexResults, RowReader } from './stream.js';
import type {
  FindingRef,
  FleetDiff,
  FleetIdentityRow,
  FleetSummary,
  IdentityDiff,
  IdentityStatus,
  RecordChange,
  ReplyRef,
} from './summary.js';

export { recordsOfReport } from './records.js';

/** Shown one by one in the text rendering; the counts cover all. */
/** Record text shown in the text rendering. */

/**
 * Rows of a run by identity key. A Map is one; so is a RowReader over results.ndjson, which
 * holds only the index (key -> byte range) and reads each row when asked, so a diff of two
 * big runs does not hold either run's rows.
 */
export interface RowSource {
  readonly size: number;
  keys(): IterableIterator<string>;
  has(key: string): boolean;
  get(key: string): FleetIdentityRow | undefined;
}

/** A run as diff reads it: its rows, and a way to its full reports (for the records). */
export interface RunView {
  /** A run directory or a single report file. */
  kind: 'run' | 'report';
  path: string;
  startedAt?: string;
  rows: RowSource;
  report(row: FleetIdentityRow): Promise<Report | undefined>;
  /** Releases what reading the rows holds open (a file handle). */
  close?(): void;
}

/** Bytes of summary.json read at a time while looking for the run's start time. */
const SCAN_CHUNK_BYTES = 1024 * 1024;
/** The run object is small; this much after its key is enough to find `startedAt`. */
const RUN_OBJECT_WINDOW_BYTES = 64 * 1024;

const STATUS_RANK: Partial<Record<IdentityStatus, number>> = { pass: 0, warn: 1, fail: 2 };
const FAILING = new Set(['error', 'warning']);

/**
 * A run directory as a RunView. Its rows are read from results.ndjson through an index (what
 * a run writes first and keeps complete, also when interrupted); summary.json is read whole
 * only when there is no usable results.ndjson.
 */
export async function loadRunDir(dir: string): Promise<RunView> {
  const summaryPath = join(dir, SUMMARY_FILE);
  const resultsPath = join(dir, RESULTS_FILE);
  const hasSummary = existsSync(summaryPath);
  let rows: RowSource | undefined;
  let close: (() => void) | undefined;
  let startedAt: string | undefined;
  if (existsSync(resultsPath)) {
    const { index } = await indexResults(resultsPath);
    if (index.size > 0 || !hasSummary) {
      const reader = new RowReader(resultsPath, index);
      rows = reader;
      close = () => reader.close();
      if (hasSummary) startedAt = await scanStartedAt(summaryPath);
    }
  }
  if (!rows && hasSummary) {
    try {
      const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as Partial<FleetSummary>;
      if (Array.isArray(summary.identities)) {
        const map = new Map<string, FleetIdentityRow>();
        for (const row of summary.identities) if (isRow(row)) map.set(row.key, row);
        rows = map;
        if (typeof summary.run?.startedAt === 'string') startedAt = summary.run.startedAt;
      }
    } catch {
      rows = undefined;
    }
  }
  if (!rows)
    throw new UsageError(
      `${dir} is not a fleet run directory (no readable ${SUMMARY_FILE} or ${RESULTS_FILE})`,
    );
  const view: RunView = {
    kind: 'run',
    path: dir,
    rows,
    report: async (row) => (row.file ? readReportFile(join(dir, row.file)) : undefined),
  };
  if (close) view.close = close;
  if (startedAt !== undefined) view.startedAt = startedAt;
  return view;
}

/**
 * `run.startedAt` of a summary.json, found without parsing the file (it holds every row).
 * The file is our own JSON (indented or not): the key `"run":` occurs once, since no other
 * object of the summary has that key and inside a string a quote is escaped; the run object
 * is small with no nested object, so the first `"startedAt":` after it is the run's.
 */
export async function scanStartedAt(
  path: string,
  chunkBytes = SCAN_CHUNK_BYTES,
): Promise<string | undefined> {
  const marker = Buffer.from('"run":');
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(Math.max(chunkBytes, marker.length));
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, position);
      if (bytesRead === 0) return undefined;
      const at = buf.subarray(0, bytesRead).indexOf(marker);
      if (at !== -1) {
        const window = Buffer.alloc(RUN_OBJECT_WINDOW_BYTES);
        const got = await handle.read(window, 0, window.length, position + at);
        const text = window.subarray(0, got.bytesRead).toString('utf8');
        const m = /^"run":\s*\{[\s\S]*?"startedAt":\s*("(?:[^"\\]|\\.)*")/.exec(text);
        if (!m) return undefined;
        const value = JSON.parse(m[1] as string) as unknown;
        return typeof value === 'string' ? value : undefined;
      }
      if (bytesRead < buf.length) return undefined;
      // Step back so a marker split across two chunks is still found.
      position += bytesRead - (marker.length - 1);
    }
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** A single report file as a one-identity RunView (key from its target). */
export async function loadReportView(path: string): Promise<RunView> {
  if (statSync(path).size > MAX_READ_REPORT_BYTES) throw new UsageError(`${path} is too big for a report`);
  const report = await readReportFile(path);
  if (!report) throw new UsageError(`${path} is not a mail-preflight JSON report`);
  const key = identityKey(report.target);
  const view: RunView = {
    kind: 'report',
    path,
    rows: new Map([[key, rowFromReport(key, report)]]),
    report: async (row) => (row.key === key ? report : undefined),
  };
  view.startedAt = report.timing?.startedAt;
  return view;
}

/** A directory is a run, a file is a report. */
export async function loadDiffSide(path: string): Promise<RunView> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return isDir ? loadRunDir(path) : loadReportView(path);
}

/**
 * Compares two runs. `expected` (keys of the current input) limits "gone" to identities no
 * longer asked for, so identities an interrupted run did not reach are not reported gone.
 */
export async function diffRuns(
  before: RunView,
  after: RunView,
  options: { expected?: ReadonlySet<string> } = {},
): Promise<FleetDiff> {
  const added: { key: string; domain: string }[] = [];
  const gone: { key: string; domain: string }[] = [];
  // Only what changed is kept: the rows are read one pair at a time (see RowSource).
  const identities: IdentityDiff[] = [];
  const compare = async (b: FleetIdentityRow, a: FleetIdentityRow): Promise<void> => {
    // Same records digest: no record changed, and the reports (tens of KB each) stay unread.
    const same = b.recordsDigest !== undefined && b.recordsDigest === a.recordsDigest;
    const d = same ? diffIdentity(b, a) : diffIdentity(b, a, await before.report(b), await after.report(a));
    if (d) identities.push(d);
  };
  // Two single reports of one domain compare even when their options (and keys) differ.
  const single = before.kind === 'report' && after.kind === 'report';
  if (single) {
    const b = firstRow(before.rows);
    const a = firstRow(after.rows);
    if (a && b) await compare(b, a);
  } else {
    for (const key of after.rows.keys()) {
      const a = after.rows.get(key);
      if (!a) continue; // unreadable since it was indexed
      if (!before.rows.has(key)) {
        added.push({ key, domain: a.domain });
        continue;
      }
      const b = before.rows.get(key);
      if (b) await compare(b, a);
    }
    for (const key of before.rows.keys()) {
      if (after.rows.has(key)) continue;
      if (options.expected?.has(key)) continue;
      const b = before.rows.get(key);
      if (b) gone.push({ key, domain: b.domain });
    }
  }
  identities.sort((x, y) => Number(y.regression) - Number(x.regression) || cmp(x.key, y.key));
  added.sort((x, y) => cmp(x.key, y.key));
  gone.sort((x, y) => cmp(x.key, y.key));
  const diff: FleetDiff = {
    baseline: before.path,
    current: after.path,
    hasRegressions: identities.some((d) => d.regression),
    counts: {
      regressed: identities.filter((d) => d.regression).length,
      newFailures: sum(identities, (d) => d.newFailures.length),
      fixed: sum(identities, (d) => d.fixed.length),
      changedReplies: identities.filter((d) => d.repliesAdded.length + d.repliesRemoved.length > 0).length,
      added: added.length,
      gone: gone.length,
      recordChanges: sum(identities, (d) => d.recordChanges.length),
      statusChanges: identities.filter((d) => d.statusBefore !== d.statusAfter).length,
    },
    identities,
    added,
    gone,
  };
  if (before.startedAt !== undefined) diff.baselineStartedAt = before.startedAt;
  return diff;
}

/** What changed for one identity; undefined when nothing did. */
export function diffIdentity(
  before: FleetIdentityRow,
  after: FleetIdentityRow,
  beforeReport?: Report,
  afterReport?: Report,
): IdentityDiff | undefined {
  const failing = (row: FleetIdentityRow) => row.findings.filter((f) => FAILING.has(f.severity));
  const ids = (fs: FindingRef[]) => new Set(fs.map((f) => f.id));
  const [fb, fa] = [failing(before), failing(after)];
  const [idsBefore, idsAfter] = [ids(fb), ids(fa)];
  const newFailures = fa.filter((f) => !idsBefore.has(f.id));
  const fixed = fb.filter((f) => !idsAfter.has(f.id));
  const rk = (rs: ReplyRef[]) => new Set(rs.map(replyRefKey));
  const [rb, ra] = [rk(before.predictedReplies), rk(after.predictedReplies)];
  const repliesAdded = after.predictedReplies.filter((r) => !rb.has(replyRefKey(r)));
  const repliesRemoved = before.predictedReplies.filter((r) => !ra.has(replyRefKey(r)));
  const recordChanges = beforeReport && afterReport ? diffRecords(beforeReport, afterReport) : [];
  const rankB = STATUS_RANK[before.status];
  const rankA = STATUS_RANK[after.status];
  const worse = rankB !== undefined && rankA !== undefined && rankA > rankB;
  const changed =
    newFailures.length + fixed.length + repliesAdded.length + repliesRemoved.length + recordChanges.length >
      0 || before.status !== after.status;
  if (!changed) return undefined;
  return {
    key: after.key,
    domain: after.domain,
    statusBefore: before.status,
    statusAfter: after.status,
    newFailures,
    fixed,
    repliesAdded,
    repliesRemoved,
    recordChanges,
    regression: newFailures.length > 0 || worse,
  };
}

function diffRecords(before: Report, after: Report): RecordChange[] {
  const [rb, ra] = [recordsOfReport(before), recordsOfReport(after)];
  const changes: RecordChange[] = [];
  for (const [name, a] of ra) {
    const b = rb.get(name);
    // Only names measured in both runs: a name asked only once says nothing about change.
    if (!b || b.kind !== a.kind || b.value === a.value) continue;
    changes.push({ kind: a.kind, name, before: b.value, after: a.value });
  }
  return changes.sort((x, y) => cmp(x.kind, y.kind) || cmp(x.name, y.name));
}

function firstRow(rows: RowSource): FleetIdentityRow | undefined {
  for (const key of rows.keys()) return rows.get(key);
  return undefined;
}

function sum<T>(items: T[], f: (t: T) => number): number {
  return items.reduce((n, t) => n + f(t), 0);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
