/**
 * GitHub Actions output: workflow commands (annotations) and a job summary in Markdown.
 *
 * Workflow commands, one per finding (info findings are left to the summary):
 *   error                -> ::error title=ID (KEY)::MESSAGE%0AFix: FIX
 *   warning              -> ::warning ...
 *   unknown              -> ::warning ... with "could not measure: " before the message
 *   waived (any)         -> ::notice ... with "(waived: REASON, until DATE)": shown, not failing
 * `file=` (and `line=`) only when the finding is about a file (reports/ci-findings.ts).
 *
 * Every string may come from a hostile DNS answer or banner. A workflow command is one line,
 * so the data is escaped as the runner reads it back: in the message `%`, CR and LF become
 * %25, %0D, %0A; in a property also `:` and `,` become %3A and %2C (a `::` or `,` in a title
 * cannot end the properties). Control and invisible characters are first made visible as in
 * the text report, so nothing can start a second command or drive the log viewer.
 *
 * The job summary is GitHub-flavoured Markdown: every piece of report data is escaped (each
 * ASCII punctuation character backslash-escaped, CommonMark 2.4), so no `|` splits a table
 * cell, no `<` opens HTML and no `[`/`(` makes a link; line breaks are ours (`<br>`).
 */
import type { Finding, Report, Severity } from '../src/report.js';
import { type CiEntry, type CiFiles, type CiFinding, ciFindings, waivedNote } from './ci-findings.js';
import { truncateText, visible } from './escape.js';

export interface GithubOptions {
  files?: CiFiles;
  /** The gate, named in the summary (the exit code is the CLI's). */
  failOn?: 'warn' | 'fail';
}

/** Longest message of one workflow command (GitHub cuts annotations much shorter anyway). */
export const GITHUB_MAX_MESSAGE_CHARS = 4000;
/** Most workflow commands for one run; a fleet of thousands would flood the log. */
export const GITHUB_MAX_COMMANDS = 1000;
/** Most finding rows in the summary of one report, and identity rows in a fleet summary. */
export const GITHUB_SUMMARY_MAX_ROWS = 300;
/** Longest summary table cell. */
export const GITHUB_SUMMARY_MAX_CELL_CHARS = 600;

type CommandKind = 'error' | 'warning' | 'notice';

