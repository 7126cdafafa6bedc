/**
 * The one form every value of a triage takes in the bounce page: strings made visible, bounded
 * and escaped (a diagnostic `<script>` or `"><img onerror=...>` stays text, in markup, attributes
 * and SVG alike), counts and times written the same way everywhere.
 */

import { CATEGORY_SPECS } from '../../src/bounce/categories.js';
import { TIMELINE_DAY_MS, TIMELINE_HOUR_MS } from '../../src/bounce/timeline.js';
import type { BounceCategory } from '../../src/bounce/types.js';
import { escapeHtml, truncateText, visible } from '../escape.js';
import { HTML_MAX_STRING_CHARS } from '../html/limits.js';

/** A string from the triage, for HTML text or a quoted attribute: visible, at most `max`, escaped. */
export function text(s: unknown, max = HTML_MAX_STRING_CHARS): string {
  return escapeHtml(truncateText(visible(s ?? ''), max));
}

/** A count with thousands separators; anything but a finite number shows as 0. */
export function count(n: unknown): string {
  return (typeof n === 'number' && Number.isFinite(n) ? n : 0).toLocaleString('en-US');
}

/** The category when it is one of ours, else undefined (a triage read back from disk may hold anything). */
export function knownCategory(c: unknown): BounceCategory | undefined {
  return typeof c === 'string' && Object.hasOwn(CATEGORY_SPECS, c) ? (c as BounceCategory) : undefined;
}

/** `2026-11-02 10:00` (UTC) from an ISO time; the text itself when it is not one. */
export function time(iso: string | null, withSeconds = false): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const s = new Date(ms).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, withSeconds ? 19 : 16)}`;
}

/** A bucket's start as a label: the hour for hourly buckets, the date for wider ones. */
export function bucketLabel(startMs: number, bucketMs: number): string {
  const s = new Date(startMs).toISOString();
  return bucketMs < TIMELINE_DAY_MS ? `${s.slice(5, 10)} ${s.slice(11, 16)}` : s.slice(0, 10);
}

/** "hour", "day", "4 days": the width of a bucket in words. */
export function bucketWidth(bucketMs: number): string {
  if (bucketMs === TIMELINE_HOUR_MS) return 'hour';
  if (bucketMs === TIMELINE_DAY_MS) return 'day';
  const days = bucketMs / TIMELINE_DAY_MS;
  return Number.isInteger(days) ? `${days} days` : `${bucketMs / TIMELINE_HOUR_MS} hours`;
}

/** A reply as people quote it: `421 4.7.28`; the parts a source did not give are left out. */
export function replyLabel(replyCode: number | null, status: string | null): string {
  const parts = [replyCode === null ? '' : String(replyCode), status ?? ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'no code';
}

/** A provider's name, or what an unknown one is called. */
export function providerLabel(provider: string | null): string {
  return provider ?? 'other / unknown';
}

/** `1 bounce`, `12,345 bounces`. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
