/**
 * What an input is, from its first bytes (never its name): gzip (read through), binary junk, JSON
 * (an object or array: ESP events, journal export), an mbox ("From " first), a message (a header
 * block with fields messages have), else lines of a log.
 */

export type InputFormat = 'empty' | 'gzip' | 'binary' | 'json' | 'mbox' | 'message' | 'log';

/** Fields a message's header has and a log line never starts with. */
const MESSAGE_FIELDS =
  /^(?:from|to|subject|date|received|return-path|message-id|mime-version|content-type|delivered-to|x-[\w-]+|dkim-signature|arc-[\w-]+|authentication-results|reply-to|sender|auto-submitted)$/i;
/** RFC 5322 3.6.8: a field name is printable ASCII but ":"; a header line is "name:". */
const FIELD_LINE = /^([!-9;-~]+):/;
/** A log line that starts with an ISO 8601 date looks like "name:" up to the hour. */
const ISO_DATE_START = /^\d{4}-\d\d-\d\d[T ]\d\d:/;
/** Bytes of the head checked for control characters. */
const BINARY_SAMPLE = 4096;
/** Share of control bytes (other than tab, CR, LF, FF, ESC) above which the input is binary. */
const BINARY_CONTROL_SHARE = 0.05;

export function detectFormat(head: Buffer): InputFormat {
  if (head.length === 0) return 'empty';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  const sample = head.subarray(0, BINARY_SAMPLE);
  let controls = 0;
  for (const c of sample) {
    if (c === 0) return 'binary';
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) || c === 0x7f)
      controls++;
  }
  if (controls > sample.length * BINARY_CONTROL_SHARE) return 'binary';
  const text = head.toString('utf8').replace(/^\ufeff/, '');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  if (text.startsWith('From ')) return 'mbox';
  const lines = text.split(/\r?\n/, 200);
  const names: string[] = [];
  for (const l of lines) {
    if (l === '') break;
    if (l[0] === ' ' || l[0] === '\t') continue;
    const m = FIELD_LINE.exec(l);
    // "2024-03-01T10:15:02 host postfix/smtp[1]: ..." (an ISO-dated syslog line) is no field.
    if (!m || ISO_DATE_START.test(l)) return 'log';
    names.push(m[1]!);
  }
  return names.some((n) => MESSAGE_FIELDS.test(n)) ? 'message' : 'log';
}