/** Escape for the message of a workflow command (the runner's escapeData). */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escape for a property value of a workflow command (the runner's escapeProperty). */
export function escapeCommandProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command line; `properties` in order, each value escaped. */
export function workflowCommand(kind: CommandKind, properties: [string, string][], message: string): string {
  const props = properties.map(([k, v]) => `${k}=${escapeCommandProperty(visible(v))}`).join(',');
  const text = truncateText(visible(message, { multiline: true }), GITHUB_MAX_MESSAGE_CHARS);
  return `::${kind}${props ? ` ${props}` : ''}::${escapeCommandData(text)}\n`;
}

function commandOf(c: CiFinding): string {
  const f = c.finding;
  const waived = waivedNote(f);
  const kind: CommandKind = waived ? 'notice' : f.severity === 'error' ? 'error' : 'warning';
  const properties: [string, string][] = [];
  if (c.file !== undefined) properties.push(['file', c.file]);
  if (c.line !== undefined) properties.push(['line', String(c.line)]);
  properties.push(['title', `${f.id} (${c.entry.key})${waived ? ' waived' : ''}`]);
  const message =
    `${f.severity === 'unknown' ? 'could not measure: ' : ''}${f.title}: ${f.message}` +
    (waived ? ` (${waived})` : '') +
    (f.remediation ? `\nFix: ${f.remediation}` : '');
  return workflowCommand(kind, properties, message);
}

/** The workflow commands of a run's reports, at most GITHUB_MAX_COMMANDS (then one notice says how many more). */
export function renderGithubCommands(entries: Iterable<CiEntry>, options: GithubOptions = {}): string {
  const out: string[] = [];
  let more = 0;
  for (const entry of entries)
    for (const c of ciFindings(entry, options.files ?? {})) {
      if (out.length < GITHUB_MAX_COMMANDS) out.push(commandOf(c));
      else more++;
    }
  if (more > 0)
    out.push(
      workflowCommand('notice', [['title', 'mail-preflight']], `${more} more findings: see the full report`),
    );
  return out.join('');
}

/** Backslash-escapes every ASCII punctuation character (CommonMark 2.4): data stays text. */
export function markdownText(s: unknown, max = GITHUB_SUMMARY_MAX_CELL_CHARS): string {
  return truncateText(visible(s, { multiline: true }), max)
    .replace(/[!-/:-@[-`{-~]/g, (ch) => `\\${ch}`)
    .replace(/\r?\n/g, '<br>');
}

const SEVERITY_LABEL: Record<Severity, string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  unknown: '❔ could not measure',
  info: 'ℹ️ info',
};

/** Findings that fail the gate: not waived, at error (and warning with failOn 'warn'). */
function failsGate(f: Finding, failOn: 'warn' | 'fail'): boolean {
  return !f.waived && (f.severity === 'error' || (failOn === 'warn' && f.severity === 'warning'));
}

function gateLine(findings: readonly Finding[], failOn: 'warn' | 'fail'): string {
  const failing = findings.filter((f) => failsGate(f, failOn)).length;
  const waived = findings.filter((f) => f.waived).length;
  const gate = failOn === 'warn' ? 'warnings and errors' : 'errors';
  return (
    `${failing === 0 ? '✅ No finding fails the gate' : `❌ ${failing} ${failing === 1 ? 'finding fails' : 'findings fail'} the gate`}` +
    ` (--fail-on ${failOn}: ${gate})${waived > 0 ? `; ${waived} waived` : ''}.`
  );
}

/** The job summary of one report (audit, message). */
export function renderGithubSummary(entry: CiEntry, options: GithubOptions = {}): string {
  const failOn = options.failOn ?? 'fail';
  const { report } = entry;
  const findings = Object.values(report.checks).flatMap((c) => c.findings);
  const out = [
    `## mail-preflight: ${markdownText(report.target.domain)}: ${report.status.toUpperCase()}`,
    '',
    gateLine(findings, failOn),
    '',
  ];
  const shown = findings
    .filter((f) => f.severity !== 'info' || f.id.startsWith('policy/'))
    .sort((a, b) => rank(b) - rank(a));
  if (shown.length === 0) out.push('No errors, warnings or unknowns.', '');
  else {
    out.push('| severity | finding | message | fix |', '|---|---|---|---|');
    for (const f of shown.slice(0, GITHUB_SUMMARY_MAX_ROWS)) {
      const waived = waivedNote(f);
      out.push(
        `| ${SEVERITY_LABEL[f.severity]}${waived ? ' (waived)' : ''} | ${markdownText(f.id)}<br>${markdownText(f.title)} | ` +
          `${markdownText(f.message)}${waived ? `<br>_${markdownText(waived)}_` : ''} | ${markdownText(f.remediation)} |`,
      );
    }
    if (shown.length > GITHUB_SUMMARY_MAX_ROWS)
      out.push('', `${shown.length - GITHUB_SUMMARY_MAX_ROWS} more findings: see the full report.`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** The job summary of a fleet run: one row per identity with its counts, worst first. */
export function renderGithubFleetSummary(entries: Iterable<CiEntry>, options: GithubOptions = {}): string {
  const failOn = options.failOn ?? 'fail';
  const rows: { key: string; status: string; failing: number; waived: number; worst: string }[] = [];
  let total = 0;
  let failingIdentities = 0;
  for (const { key, report } of entries) {
    total++;
    const findings = Object.values(report.checks).flatMap((c) => c.findings);
    const failing = findings.filter((f) => failsGate(f, failOn));
    if (failing.length > 0) failingIdentities++;
    rows.push({
      key,
      status: report.status,
      failing: failing.length,
      waived: findings.filter((f) => f.waived).length,
      worst: failing
        .map((f) => f.id)
        .slice(0, 3)
        .join(', '),
    });
  }
  rows.sort((a, b) => b.failing - a.failing || (a.key < b.key ? -1 : 1));
  const out = [
    `## mail-preflight fleet: ${total} identities`,
    '',
    `${failingIdentities === 0 ? '✅' : '❌'} ${failingIdentities} of ${total} fail the gate (--fail-on ${failOn}).`,
    '',
    '| identity | status | failing findings | waived | first failing |',
    '|---|---|---|---|---|',
    ...rows
      .slice(0, GITHUB_SUMMARY_MAX_ROWS)
      .map(
        (r) =>
          `| ${markdownText(r.key)} | ${markdownText(r.status)} | ${r.failing} | ${r.waived} | ${markdownText(r.worst || '-')} |`,
      ),
  ];
  if (rows.length > GITHUB_SUMMARY_MAX_ROWS)
    out.push('', `${rows.length - GITHUB_SUMMARY_MAX_ROWS} more identities: see index.html of the run.`);
  return `${out.join('\n')}\n`;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 3, unknown: 2, warning: 1, info: 0 };
function rank(f: Finding): number {
  return (f.waived ? -4 : 0) + SEVERITY_ORDER[f.severity];
}

export type { CiEntry, CiFiles } from './ci-findings.js';
/** One audit's entry: its key is its domain. */
export function ciEntryOf(report: Report): CiEntry {
  return { key: report.target.domain, report };
}
