/**
 * A bounce message (one .eml, one maildir file, one mbox entry) to records. An RFC 3464 report
 * (multipart/report with a message/delivery-status part, or RFC 6533's global form) is read
 * field by field; any other bounce through its human-readable text (bounce-text.ts). The
 * sender is the returned original's From (text/rfc822-headers or message/rfc822), else the
 * envelope sender Postfix names (X-Postfix-Sender), else whom the bounce was sent to.
 */
import { parseAddressField } from '../../message/address.js';
import { parseDateTime } from '../../message/date-time.js';
import { decodeTransfer } from '../../message/decode.js';
import { parseHeaderBlock } from '../../message/header-block.js';
import { parseMessageBytes } from '../../message/parse.js';
import type { HeaderBlock, MimePart, ParsedMessage } from '../../message/types.js';
import type { BounceRecord, BounceSource } from '../types.js';
import { textBlocks } from './bounce-text.js';
import { dsnRecords, parseDeliveryStatus } from './dsn.js';
import { MAX_BOUNCE_TEXT_CHARS } from './limits.js';
import type { ReadContext } from './problems.js';
import { bounceRecord } from './record.js';
import { failureReplyTextIn, normalizeAddress } from './text.js';

/** Reports that are not about delivery, by their machine-readable part. */
const OTHER_REPORTS: ReadonlyMap<string, string> = new Map([
  ['message/feedback-report', 'a feedback report (ARF, RFC 5965): a complaint, not a bounce'],
  ['message/disposition-notification', 'a disposition notification (RFC 8098): a read receipt, not a bounce'],
  [
    'message/global-disposition-notification',
    'a disposition notification (RFC 6533): a read receipt, not a bounce',
  ],
]);
/** RFC 3464 2.3.3 action values that report a success. */
const SUCCESS_ACTIONS: ReadonlySet<string> = new Set(['delivered', 'relayed', 'expanded']);
const STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_TYPES = new Set([
  'text/rfc822-headers',
  'message/rfc822',
  'message/global',
  'message/global-headers',
]);
/** Senders and subjects of bounces, for a message whose text holds no recipient block. */
const BOUNCE_SENDER = /mailer-daemon|postmaster|mail delivery (?:system|subsystem)/i;
const BOUNCE_SUBJECT =
  /undeliver|undelivered|delivery (?:status )?notification|returned mail|delivery failure|failure notice|could not be delivered|not delivered|delivery has failed|mail delivery failed|delivery delayed|warning: message/i;
const DELAY_WORDS =
  /\(delay\)|delayed|delivery delay|not yet been delivered|have yet to be delivered|will (?:continue|keep) (?:to )?try|still trying|will retry|temporary (?:problem|failure)/i;
/** Text of an HTML-only notice, for the text reader (tags dropped, the common entities undone). */
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

