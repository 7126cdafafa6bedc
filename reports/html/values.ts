/** The page's status vocabulary and the one form every report value takes in it. */
import type { IdentityStatus } from '../../src/fleet/summary.js';
import type { CheckStatus } from '../../src/report.js';
import { truncateText, visible } from '../escape.js';
import { HTML_MAX_STRING_CHARS } from './limits.js';

/** Worst first: the order of the grid, of a report's checks and of the status filter. */
export const STATUS_RANK: Record<IdentityStatus | CheckStatus, number> = {
  error: 0,
  fail: 1,
  unknown: 2,
  warn: 3,
  pass: 4,
  skipped: 5,
};
/** What a status cell or badge says. */
export const STATUS_LABEL: Record<IdentityStatus | CheckStatus, string> = {
  error: 'ERROR',
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  warn: 'WARN',
  pass: 'PASS',
  skipped: 'SKIPPED',
};

/** A status read from disk may be anything: unknown values show as `unknown`, never as markup. */
export function knownStatus(s: unknown): IdentityStatus | CheckStatus {
  return typeof s === 'string' && Object.hasOwn(STATUS_RANK, s)
    ? (s as IdentityStatus | CheckStatus)
    : 'unknown';
}

/** Visible, bounded text: the form every report string takes in the page. */
export function str(s: unknown, multiline = false): string {
  return truncateText(visible(s ?? '', { multiline }), HTML_MAX_STRING_CHARS);
}

/** A finite number, or 0: numbers read from disk may be anything. */
export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
