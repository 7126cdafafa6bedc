/**
 * The text of `mail-preflight bounces`: totals and address actions, then the worst buckets
 * (replies, categories with their checks and fixes, sending domains), the waves, the --audit
 * links and last what could not be read. Every string of a bounce (diagnostics, addresses,
 * paths, domains) may be hostile: each line passes through sanitizeForTerminal and is cut at
 * MAX_LINE_CHARS, and each list at MAX_ROWS (the JSON keeps everything).
 */
import { type BounceAudit, type CauseAudit, linkedChecks } from '../src/bounce/audit.js';
import type { ReadSummary } from '../src/bounce/read/index.js';
import type { CategoryBucket, CodeBucket, DomainBucket } from '../src/bounce/summary.js';
import type { BounceTriage } from '../src/bounce/triage.js';
import type { Wave } from '../src/bounce/waves.js';
import { truncateText } from './escape.js';
import { sanitizeForTerminal } from './text.js';

/** Longest line printed (after escaping), so one diagnostic cannot flood the terminal. */
export const MAX_LINE_CHARS = 160;
/** Width our own prose (the wave rule) is wrapped at. */
export const PROSE_LINE_CHARS = 100;
/** Rows per list; the JSON output has them all. */
export const MAX_ROWS = 20;
/** Finding ids named per category or wave before "and N more". */
export const MAX_FINDING_IDS = 4;
/** Characters of an example diagnostic shown under a reply. */
const MAX_EXAMPLE_CHARS = 120;

/** What the text shows: a triage, with what was read and the audit when the caller has them. */
export interface BouncesTextInput extends BounceTriage {
  read?: ReadSummary;
  audit?: BounceAudit;
}

const INDENT = '  ';
const DETAIL = '      ';

export function renderBouncesText(t: BouncesTextInput): string {
  const lines = [
    ...totals(t),
    ...section('Replies (provider, basic code, enhanced status), worst first', t.summary.byCode, codeRows),
    ...section('Categories, worst first', t.summary.byCategory, categoryRows),
    ...section('Sending domains, worst first', t.summary.bySendingDomain, domainRows),
    ...waves(t),
    ...(t.audit ? auditLines(t.audit) : []),
    ...(t.read ? readLines(t.read) : []),
  ];
  return `${lines.map(safeLine).join('\n')}\n`;
}

/** Escaped first (an escape is longer than the character), then cut. */
function safeLine(line: string): string {
  return truncateText(sanitizeForTerminal(line), MAX_LINE_CHARS);
}

/** Our own prose (the wave rule) wrapped at word boundaries rather than cut. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function totals(t: BouncesTextInput): string[] {
  const s = t.summary;
  const span = s.firstTime && s.lastTime ? ` from ${s.firstTime} to ${s.lastTime}` : '';
  const lines = [
    `mail-preflight bounces: ${plural(s.total, 'bounce')} (${s.permanent} permanent, ${s.transient} transient)${span}`,
    `Addresses: suppress ${s.actions.suppress}, retry ${s.actions.retry}, keep ${s.actions.keep}` +
      ' (suppress: the address is gone; retry: send again later; keep: fix the message or the setup)',
  ];
  if (t.skippedByTime > 0)
    lines.push(`Outside --since/--until: ${plural(t.skippedByTime, 'bounce')} not counted`);
  if (t.omittedBounces > 0)
    lines.push(`Listed in JSON: the first ${t.bounces.length}; ${t.omittedBounces} more are counted only`);
  return lines;
}

/** A titled list of at most MAX_ROWS items, each rendered to lines; nothing when the list is empty. */
function section<T>(title: string, items: readonly T[], rows: (item: T) => string[]): string[] {
  if (items.length === 0) return [];
  const out = ['', `${title}:`, ...items.slice(0, MAX_ROWS).flatMap(rows)];
  if (items.length > MAX_ROWS)
    out.push(`${INDENT}... and ${items.length - MAX_ROWS} more (see --format json)`);
  return out;
}

function count(n: number): string {
  return String(n).padStart(6);
}

function replyName(r: { provider: string | null; replyCode: number | null; status: string | null }): string {
  return `${r.provider ?? 'other'} ${r.replyCode ?? '-'} ${r.status ?? '-'}`;
}

function codeRows(c: CodeBucket): string[] {
  const rows = [
    `${count(c.count)}  ${replyName(c)}  ${c.category}, ${c.permanent ? 'permanent' : 'transient'}`,
    `${DETAIL}fix: ${c.fix}`,
  ];
  const example = c.examples.find((e) => e.diagnostic);
  if (example?.diagnostic)
    rows.push(`${DETAIL}e.g. "${truncateText(example.diagnostic, MAX_EXAMPLE_CHARS)}"`);
  return rows;
}

/** "spf: spf/missing, spf/multiple-records and 9 more" */
function linked(checks: readonly string[], findings: readonly string[]): string | undefined {
  if (checks.length === 0 && findings.length === 0) return undefined;
  const shown = findings.slice(0, MAX_FINDING_IDS).join(', ');
  const more = findings.length > MAX_FINDING_IDS ? ` and ${findings.length - MAX_FINDING_IDS} more` : '';
  return `checks: ${checks.join(', ') || '-'}${shown ? ` (${shown}${more})` : ''}`;
}

