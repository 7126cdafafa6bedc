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
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sanitizeForTerminal } from '../../reports/text.js';
import { UsageError } from '../errors.js';
import type { Report } from '../report.js';
import { identityKey } from './key.js';
import {
  MAX_READ_REPORT_BYTES,
  RESULTS_FILE,
  readReportFile,
  readResultsFile,
  SUMMARY_FILE,
} from './outdir.js';
import { isRow, replyRefKey, rowFromReport } from './row.js';
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

/** Shown one by one in the text rendering; the counts cover all. */
export const MAX_DIFF_LINES_PER_SECTION = 200;
/** Record text shown in the text rendering. */
const MAX_RECORD_CHARS_SHOWN = 300;

/** A run as diff reads it: its rows, and a way to its full reports (for the records). */
export interface RunView {
  /** A run directory or a single report file. */
  kind: 'run' | 'report';
  path: string;
  startedAt?: string;
  rows: Map<string, FleetIdentityRow>;
  report(key: string): Promise<Report | undefined>;
}

const STATUS_RANK: Partial<Record<IdentityStatus, number>> = { pass: 0, warn: 1, fail: 2 };
const FAILING = new Set(['error', 'warning']);

/** A run directory (summary.json, else results.ndjson) as a RunView. */
export async function loadRunDir(dir: string): Promise<RunView> {
  const summaryPath = join(dir, SUMMARY_FILE);
  let rows: Map<string, FleetIdentityRow> | undefined;
  let startedAt: string | undefined;
  if (existsSync(summaryPath)) {
    try {
      const text = await readFile(summaryPath, 'utf8');
      const summary = JSON.parse(text) as Partial<FleetSummary>;
      if (Array.isArray(summary.identities)) {
        rows = new Map();
        for (const row of summary.identities) if (isRow(row)) rows.set(row.key, row);
        startedAt = summary.run?.startedAt;
      }
    } catch {
      rows = undefined;
    }
  }
  if (!rows) {
    if (!existsSync(join(dir, RESULTS_FILE)))
      throw new UsageError(`${dir} is not a fleet run directory (no ${SUMMARY_FILE} or ${RESULTS_FILE})`);
    rows = await readResultsFile(join(dir, RESULTS_FILE));
  }
  const view: RunView = {
    kind: 'run',
    path: dir,
    rows,
    report: async (key) => {
      const file = rows.get(key)?.file;
      return file ? readReportFile(join(dir, file)) : undefined;
    },
  };
  if (startedAt !== undefined) view.startedAt = startedAt;
  return view;
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
    report: async (k) => (k === key ? report : undefined),
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
  let pairs: [FleetIdentityRow, FleetIdentityRow][] = [];
  const added: { key: string; domain: string }[] = [];
  const gone: { key: string; domain: string }[] = [];
  // Two single reports of one domain compare even when their options (and keys) differ.
  const single = before.kind === 'report' && after.kind === 'report';
  if (single) {
    const b = [...before.rows.values()][0];
    const a = [...after.rows.values()][0];
    if (a && b) pairs = [[b, a]];
  } else {
    for (const [key, a] of after.rows) {
      const b = before.rows.get(key);
      if (b) pairs.push([b, a]);
      else added.push({ key, domain: a.domain });
    }
    for (const [key, b] of before.rows) {
      if (after.rows.has(key)) continue;
      if (options.expected?.has(key)) continue;
      gone.push({ key, domain: b.domain });
    }
  }
  const identities: IdentityDiff[] = [];
  for (const [b, a] of pairs) {
    const [rb, ra] = [await before.report(b.key), await after.report(a.key)];
    const d = diffIdentity(b, a, rb, ra);
    if (d) identities.push(d);
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

interface RecordValue {
  kind: RecordChange['kind'];
  value: string | null;
}

/**
 * The DNS records a report rests on, by name: SPF (every record of the include tree that was
 * measured), DMARC (every `_dmarc` name asked), DKIM (every selector asked). Names whose
 * answer could not be measured are left out, so a timeout never reads as a removed record.
 */
export function recordsOfReport(report: Report): Map<string, RecordValue> {
  const out = new Map<string, RecordValue>();
  const spf = report.checks['spf']?.evidence as
    | {
        nodes?: {
          domain?: unknown;
          status?: unknown;
          spf?: unknown;
          record?: unknown;
          spfRecords?: unknown;
        }[];
      }
    | undefined;
  for (const node of asArray(spf?.nodes)) {
    if (typeof node.domain !== 'string' || node.status !== 'fetched') continue;
    if (node.spf === 'none') out.set(node.domain, { kind: 'spf', value: null });
    else if (node.spf === 'one' && typeof node.record === 'string')
      out.set(node.domain, { kind: 'spf', value: node.record });
    else if (node.spf === 'many' && Array.isArray(node.spfRecords))
      out.set(node.domain, { kind: 'spf', value: node.spfRecords.map(String).sort().join(' | ') });
  }
  const dmarc = report.checks['dmarc']?.evidence as
    | { lookups?: { name?: unknown; outcome?: unknown; dmarc?: unknown }[] }
    | undefined;
  for (const l of asArray(dmarc?.lookups)) {
    if (typeof l.name !== 'string' || l.outcome === 'error' || !Array.isArray(l.dmarc)) continue;
    out.set(l.name, { kind: 'dmarc', value: l.dmarc.length ? l.dmarc.map(String).sort().join(' | ') : null });
  }
  const dkim = report.checks['dkim']?.evidence as
    | { lookups?: { name?: unknown; outcome?: unknown; records?: unknown }[] }
    | undefined;
  for (const l of asArray(dkim?.lookups)) {
    if (typeof l.name !== 'string' || l.outcome === 'error' || !Array.isArray(l.records)) continue;
    const texts = l.records.map((r) => (Array.isArray(r) ? r.map(String).join('') : String(r))).sort();
    out.set(l.name, { kind: 'dkim', value: texts.length ? texts.join(' | ') : null });
  }
  return out;
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

function asArray<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

function sum<T>(items: T[], f: (t: T) => number): number {
  return items.reduce((n, t) => n + f(t), 0);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function clip(s: string | null): string {
  if (s === null) return '(none)';
  const t = s.length > MAX_RECORD_CHARS_SHOWN ? `${s.slice(0, MAX_RECORD_CHARS_SHOWN)}...` : s;
  return `"${sanitizeForTerminal(t)}"`;
}

function replyText(r: ReplyRef): string {
  return `${r.provider} ${r.code} ${r.enhanced} (${r.condition})`;
}

/** Plain text, regressions first. Every string from DNS or a file is made terminal-safe. */
export function renderDiffText(diff: FleetDiff): string {
  const s = sanitizeForTerminal;
  const c = diff.counts;
  const lines: string[] = [];
  lines.push(
    diff.hasRegressions
      ? `REGRESSIONS: ${c.regressed} identit${c.regressed === 1 ? 'y' : 'ies'} got worse (${c.newFailures} new failure${c.newFailures === 1 ? '' : 's'})`
      : 'No regressions.',
  );
  lines.push(
    `  baseline: ${s(resolve(diff.baseline))}${diff.baselineStartedAt ? ` (${s(diff.baselineStartedAt)})` : ''}`,
  );
  lines.push(`  current:  ${s(resolve(diff.current))}`);
  lines.push(
    `  ${c.fixed} fixed, ${c.changedReplies} with changed replies, ${c.statusChanges} status changes, ` +
      `${c.recordChanges} record changes, ${c.added} added, ${c.gone} gone`,
  );
  const section = (title: string, items: IdentityDiff[], body: (d: IdentityDiff) => string[]) => {
    if (items.length === 0) return;
    lines.push('', title);
    for (const d of items.slice(0, MAX_DIFF_LINES_PER_SECTION)) {
      lines.push(`  ${s(d.domain)} [${s(d.key)}]: ${d.statusBefore} -> ${d.statusAfter}`);
      lines.push(...body(d).map((l) => `    ${l}`));
    }
    if (items.length > MAX_DIFF_LINES_PER_SECTION)
      lines.push(`  ... and ${items.length - MAX_DIFF_LINES_PER_SECTION} more`);
  };
  const replies = (d: IdentityDiff) => [
    ...d.repliesAdded.map((r) => `reply now predicted: ${replyText(r)}`),
    ...d.repliesRemoved.map((r) => `reply no longer predicted: ${replyText(r)}`),
  ];
  section(
    'Regressions:',
    diff.identities.filter((d) => d.regression),
    (d) => [...d.newFailures.map((f) => `+ ${f.id} (${f.severity})`), ...replies(d)],
  );
  section(
    'Fixed:',
    diff.identities.filter((d) => d.fixed.length > 0),
    (d) => d.fixed.map((f) => `- ${f.id} (${f.severity})`),
  );
  section(
    'Other changes:',
    diff.identities.filter((d) => !d.regression && d.fixed.length === 0 && d.recordChanges.length === 0),
    replies,
  );
  section(
    'DNS record changes:',
    diff.identities.filter((d) => d.recordChanges.length > 0),
    (d) => d.recordChanges.map((r) => `${r.kind} ${s(r.name)}: ${clip(r.before)} -> ${clip(r.after)}`),
  );
  const list = (title: string, items: { key: string; domain: string }[]) => {
    if (items.length === 0) return;
    lines.push('', title);
    for (const i of items.slice(0, MAX_DIFF_LINES_PER_SECTION)) lines.push(`  ${s(i.domain)} [${s(i.key)}]`);
    if (items.length > MAX_DIFF_LINES_PER_SECTION)
      lines.push(`  ... and ${items.length - MAX_DIFF_LINES_PER_SECTION} more`);
  };
  list('Identities added:', diff.added);
  list('Identities gone:', diff.gone);
  return `${lines.join('\n')}\n`;
}
