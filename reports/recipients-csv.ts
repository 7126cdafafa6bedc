/**
 * The CSV of `mail-preflight recipients`: one row per address, in input order, for a
 * spreadsheet. Every cell may hold a stranger's text (the list came from sign-up forms), so
 * each is made safe twice: control characters become visible escapes, and a cell a spreadsheet
 * would run as a formula (starting with =, +, -, @, tab or CR; OWASP "CSV Injection") gets a
 * leading apostrophe. Cells are quoted when they hold a separator, a quote or a line break,
 * with quotes doubled (RFC 4180 2).
 */
import type { RecipientResult } from '../src/recipients/types.js';
import { visible } from './escape.js';

export const RECIPIENTS_CSV_COLUMNS = [
  'line',
  'address',
  'normalized',
  'domain',
  'status',
  'reason',
  'suggestion',
  'predicted_reply',
  'detail',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n;]|^\s|\s$/;

/** One cell, safe for a spreadsheet. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string') {
    // The formula check sees the raw start (a tab or CR), then controls are made visible.
    const formula = FORMULA_START.test(s);
    s = visible(s);
    if (formula) s = `'${s}`;
  }
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function recipientsCsvHeader(): string {
  return `${RECIPIENTS_CSV_COLUMNS.join(',')}\r\n`;
}

/** One row, CRLF-terminated (RFC 4180 2). */
export function recipientsCsvRow(r: RecipientResult): string {
  const reply = r.predictedReply
    ? [r.predictedReply.code, r.predictedReply.enhanced, r.predictedReply.text].filter(Boolean).join(' ')
    : undefined;
  const detail = [
    r.evidence.detail,
    ...(r.evidence.otherReasons?.length ? [`also: ${r.evidence.otherReasons.join(', ')}`] : []),
  ]
    .filter(Boolean)
    .join('; ');
  return `${[
    csvCell(r.evidence.line),
    csvCell(r.address),
    csvCell(r.normalized),
    csvCell(r.domain),
    csvCell(r.status),
    csvCell(r.reason),
    csvCell(r.suggestion),
    csvCell(reply),
    csvCell(detail),
  ].join(',')}\r\n`;
}