function categoryRows(c: CategoryBucket): string[] {
  const a = c.actions;
  const rows = [
    `${count(c.count)}  ${c.category} (${c.permanent} permanent; suppress ${a.suppress}, retry ${a.retry}, keep ${a.keep})`,
  ];
  const checks = linked(c.checks, c.findings);
  if (checks) rows.push(`${DETAIL}${checks}`);
  const { domain, message } = linkedChecks(c.checks, c.findings);
  if (domain.length > 0) rows.push(`${DETAIL}see: --audit runs ${domain.join(', ')} on the sending domains`);
  if (message.length > 0)
    rows.push(`${DETAIL}see: mail-preflight message on a sample runs ${message.join(', ')}`);
  rows.push(`${DETAIL}fix: ${c.fix}`);
  return rows;
}

function domainRows(d: DomainBucket): string[] {
  const categories = Object.entries(d.categories)
    .sort(([, x], [, y]) => (y ?? 0) - (x ?? 0))
    .map(([category, n]) => `${category} ${n}`)
    .join(', ');
  return [`${count(d.count)}  ${d.domain ?? '(sender unknown)'} (${d.permanent} permanent): ${categories}`];
}

function waves(t: BouncesTextInput): string[] {
  const w = t.waves;
  const out = ['', 'Waves:', ...wrapWords(`Rule: ${w.rule.text}`, PROSE_LINE_CHARS).map((l) => INDENT + l)];
  if (w.waves.length === 0) out.push(`${INDENT}No wave: no reply stands out from its baseline.`);
  out.push(...w.waves.slice(0, MAX_ROWS).flatMap(waveRows));
  if (w.waves.length > MAX_ROWS)
    out.push(`${INDENT}... and ${w.waves.length - MAX_ROWS} more (see --format json)`);
  if (w.untimed > 0) out.push(`${INDENT}${plural(w.untimed, 'bounce')} without a time: in no wave`);
  if (w.untracked > 0)
    out.push(`${INDENT}${plural(w.untracked, 'bounce')} not placed (tracking limits reached)`);
  return out;
}

function waveRows(w: Wave): string[] {
  const rows = [
    `${INDENT}${w.start}: ${w.size} x ${replyName(w)} ${w.category} until ${w.end}` +
      ` (peak ${w.peak} per window, baseline ${w.baseline})`,
    `${DETAIL}fix: ${w.fix}`,
  ];
  const checks = linked(w.checks, w.findings);
  if (checks) rows.push(`${DETAIL}${checks}`);
  return rows;
}

const VERDICT_TEXT: Record<CauseAudit['verdict'], string> = {
  explained: 'explained by',
  'looks-fine': 'the setup looks fine now: the linked checks report nothing that explains it',
  'not-measured': 'not measured',
  'not-run': 'not run',
};

function causeName(c: CauseAudit): string {
  return c.kind === 'wave'
    ? `wave ${c.start} ${replyName({ provider: c.provider ?? null, replyCode: c.replyCode ?? null, status: c.status ?? null })} ${c.category}`
    : `category ${c.category}`;
}

function auditLines(a: BounceAudit): string[] {
  const out = [
    '',
    `Audit of the sending domains behind causes a check can see (at most ${a.maxDomains}, worst first):`,
  ];
  if (a.domains.length === 0) out.push(`${INDENT}No sending domain to audit.`);
  for (const d of a.domains) {
    const statuses = Object.entries(d.checks)
      .map(([id, status]) => `${id} ${status}`)
      .join(', ');
    out.push(
      `${INDENT}${d.domain} (${plural(d.bounces, 'linked bounce')}): ${d.error ? `not audited: ${d.error}` : statuses}`,
    );
    for (const f of d.findings.slice(0, MAX_ROWS)) out.push(`${DETAIL}${f.severity} ${f.id}: ${f.title}`);
  }
  if (a.omittedDomains > 0) out.push(`${INDENT}${plural(a.omittedDomains, 'more domain')} not audited`);
  for (const c of a.causes.slice(0, MAX_ROWS)) {
    const verdict =
      c.verdict === 'explained'
        ? `${VERDICT_TEXT.explained} ${c.findings.join(', ')}`
        : `${VERDICT_TEXT[c.verdict]}${c.note ? ` (${c.note})` : ''}`;
    out.push(`${INDENT}${causeName(c)} from ${c.domain} (${plural(c.bounces, 'bounce')}): ${verdict}`);
  }
  if (a.causes.length > MAX_ROWS)
    out.push(`${INDENT}... and ${a.causes.length - MAX_ROWS} more (see --format json)`);
  if (a.omittedWaves > 0) out.push(`${INDENT}${plural(a.omittedWaves, 'more wave')} not looked up`);
  if (a.bouncesWithoutDomain > 0)
    out.push(
      `${INDENT}${plural(a.bouncesWithoutDomain, 'linked bounce')} name no sending domain: run mail-preflight audit DOMAIN for them`,
    );
  for (const m of a.messageChecks)
    out.push(
      `${INDENT}${m.category}: ${m.checks.join(', ')} need the message: run mail-preflight message on a sample`,
    );
  return out;
}

function readLines(r: ReadSummary): string[] {
  const out = [
    '',
    `Read: ${plural(r.files, 'file')}, ${plural(r.lines, 'line')}, ${plural(r.records, 'record')}; ${plural(r.problems, 'problem')}`,
  ];
  if (r.problems === 0) return out;
  const kinds = Object.entries(r.problemsByKind)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  out.push(`${INDENT}${kinds}`);
  for (const p of r.examples.slice(0, MAX_ROWS))
    out.push(`${INDENT}${p.kind}: ${p.path}${p.line !== undefined ? `:${p.line}` : ''}: ${p.detail}`);
  if (r.problems > r.examples.length) out.push(`${INDENT}... and ${r.problems - r.examples.length} more`);
  return out;
}
