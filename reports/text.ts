/**
 * The text report, for people at a terminal. Every string that comes from the report may
 * come from a hostile DNS answer (a TXT record can hold any bytes), so each one passes
 * through sanitizeForTerminal before it is printed.
 */
import { RESOLVER_UNRELIABLE_ID } from '../checks/dns/index.js';
import type { CheckResult, CheckStatus, Finding, PredictedReply, Report, Severity } from '../src/report.js';
import { severityRank } from '../src/report.js';
import { MAX_MESSAGE_FIELD_CHARS, type MessageSummary, messageSummaryRows } from './message-summary.js';

export interface TextOptions {
  /** ANSI colour; the CLI sets it for a TTY without NO_COLOR. */
  color: boolean;
}

/** Longest evidence value shown; the JSON report keeps everything. */
export const MAX_EVIDENCE_VALUE_CHARS = 300;
/** Most evidence keys shown per finding. */
export const MAX_EVIDENCE_KEYS = 8;
/** Longest reply text shown in the summary. */
export const MAX_REPLY_TEXT_CHARS = 200;

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// C0 controls, DEL, C1 controls (0x9B is a one-byte CSI), and the invisible format characters
// that can reorder or hide text on screen (bidi overrides and isolates, zero-width marks,
// line/paragraph separators, BOM).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const UNSAFE_KEEP_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Make a string safe to print: control and invisible format characters become visible
 * escapes (`\x1b`, `\n`, `\u202e`), so an ANSI sequence in a TXT record shows as text
 * instead of driving the terminal. With `multiline`, '\n' is kept (the caller indents).
 */
