/** Evidence of the message-headers check, read from the parsed message (no I/O). */

import type { HeaderField, ParsedMessage } from '../../src/message/types.js';
import { MAX_EXAMPLES, RFC5322_MAX_LINE, RFC5322_RECOMMENDED_LINE } from '../../src/message/types.js';
import { KB } from '../shared/message.js';

/** Field names listed by count in the evidence. */
export const MAX_NAMES_LISTED = 10;
/** Characters of a field name shown (a 1 KB name is cut). */
export const NAME_SHOWN_CHARS = 60;

/**
 * Gmail header limits (Google Workspace answer 14016360, "Gmail message header limits";
 * also applied to incoming mail): over any of them, 552 5.3.4 naming the limit.
 */
export const GMAIL_HEADER_LIMITS = {
  totalBytes: 500 * KB,
  fields: 5_000,
  valueBytes: 32 * KB,
  messageIdChars: 500,
  subjectChars: 998,
  nameBytes: 1 * KB,
} as const;

/** Fields the 32 KB value limit does not apply to (they still count toward the total). */
export const VALUE_LIMIT_EXEMPT = new Set(['to', 'cc', 'references']);

export interface FieldSize {
  name: string;
  line: number;
  bytes: number;
}

export interface LongLines {
  count: number;
  longest: number;
  examples: { name: string; line: number; length: number }[];
}

export interface MessageHeadersEvidence {
  headerBytes: number;
  headerWireBytes: number;
  fieldCount: number;
  /** Most frequent field names, with counts. */
  topNames: { name: string; count: number }[];
  largestValue?: FieldSize;
  /** Values over the 32 KB limit, exempt fields left out. */
  valuesOverLimit: FieldSize[];
  messageIdChars?: number;
  subjectChars?: number;
  longestName?: FieldSize;
  linesOver998: LongLines;
  linesOver78: LongLines;
  /** The header exceeded the parse bound: counts beyond it are partial. */
  truncated: boolean;
  limits: typeof GMAIL_HEADER_LIMITS;
}

const shown = (name: string) =>
  name.length > NAME_SHOWN_CHARS ? `${name.slice(0, NAME_SHOWN_CHARS)}...` : name;
const size = (f: HeaderField, bytes: number): FieldSize => ({ name: shown(f.name), line: f.line, bytes });

function longLines(fields: HeaderField[], over: number): LongLines {
  const long = fields.filter((f) => f.longestLine > over);
  const sorted = [...long].sort((a, b) => b.longestLine - a.longestLine);
  return {
    count: long.length,
    longest: sorted[0]?.longestLine ?? 0,
    examples: sorted
      .slice(0, MAX_EXAMPLES)
      .map((f) => ({ name: shown(f.name), line: f.line, length: f.longestLine })),
  };
}

export function messageHeadersEvidence(message: ParsedMessage): MessageHeadersEvidence {
  const { header, wire } = message;
  let largest: HeaderField | undefined;
  let longestName: HeaderField | undefined;
  const over: FieldSize[] = [];
  for (const f of header.fields) {
    if (!largest || f.valueBytes > largest.valueBytes) largest = f;
    if (!longestName || f.name.length > longestName.name.length) longestName = f;
    if (f.valueBytes > GMAIL_HEADER_LIMITS.valueBytes && !VALUE_LIMIT_EXEMPT.has(f.key)) {
      if (over.length < MAX_EXAMPLES) over.push(size(f, f.valueBytes));
    }
  }
  const topNames = Object.entries(header.counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_NAMES_LISTED)
    .map(([name, count]) => ({ name: shown(name), count }));
  const first = (key: string) => header.fields.find((f) => f.key === key);
  const messageId = first('message-id');
  const subject = first('subject');
  return {
    headerBytes: wire.headerBytes,
    headerWireBytes: wire.headerWireBytes,
    fieldCount: header.fieldCount,
    topNames,
    ...(largest ? { largestValue: size(largest, largest.valueBytes) } : {}),
    valuesOverLimit: over,
    ...(messageId ? { messageIdChars: messageId.value.length } : {}),
    ...(subject ? { subjectChars: subject.value.length } : {}),
    ...(longestName ? { longestName: size(longestName, Buffer.byteLength(longestName.name, 'latin1')) } : {}),
    linesOver998: longLines(header.fields, RFC5322_MAX_LINE),
    linesOver78: longLines(header.fields, RFC5322_RECOMMENDED_LINE),
    truncated: header.truncated,
    limits: GMAIL_HEADER_LIMITS,
  };
}
