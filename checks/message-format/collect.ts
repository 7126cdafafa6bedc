/** Evidence of the message-format check, read from the parsed message (no I/O). */
import type {
  AddressField,
  DateField,
  LineRef,
  MalformedHeaderLine,
  MimeProblem,
  MsgIdField,
  ParsedMessage,
} from '../../src/message/types.js';
import { MAX_EXAMPLES } from '../../src/message/types.js';

/** RFC 5322 3.6: fields that may appear at most once (Date and From exactly once). */
export const SINGLE_INSTANCE_FIELDS = [
  'date',
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'message-id',
  'in-reply-to',
  'references',
  'subject',
] as const;

/** Characters of a field value quoted in the evidence and the finding text. */
export const VALUE_SHOWN_CHARS = 200;
/** Mailboxes of a field listed in the evidence. */
export const MAILBOXES_SHOWN = 10;
/** MIME problems listed in the evidence. */
export const MAX_MIME_PROBLEMS_SHOWN = 20;

export interface AddressSummary {
  value: string;
  valid: boolean;
  obsolete: boolean;
  error?: string;
  mailboxes: string[];
  mailboxCount: number;
  groups: number;
}

export interface MessageFormatEvidence {
  /** Occurrences of each single-instance field (0 when absent). */
  counts: Record<(typeof SINGLE_INSTANCE_FIELDS)[number], number>;
  from?: AddressSummary;
  /** Sender, Reply-To, To, Cc, Bcc, when present. */
  addresses: (AddressSummary & { field: string })[];
  date?: DateField & { value: string };
  messageId?: MsgIdField & { value: string };
  smtputf8: boolean;
  eightBitFields: { name: string; line: number }[];
  eightBitCount: number;
  nulBytes: number;
  nulExamples: LineRef[];
  bareCr: number;
  bareCrExamples: LineRef[];
  bareLf: number;
  lineEnding: ParsedMessage['wire']['lineEnding'];
  malformedHeaderLines: MalformedHeaderLine[];
  malformedCount: number;
  mimeProblems: MimeProblem[];
  mimeProblemCount: number;
  bodyLinesOver998: number;
  bodyLongLineExamples: LineRef[];
}

const cut = (value: string) =>
  value.length > VALUE_SHOWN_CHARS ? `${value.slice(0, VALUE_SHOWN_CHARS)}...` : value;

function summary(value: string, field: AddressField): AddressSummary {
  return {
    value: cut(value),
    valid: field.valid,
    obsolete: field.obsolete,
    ...(field.error !== undefined ? { error: field.error } : {}),
    mailboxes: field.mailboxes.slice(0, MAILBOXES_SHOWN).map((m) => m.address),
    mailboxCount: field.mailboxCount,
    groups: field.groups,
  };
}

export function messageFormatEvidence(message: ParsedMessage): MessageFormatEvidence {
  const { header, fields, wire } = message;
  const counts = Object.fromEntries(SINGLE_INSTANCE_FIELDS.map((k) => [k, header.counts[k] ?? 0])) as Record<
    (typeof SINGLE_INSTANCE_FIELDS)[number],
    number
  >;
  const raw = (key: string) => header.fields.find((f) => f.key === key)?.value ?? '';
  const addresses: MessageFormatEvidence['addresses'] = [];
  const others = [
    ['Sender', 'sender', fields.sender],
    ['Reply-To', 'reply-to', fields.replyTo],
    ['To', 'to', fields.to],
    ['Cc', 'cc', fields.cc],
    ['Bcc', 'bcc', fields.bcc],
  ] as const;
  for (const [name, key, parsed] of others) {
    if (parsed) addresses.push({ field: name, ...summary(raw(key), parsed) });
  }
  const eightBit = header.fields.filter((f) => f.eightBit);
  return {
    counts,
    ...(fields.from ? { from: summary(raw('from'), fields.from) } : {}),
    addresses,
    ...(fields.date ? { date: { ...fields.date, value: cut(raw('date')) } } : {}),
    ...(fields.messageId ? { messageId: { ...fields.messageId, value: cut(raw('message-id')) } } : {}),
    smtputf8: message.smtputf8,
    eightBitFields: eightBit.slice(0, MAX_EXAMPLES).map((f) => ({ name: f.name, line: f.line })),
    eightBitCount: eightBit.length,
    nulBytes: wire.nulBytes,
    nulExamples: wire.nulExamples,
    bareCr: wire.bareCr,
    bareCrExamples: wire.bareCrExamples,
    bareLf: wire.bareLf,
    lineEnding: wire.lineEnding,
    malformedHeaderLines: header.malformed,
    malformedCount: header.malformedCount,
    mimeProblems: message.mime.problems.slice(0, MAX_MIME_PROBLEMS_SHOWN),
    mimeProblemCount: message.mime.problems.length,
    bodyLinesOver998: wire.bodyLinesOver998,
    bodyLongLineExamples: wire.bodyLongLineExamples,
  };
}