export function sanitizeForTerminal(s: string, options: { multiline?: boolean } = {}): string {
  const re = options.multiline ? UNSAFE_KEEP_NEWLINE : UNSAFE;
  return String(s).replace(re, (ch) => {
    const named = NAMED_ESCAPES[ch];
    if (named) return named;
    const cp = ch.codePointAt(0) ?? 0;
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

const STATUS_ORDER: Record<CheckStatus, number> = { fail: 0, unknown: 1, warn: 2, pass: 3, skipped: 4 };
const STATUS_LABEL: Record<CheckStatus, string> = {
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  warn: 'WARN',
  pass: 'PASS',
  skipped: 'SKIPPED',
};
const SEVERITY_LABEL: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  unknown: 'unknown',
  info: 'info',
};

const ANSI = { red: 31, green: 32, yellow: 33, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
type Style = keyof typeof ANSI;

const STATUS_STYLE: Record<CheckStatus, Style> = {
  fail: 'red',
  unknown: 'magenta',
  warn: 'yellow',
  pass: 'green',
  skipped: 'dim',
};
const SEVERITY_STYLE: Record<Severity, Style> = {
  error: 'red',
  warning: 'yellow',
  unknown: 'magenta',
  info: 'cyan',
};

export function renderText(report: Report, options: TextOptions): string {
  const paint = (style: Style, s: string) => (options.color ? `\x1b[${ANSI[style]}m${s}\x1b[0m` : s);
  const safe = (s: unknown) => sanitizeForTerminal(String(s));
  const out: string[] = [];

  const t = report.target;
  out.push(
    `${paint('bold', `mail-preflight ${safe(report.tool.version)}`)}  ${safe(t.domain)}  ` +
      paint(STATUS_STYLE[report.status], STATUS_LABEL[report.status]),
  );
  out.push(
    `  profile: ${safe(t.profile)}   IPs: ${t.ips.length > 0 ? t.ips.map(safe).join(', ') : '(none given)'}`,
  );
  const extras = [
    t.helo !== undefined ? `HELO: ${safe(t.helo)}` : undefined,
    t.mailFrom !== undefined ? `MAIL FROM: ${safe(t.mailFrom)}` : undefined,
    t.dkimSelectors && t.dkimSelectors.length > 0
      ? `DKIM: ${t.dkimSelectors.map(safe).join(', ')}${t.dkimDomain !== undefined ? ` @ ${safe(t.dkimDomain)}` : ''}`
      : undefined,
  ].filter((x): x is string => x !== undefined);
  if (extras.length > 0) out.push(`  ${extras.join('   ')}`);
  if (t.message !== undefined) out.push(...messageBlock(t.message, safe));
  // A lying resolver explains every unknown below: say so before them.
  const lie = report.checks.dns?.findings.find((f) => f.id === RESOLVER_UNRELIABLE_ID);
  if (lie)
    out.push(
      `  ${paint(SEVERITY_STYLE.unknown, 'RESOLVER UNRELIABLE')}: ${safe(lie.title)} (${lie.id}, see below)`,
    );

  const checks = Object.entries(report.checks)
    .map(([key, c]) => ({ key, c }))
    .sort((a, b) => STATUS_ORDER[a.c.status] - STATUS_ORDER[b.c.status] || (a.key < b.key ? -1 : 1));
  for (const { key, c } of checks) {
    out.push('');
    out.push(...renderCheck(key, c, paint, safe));
  }

  out.push('');
  if (report.predictedReplies.length === 0) {
    out.push('Predicted replies: none');
  } else {
    out.push(paint('bold', 'Predicted replies:'));
    for (const r of report.predictedReplies) {
      out.push(`  ${replyLine(r, safe)}  <- ${r.findings.map(safe).join(', ')}`);
      out.push(`      ${paint('dim', truncate(safe(r.text), MAX_REPLY_TEXT_CHARS))}`);
    }
  }

  const d = report.timing.dns;
  out.push('');
  out.push(
    paint(
      'dim',
      `DNS: ${d.queriesSent} queries, ${d.cacheHits} cache hits, ${d.cacheMisses} misses, ${d.timeouts} timeouts, ` +
        `${d.tcpRetries} TCP retries, ${d.errors} errors; ${Math.round(report.timing.durationMs)} ms`,
    ),
  );
  return `${out.join('\n')}\n`;
}

/** The sample message (message command): every value is the message's own text, made safe. */
function messageBlock(m: MessageSummary, safe: (s: unknown) => string): string[] {
  return [
    '  Message:',
    ...messageSummaryRows(m).map(
      (r) => `    ${r.label}: ${truncate(safe(r.value), MAX_MESSAGE_FIELD_CHARS)}`,
    ),
  ];
}

function renderCheck(
  key: string,
  c: CheckResult,
  paint: (style: Style, s: string) => string,
  safe: (s: unknown) => string,
): string[] {
  const lines: string[] = [];
  const label = paint(STATUS_STYLE[c.status], STATUS_LABEL[c.status].padEnd(7));
  lines.push(`${label} ${paint('bold', safe(key))}  ${safe(c.title)}`);
  if (c.error !== undefined) lines.push(`    Error: ${safe(c.error)}`);
  const findings = [...c.findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (const f of findings) lines.push(...renderFinding(f, paint, safe));
  return lines;
}

function renderFinding(
  f: Finding,
  paint: (style: Style, s: string) => string,
  safe: (s: unknown) => string,
): string[] {
  const lines: string[] = [];
  const marker = paint(SEVERITY_STYLE[f.severity], `[${SEVERITY_LABEL[f.severity]}]`);
  lines.push(`  ${marker} ${safe(f.id)}: ${safe(f.title)}`);
  if (f.waived)
    lines.push(
      `      ${paint('dim', `Waived: ${safe(f.waived.reason)}, until ${safe(f.waived.expires)} (does not fail the gate)`)}`,
    );
  // Messages are one line by contract; a newline in one comes from data (a record), so it is escaped.
  if (f.message) lines.push(`      ${safe(f.message)}`);
  // Info findings change nothing at receivers: their title and message are enough here; the
  // JSON report keeps their evidence and fix.
  if (f.severity === 'info') return lines;
  const ev = evidenceLine(f.evidence, safe);
  if (ev) lines.push(`      ${paint('dim', `Evidence: ${ev}`)}`);
  if (f.remediation) {
    const [first, ...rest] = indentBlock(f.remediation, '           ');
    lines.push(`      Fix: ${(first ?? '').trimStart()}`, ...rest);
  }
  for (const r of f.predictedReplies) lines.push(`      Reply: ${replyLine(r, safe)}`);
  return lines;
}

/**
 * Multi-line text (fixes may hold DNS records to publish), each line sanitized and indented:
 * a newline smuggled in through data can only add indented lines, never a top-level one.
 */
function indentBlock(text: string, indent: string): string[] {
  return sanitizeForTerminal(text, { multiline: true })
    .split('\n')
    .map((l) => `${indent}${l}`);
}

/** "gmail 421 4.7.27 (bulk, transient, documented)" */
function replyLine(r: PredictedReply, safe: (s: unknown) => string): string {
  const tags = [...(r.bulkOnly ? ['bulk'] : []), r.permanent ? 'permanent' : 'transient', r.confidence];
  return `${safe(r.provider)} ${safe(r.code)} ${safe(r.enhanced)} (${tags.map(safe).join(', ')})`;
}

/** key=value pairs for the top-level evidence, each value compact and bounded. */
function evidenceLine(evidence: Record<string, unknown>, safe: (s: unknown) => string): string {
  if (evidence === null || typeof evidence !== 'object') return '';
  const keys = Object.keys(evidence).sort();
  const parts: string[] = [];
  for (const k of keys.slice(0, MAX_EVIDENCE_KEYS)) {
    const v = evidence[k];
    if (v === undefined) continue;
    parts.push(`${safe(k)}=${truncate(safe(compactValue(v)), MAX_EVIDENCE_VALUE_CHARS)}`);
  }
  if (keys.length > MAX_EVIDENCE_KEYS)
    parts.push(`(+${keys.length - MAX_EVIDENCE_KEYS} more in the JSON report)`);
  return parts.join('  ');
}

function compactValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) {
    return `[${v.map((x) => (typeof x === 'string' ? JSON.stringify(x) : String(x))).join(', ')}]`;
  }
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return '[unserializable]';
  }
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
