/**
 * Text helpers shared by every reader: one diagnostic line from whatever an MTA wrote, the
 * enhanced status (RFC 3463) and basic reply code (RFC 5321 4.2) found literally in a text, and
 * an address normalised the one way every reader uses.
 */
import { MAX_ADDRESS_CHARS, MAX_DIAGNOSTIC_CHARS } from './limits.js';

/**
 * C0 and C1 controls, DEL, and the bidirectional overrides (a diagnostic is shown to people: a
 * CR LF must not start a new "header", an override must not reorder what they read).
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * A copy of `s` that does not keep alive the text it was cut from. V8 represents a slice or a
 * regex capture of 13 characters or more as a view into its parent string: a sender or a
 * diagnostic remembered from a log line would keep the whole 1 MB chunk the line was read in
 * (every line is such a view), and a few hundred remembered strings kept hundreds of MB and made
 * the peak memory grow with the size of the log. Concatenation and a slice make a flat copy
 * (shorter strings are copied by V8 anyway). For what outlives its line only: the records, and
 * the per-queue-id state of the log readers.
 */
export function detached(s: string): string;
export function detached(s: string | null): string | null;
export function detached(s: string | null): string | null {
  return s === null || s.length < 13 ? s : ` ${s}`.slice(1);
}

/** One line: folds unwrapped, controls removed, spaces collapsed, bounded; null when empty. */
export function cleanText(text: string | null | undefined, max = MAX_DIAGNOSTIC_CHARS): string | null {
  if (text == null) return null;
  // Cut before the work: a 1 GB "diagnostic" costs no more than a bounded one.
  const head = text.length > max * 4 ? text.slice(0, max * 4) : text;
  const one = head.replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
  if (one === '') return null;
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
}

/**
 * RFC 3463 2: class "." subject "." detail, class 2, 4 or 5, one to three digits each. Not part of
 * a longer dotted number (an IP address, a version) and not glued to a word.
 */
const ENHANCED_STATUS = /(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?![\w]|\.\d)/;
/** Exactly an enhanced status (with an optional comment after it, as in RFC 3464 Status fields). */
const STATUS_FIELD = /^\s*([245]\.\d{1,3}\.\d{1,3})(?:\s|\(|$)/;
/**
 * RFC 5321 4.2: a reply code is three digits, the first 2-5, the second 0-5, followed by a space,
 * a hyphen (multi-line) or the end (Yahoo writes "554: delivery error"). Not inside a number, an address or after a colon (a port).
 */
const REPLY_CODE =
  /(?<![\w.\-:[#/=])([245][0-5]\d)(?=[ -]|: |$)(?:[ -]+([245]\.\d{1,3}\.\d{1,3})(?![\w]|\.\d))?/;

/** The enhanced status a text literally contains (" 5.1.1 "), or null: never made up from a reply code. */
export function statusIn(text: string | null | undefined): string | null {
  if (!text) return null;
  const reply = REPLY_CODE.exec(text);
  if (reply?.[2]) return reply[2];
  return ENHANCED_STATUS.exec(text)?.[1] ?? null;
}

/** An RFC 3464 2.3.4 Status value (with its optional comment), or null when it is not one. */
export function statusField(value: string | null | undefined): string | null {
  if (!value) return null;
  return STATUS_FIELD.exec(value)?.[1] ?? null;
}

/** The first SMTP reply code in a text, or null. */
export function replyCodeIn(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = REPLY_CODE.exec(text);
  return m ? Number(m[1]) : null;
}

/** The text from its first SMTP reply code on (what the receiver said), or null without one. */
export function replyTextIn(text: string): string | null {
  const m = REPLY_CODE.exec(text);
  return m ? text.slice(m.index) : null;
}

/** Reply codes as REPLY_CODE reads them, every one in a text (see failureReplyTextIn). */
const REPLY_CODES = new RegExp(REPLY_CODE.source, 'g');

/**
 * The text from its first failure reply (4xx or 5xx) on, else as replyTextIn: a bounce that
 * quotes the session ("220 mx ESMTP", "250 OK" for MAIL FROM) failed at a later reply.
 */
export function failureReplyTextIn(text: string): string | null {
  REPLY_CODES.lastIndex = 0;
  for (let m = REPLY_CODES.exec(text); m; m = REPLY_CODES.exec(text)) {
    if (m[1]!.startsWith('4') || m[1]!.startsWith('5')) return text.slice(m.index);
  }
  return replyTextIn(text);
}

/**
 * An address as a record holds it: angle brackets and an RFC 3464 address type ("rfc822;")
 * removed, the domain lower-cased (RFC 5321 2.4: only the local part may be case-sensitive).
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  let a = raw.trim();
  const typed = /^[a-z0-9-]+;\s*/i.exec(a);
  if (typed) a = a.slice(typed[0].length);
  a = a.replace(/^<+/, '').replace(/>+$/, '').trim();
  a = cleanText(a, MAX_ADDRESS_CHARS) ?? '';
  if (a.includes(' ')) {
    const words = a.split(' ');
    a = (words.find((w) => w.includes('@')) ?? words[0] ?? '').replace(/^<+/, '').replace(/>+$/, '');
  }
  if (a === '') return null;
  const at = a.lastIndexOf('@');
  return at > 0 ? `${a.slice(0, at)}@${a.slice(at + 1).toLowerCase()}` : a;
}

/** An RFC 3464 typed value without its type ("smtp; 550 ..." -> "550 ...", "dns; mx" -> "mx"). */
export function untyped(value: string | null | undefined): string | null {
  if (value == null) return null;
  const m = /^\s*[a-z0-9-]+\s*;\s*/i.exec(value);
  return m ? value.slice(m[0].length) : value;
}

/** A host name or address as remoteMta holds it: no trailing dot, no brackets, lower-case. */
export function normalizeHost(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const h = cleanText(
    raw
      .trim()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, ''),
    255,
  );
  return h ? h.toLowerCase() : null;
}

/** Seconds (or milliseconds when `unit` says) since the epoch as ISO 8601, or null. */
export function isoFromEpoch(value: unknown, unit: 's' | 'ms' | 'us' = 's'): string | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  const ms = unit === 's' ? n * 1000 : unit === 'us' ? n / 1000 : n;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO 8601 (or RFC 3339) time string normalised to UTC ISO, or null when unreadable. */
export function isoFromText(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  // "+0000" (no colon) is ISO 8601 basic format, which Date.parse does not take.
  const d = new Date(value.trim().replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
