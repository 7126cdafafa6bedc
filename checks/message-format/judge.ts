/** Pure judgement of the message against RFC 5322 3.6, 2.3, RFC 6532 and the MIME structure rules. */
import type { FindingResult } from '../../src/check.js';
import type { MimeProblemKind } from '../../src/message/types.js';
import type { MessageFormatEvidence } from './collect.js';
import type { MessageFormatFindingKey } from './findings.js';

type Result = FindingResult<MessageFormatFindingKey>;

/** Display names of the single-instance fields whose duplicates have no finding of their own. */
const DUPLICATE_NAMES: Record<string, string> = {
  date: 'Date',
  sender: 'Sender',
  'reply-to': 'Reply-To',
  to: 'To',
  cc: 'Cc',
  bcc: 'Bcc',
  'in-reply-to': 'In-Reply-To',
  references: 'References',
};

const MIME_KEY: Record<MimeProblemKind, MessageFormatFindingKey> = {
  'multipart-without-boundary': 'multipart-without-boundary',
  'unterminated-multipart': 'unterminated-multipart',
  'unknown-transfer-encoding': 'bad-transfer-encoding',
  'encoded-multipart': 'bad-transfer-encoding',
  'invalid-base64': 'invalid-base64',
  'boundary-invalid': 'boundary-invalid',
  'no-parts': 'empty-multipart',
  'nesting-too-deep': 'mime-too-complex',
  'too-many-parts': 'mime-too-complex',
  'header-too-large': 'mime-too-complex',
};

export function judgeMessageFormat(ev: MessageFormatEvidence): Result[] {
  return [...judgeFields(ev), ...judgeBytes(ev), ...judgeMime(ev)];
}

/** RFC 5322 3.6: which fields, how many, and whether each parses. */
function judgeFields(ev: MessageFormatEvidence): Result[] {
  const out: Result[] = [];
  const c = ev.counts;
  if (c.from === 0) out.push({ key: 'from-missing', evidence: { counts: c } });
  if (c.from > 1) out.push({ key: 'from-duplicate', data: { count: c.from }, evidence: { from: c.from } });
  if (ev.from && !ev.from.valid) {
    out.push({
      key: 'from-invalid',
      data: { value: ev.from.value, error: ev.from.error ?? 'invalid' },
      evidence: { from: ev.from },
    });
  }
  if (ev.from?.valid && ev.from.mailboxCount > 1 && c.sender === 0) {
    out.push({ key: 'sender-missing', data: { count: ev.from.mailboxCount }, evidence: { from: ev.from } });
  }
  for (const a of ev.addresses) {
    if (a.valid) continue;
    out.push({
      key: 'address-invalid',
      data: { field: a.field, value: a.value, error: a.error ?? 'invalid' },
      evidence: { address: a },
    });
  }
  if (c.date === 0) out.push({ key: 'date-missing', evidence: { counts: c } });
  if (ev.date && !ev.date.valid) {
    out.push({
      key: 'date-invalid',
      data: { value: ev.date.value, error: ev.date.error ?? 'invalid' },
      evidence: { date: ev.date },
    });
  }
  if (c['message-id'] === 0) out.push({ key: 'message-id-missing', evidence: { counts: c } });
  if (ev.messageId && !ev.messageId.valid) {
    out.push({
      key: 'message-id-invalid',
      data: { value: ev.messageId.value, error: ev.messageId.error ?? 'invalid' },
      evidence: { messageId: ev.messageId },
    });
  }
  if (c['message-id'] > 1) {
    out.push({
      key: 'message-id-duplicate',
      data: { count: c['message-id'] },
      evidence: { messageId: c['message-id'] },
    });
  }
  if (c.subject > 1)
    out.push({ key: 'subject-duplicate', data: { count: c.subject }, evidence: { subject: c.subject } });
  for (const [key, field] of Object.entries(DUPLICATE_NAMES)) {
    const count = c[key as keyof typeof c];
    if (count > 1) out.push({ key: 'duplicate-field', data: { field, count }, evidence: { field, count } });
  }
  const obsolete = [
    ev.from?.obsolete ? 'From' : undefined,
    ...ev.addresses.filter((a) => a.valid && a.obsolete).map((a) => a.field),
    ev.date?.valid && ev.date.obsolete ? 'Date' : undefined,
    ev.messageId?.valid && ev.messageId.obsolete ? 'Message-ID' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (obsolete.length > 0) {
    out.push({
      key: 'obsolete-syntax',
      data: { fields: obsolete.join(', ') },
      evidence: { fields: obsolete },
    });
  }
  return out;
}

/** RFC 5322 2.2, 2.3, 2.1.1 and RFC 6532: bytes that may not appear where they do. */
function judgeBytes(ev: MessageFormatEvidence): Result[] {
  const out: Result[] = [];
  if (ev.eightBitCount > 0 && !ev.smtputf8) {
    out.push({
      key: 'raw-8bit-header',
      data: { count: ev.eightBitCount, fields: ev.eightBitFields.map((f) => f.name).join(', ') },
      evidence: { eightBitFields: ev.eightBitFields, count: ev.eightBitCount, smtputf8: ev.smtputf8 },
    });
  }
  if (ev.nulBytes > 0) {
    out.push({
      key: 'nul-bytes',
      data: { count: ev.nulBytes, line: ev.nulExamples[0]?.line ?? 0 },
      evidence: { nulBytes: ev.nulBytes, examples: ev.nulExamples },
    });
  }
  if (ev.bareCr > 0) {
    out.push({
      key: 'bare-cr',
      data: { count: ev.bareCr, line: ev.bareCrExamples[0]?.line ?? 0 },
      evidence: { bareCr: ev.bareCr, examples: ev.bareCrExamples },
    });
  }
  if (ev.bareLf > 0) {
    out.push({
      key: 'bare-lf',
      data: { count: ev.bareLf },
      evidence: { bareLf: ev.bareLf, lineEnding: ev.lineEnding },
    });
  }
  const bad = ev.malformedHeaderLines[0];
  if (bad) {
    out.push({
      key: 'malformed-header-line',
      data: { count: ev.malformedCount, reason: bad.reason, line: bad.line, text: bad.text },
      evidence: { count: ev.malformedCount, examples: ev.malformedHeaderLines },
    });
  }
  const long = ev.bodyLongLineExamples[0];
  if (long) {
    out.push({
      key: 'body-line-too-long',
      data: { count: ev.bodyLinesOver998, line: long.line, length: long.length ?? 0 },
      evidence: { count: ev.bodyLinesOver998, examples: ev.bodyLongLineExamples },
    });
  }
  return out;
}

/** RFC 2045/2046 structure problems the walker found, one finding each. */
function judgeMime(ev: MessageFormatEvidence): Result[] {
  return ev.mimeProblems.map((p) => ({
    key: MIME_KEY[p.kind],
    data: { part: p.part === '' ? 'message' : p.part, detail: p.detail },
    evidence: { problem: p },
  }));
}