export function messageRecords(bytes: Buffer, source: BounceSource, ctx: ReadContext): BounceRecord[] {
  const msg = parseMessageBytes(bytes);
  const raw = msg.raw();
  const body = (p: MimePart): Buffer =>
    raw
      ? decodeTransfer(raw.subarray(p.bodyOffset, p.bodyOffset + p.bodyBytes), p.transferEncoding)
      : Buffer.alloc(0);
  const header = (key: string): string | undefined => msg.header.fields.find((f) => f.key === key)?.decoded;
  const dateIso = (v: string): string | null => parseDateTime(v).iso ?? null;
  const messageTime = msg.fields.date?.iso ?? null;
  const original = msg.mime.parts.find((p) => ORIGINAL_TYPES.has(p.contentType));
  const originalSender = original ? senderOf(parseHeaderBlock(body(original))) : null;
  const bounceTo = msg.fields.to?.mailboxes[0]?.address ?? null;

  const statusPart = msg.mime.parts.find((p) => STATUS_TYPES.has(p.contentType));
  if (statusPart) {
    const status = parseDeliveryStatus(body(statusPart).toString('utf8'));
    if (status.omitted > 0)
      ctx.tally.problem('limit-reached', ctx.path, `${status.omitted} recipient blocks over the bound`);
    if (status.recipients.length > 0) {
      const records = dsnRecords(status, source, { sender: originalSender, time: messageTime }, dateIso);
      // RFC 3464 2.3.3: delivered, relayed and expanded report success (NOTIFY=SUCCESS): no bounce.
      const bounces = records.filter((r) => !SUCCESS_ACTIONS.has(r.action));
      if (bounces.length === 0) {
        ctx.tally.problem(
          'not-a-bounce',
          ctx.path,
          `a report of success (Action: ${[...new Set(records.map((r) => r.action))].join(', ')}), not a bounce`,
          source.line,
        );
      }
      return bounces.map((r) =>
        r.sender === null && bounceTo ? { ...r, sender: normalizeAddress(bounceTo) } : r,
      );
    }
    ctx.tally.problem(
      'malformed-report',
      ctx.path,
      'the delivery-status part names no recipient',
      source.line,
    );
  } else {
    const other = msg.mime.parts.find((p) => OTHER_REPORTS.has(p.contentType));
    if (other) {
      ctx.tally.problem('not-a-bounce', ctx.path, OTHER_REPORTS.get(other.contentType)!, source.line);
      return [];
    }
    if (msg.mime.parts[0]?.contentType === 'multipart/report') {
      ctx.tally.problem(
        'malformed-report',
        ctx.path,
        'multipart/report without a delivery-status part',
        source.line,
      );
    }
  }

  const text = readableText(msg, body);
  const from = header('from') ?? '';
  const subject = msg.fields.subject ?? '';
  const failedHeader = header('x-failed-recipients');
  const looksLikeBounce =
    BOUNCE_SENDER.test(from) ||
    BOUNCE_SUBJECT.test(subject) ||
    failedHeader !== undefined ||
    statusPart !== undefined;
  let blocks = textBlocks(text);
  if (blocks.length === 0) {
    if (!looksLikeBounce) {
      ctx.tally.problem(
        'not-a-bounce',
        ctx.path,
        /^auto-replied\b/i.test(header('auto-submitted')?.trim() ?? '')
          ? 'an automatic reply (Auto-Submitted: auto-replied, RFC 3834), not a bounce'
          : 'no report part, no recipient block, no bounce sender or subject',
        source.line,
      );
      return [];
    }
    const failed = (failedHeader ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    const reply = failureReplyTextIn(text.replace(/\s+/g, ' '));
    blocks = (failed.length > 0 ? failed : [null]).map((recipient) => ({
      recipient,
      text: reply ?? '',
      remoteMta: null,
    }));
  }
  const action = DELAY_WORDS.test(subject) || DELAY_WORDS.test(text.slice(0, 4096)) ? 'delayed' : 'failed';
  const sender = originalSender ?? inlineOriginalSender(text) ?? bounceTo;
  return blocks.map((b, i) => {
    const record = bounceRecord({ ...source, part: i }, 'bounce-text', {
      recipient: b.recipient,
      action,
      diagnostic: failureReplyTextIn(b.text) ?? b.text,
      remoteMta: b.remoteMta,
      time: messageTime,
      sender,
    });
    if (record.status === null && record.replyCode === null) {
      ctx.tally.problem(
        'no-status',
        ctx.path,
        'the bounce names neither a status nor a reply code',
        source.line,
      );
    }
    return record;
  });
}

function senderOf(header: HeaderBlock): string | null {
  const first = (key: string) => header.fields.find((f) => f.key === key)?.value;
  const from = first('from');
  const mailbox = from !== undefined ? parseAddressField(from, 'mailbox-list').mailboxes[0] : undefined;
  if (mailbox) return mailbox.address;
  const returnPath = first('return-path')?.trim().replace(/^<|>$/g, '');
  return returnPath || null;
}

/** A returned message quoted inline after the report (qmail, old Sendmail): its From. */
function inlineOriginalSender(text: string): string | null {
  const marker =
    /^-+ ?(?:Below this line is a copy of the message|This is a copy of the message|Original message)[^\n]*\n/im.exec(
      text,
    );
  if (!marker) return null;
  const rest = text.slice(marker.index + marker[0].length).replace(/^\s*\n/, '');
  return senderOf(parseHeaderBlock(Buffer.from(rest.slice(0, 64 * 1024), 'utf8')));
}

/** The notice people read: the first text/plain part, else the first text/html without tags, bounded. */
function readableText(msg: ParsedMessage, body: (p: MimePart) => Buffer): string {
  const leaves = msg.mime.parts.filter((p) => p.children.length === 0 && p.disposition !== 'attachment');
  const plain = leaves.find((p) => p.contentType === 'text/plain');
  const html = leaves.find((p) => p.contentType === 'text/html');
  const part = plain ?? html;
  if (!part) return '';
  const bytes = body(part).subarray(0, MAX_BOUNCE_TEXT_CHARS * 4);
  let text = decodeText(bytes, part.charset).slice(0, MAX_BOUNCE_TEXT_CHARS);
  if (part === html) {
    text = text
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<br\s*\/?>|<\/(?:p|div|tr|li|h\d)>/gi, '\n')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(#?\w+);/g, (m, e: string) => ENTITIES[e.toLowerCase()] ?? m);
  }
  return text;
}

function decodeText(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
