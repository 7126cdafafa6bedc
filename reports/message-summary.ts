/**
 * The sample message of a message report (`target.message`) as the text report and the HTML
 * header show it: file name, size as given and on the wire, a short SHA-256, Message-ID, From
 * and Subject. The values are raw: each renderer makes them safe for its output (every one of
 * them comes from the message, which anyone can write).
 */
import type { Target } from '../src/report.js';

export type MessageSummary = NonNullable<Target['message']>;

/** Longest message field shown (a Subject may be 998 characters or, malformed, far more). */
export const MAX_MESSAGE_FIELD_CHARS = 200;
/** Hex digits of the SHA-256 shown; the JSON report keeps all 64. */
export const SHA256_SHORT_CHARS = 16;

export interface MessageSummaryRow {
  label: string;
  value: string;
  /** The value is the message's own text (show it as code/verbatim, truncated). */
  fromMessage: boolean;
}

/** "1,234,567" */
function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/** The rows shown for a message, in order; absent fields read "(none)". */
export function messageSummaryRows(m: MessageSummary): MessageSummaryRow[] {
  const size =
    m.bytes === m.wireBytes
      ? `${grouped(m.bytes)} bytes (the same on the wire)`
      : `${grouped(m.bytes)} bytes as given, ${grouped(m.wireBytes)} on the wire`;
  const field = (label: string, value: string | undefined): MessageSummaryRow =>
    value === undefined
      ? { label, value: '(none)', fromMessage: false }
      : { label, value, fromMessage: true };
  return [
    ...(m.fileName !== undefined ? [field('File', m.fileName)] : []),
    { label: 'Size', value: size, fromMessage: false },
    { label: 'SHA-256', value: m.sha256.slice(0, SHA256_SHORT_CHARS), fromMessage: false },
    field('Message-ID', m.messageId),
    field('From', m.from),
    field('Subject', m.subject),
  ];
}
