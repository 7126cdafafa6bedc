/**
 * ESP event exports to records: Amazon SES bounce and delivery-delay notifications (also inside
 * an SNS envelope, whose Message is a JSON string), the SendGrid event webhook, Mailgun events
 * (an event, a webhook's "event-data", or an events API page's "items"), Postmark bounces (a
 * webhook, or a bounces API page's "Bounces"), SparkPost message events (a webhook batch's
 * "msys", or an events API page's "results"), Mailjet, Mandrill (Mailchimp Transactional) and
 * Brevo (Sendinblue) webhook events. Each is read as its provider documents it.
 */
import type { BounceRecord, BounceSource } from '../types.js';
import { bounceRecord, dsnAction } from './record.js';
import { isoFromEpoch, isoFromText, untyped } from './text.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d{3}$/.test(v.trim()) ? Number(v) : null;

/** SendGrid events that are a message not delivered (delivered, open, click... are not bounces). */
const SENDGRID_BOUNCES = new Set(['bounce', 'deferred', 'dropped', 'blocked']);
/** Events (Mailgun, SendGrid) whose JSON we know but that are no bounce: read, not a problem. */
const OTHER_EVENTS = new Set([
  'delivered',
  'processed',
  'open',
  'opened',
  'click',
  'clicked',
  'spamreport',
  'complained',
  'unsubscribe',
  'unsubscribed',
  'group_unsubscribe',
  'group_resubscribe',
  'accepted',
  'stored',
  'rejected',
  // Mandrill, Mailjet, Brevo, SparkPost (its "type")
  'send',
  'sent',
  'spam',
  'unsub',
  'request',
  'unique_opened',
  'proxy_open',
  'injection',
  'delivery',
  'spam_complaint',
  'list_unsubscribe',
  'link_unsubscribe',
  'initial_open',
  'amp_open',
  'amp_click',
  'amp_initial_open',
  'relay_injection',
  'relay_delivery',
]);
/** Mandrill events that are a message not delivered (reject: Mandrill refused to send it). */
const MANDRILL_BOUNCES = new Set(['hard_bounce', 'soft_bounce', 'reject', 'deferral']);
/** Brevo (Sendinblue) events that are a message not delivered. */
const BREVO_BOUNCES = new Set([
  'hard_bounce',
  'soft_bounce',
  'blocked',
  'invalid_email',
  'deferred',
  'error',
]);
/** SparkPost message events that are a message not delivered (its "type"). */
const SPARKPOST_BOUNCES = new Set([
  'bounce',
  'delay',
  'out_of_band',
  'policy_rejection',
  'generation_failure',
  'generation_rejection',
]);
/**
 * Postmark bounce types that are no failed delivery: replies, list actions, complaints, its own
 * bookkeeping. The others (HardBounce, SoftBounce, Transient, DnsError, Blocked, ...) are.
 */
const POSTMARK_NOT_BOUNCES = new Set([
  'Unsubscribe',
  'Subscribe',
  'AutoResponder',
  'AddressChange',
  'SpamNotification',
  'OpenRelayTest',
  'ChallengeVerification',
  'SpamComplaint',
  'ManuallyDeactivated',
  'Unconfirmed',
  'InboundError',
  'TemplateRenderingFailed',
]);
/** Postmark types that say the delivery may still happen. */
const POSTMARK_TRANSIENT = new Set(['Transient', 'SoftBounce', 'DnsError']);

/**
 * The records of one JSON object, [] for a known event that is no bounce, null for an object that
 * is no event we know.
 */
export function espRecords(value: unknown, source: BounceSource): BounceRecord[] | null {
  if (!isObj(value)) return null;
  // SNS envelope (SES notifications delivered over SNS): the notification is a JSON string.
  if (value.Type === 'Notification' && typeof value.Message === 'string') {
    try {
      return espRecords(JSON.parse(value.Message), source);
    } catch {
      return null;
    }
  }
  const ses = str(value.notificationType) ?? str(value.eventType);
  if (ses !== null && isObj(value.mail)) return sesRecords(ses, value, source);
  if (isObj(value['event-data'])) return espRecords(value['event-data'], source);
  if (Array.isArray(value.items)) {
    return value.items.flatMap((item, i) => espRecords(item, { ...source, part: i }) ?? []);
  }
  // Postmark: a bounce (webhook or API), or a bounces API page.
  if (Array.isArray(value.Bounces)) {
    return value.Bounces.flatMap((item, i) => espRecords(item, { ...source, part: i }) ?? []);
  }
  if (typeof value.Email === 'string' && typeof value.Type === 'string' && 'BouncedAt' in value) {
    return POSTMARK_NOT_BOUNCES.has(value.Type) ? [] : [postmarkRecord(value, source)];
  }
  // SparkPost: a webhook batch element ({"msys": {"message_event": {...}}}), an events API page.
  if (isObj(value.msys)) {
    const inner = Object.values(value.msys).find(isObj);
    return inner ? (espRecords(inner, source) ?? []) : [];
  }
  if (Array.isArray(value.results)) {
    return value.results.flatMap((item, i) => espRecords(item, { ...source, part: i }) ?? []);
  }
  const type = str(value.type);
  if (type !== null && typeof value.rcpt_to === 'string' && 'message_id' in value) {
    return SPARKPOST_BOUNCES.has(type) ? [sparkpostRecord(type, value, source)] : [];
  }
  const event = str(value.event);
  if (event === null) return null;
  if (MANDRILL_BOUNCES.has(event) && isObj(value.msg)) return [mandrillRecord(event, value, source)];
  if (
    (event === 'bounce' || event === 'blocked') &&
    typeof value.email === 'string' &&
    'error_related_to' in value
  )
    return [mailjetRecord(event, value, source)];
  if (typeof value.email === 'string' && ('ts_event' in value || 'ts_epoch' in value)) {
    return BREVO_BOUNCES.has(event) ? [brevoRecord(event, value, source)] : [];
  }
  if ((event === 'failed' || event === 'temporary-fail') && typeof value.recipient === 'string') {
    return [mailgunRecord(event, value, source)];
  }
  if (SENDGRID_BOUNCES.has(event) && typeof value.email === 'string')
    return [sendgridRecord(event, value, source)];
  return OTHER_EVENTS.has(event) ? [] : null;
}

/**
 * SES: a Bounce lists bouncedRecipients (a bounce notification is SES giving up on them, whatever
 * the bounceType), a DeliveryDelay lists delayedRecipients; each has status and diagnosticCode.
 */
function sesRecords(type: string, n: Obj, source: BounceSource): BounceRecord[] {
  const mail = n.mail as Obj;
  const detail = type === 'Bounce' ? n.bounce : type === 'DeliveryDelay' ? n.deliveryDelay : undefined;
  if (!isObj(detail)) return [];
  const list = type === 'Bounce' ? detail.bouncedRecipients : detail.delayedRecipients;
  const time = isoFromText(detail.timestamp) ?? isoFromText(mail.timestamp);
  const recipients = Array.isArray(list) ? list.filter(isObj) : [];
  return recipients.map((r, i) =>
    bounceRecord({ ...source, part: i }, 'ses', {
      recipient: str(r.emailAddress),
      action:
        type === 'DeliveryDelay' ? 'delayed' : r.action === undefined ? 'failed' : dsnAction(str(r.action)),
      status: str(r.status),
      // Without the receiver's reply (SES's own suppression list, for one), its subtype says why.
      diagnostic:
        untyped(str(r.diagnosticCode)) ?? wordsFor(SES_SUBTYPES, 'SES bounce subtype', detail.bounceSubType),
      // remoteMtaIp is the receiver's address; reportingMTA is SES itself
      remoteMta: str(detail.remoteMtaIp),
      time,
      sender: str(mail.source),
    }),
  );
}

/** SES bounce subtypes in words the text rules read (SES developer guide, notification contents). */
const SES_SUBTYPES: Readonly<Record<string, string>> = {
  NoEmail: 'no such address (SES NoEmail: the recipient address does not exist)',
  Suppressed:
    'address unknown (SES Suppressed: SES suppresses it after a recent history of bouncing as an invalid address)',
  MailboxFull: 'mailbox full (SES MailboxFull)',
  MessageTooLarge: 'message too large (SES MessageTooLarge)',
  ContentRejected: 'content rejected (SES ContentRejected)',
  AttachmentRejected: 'attachment rejected (SES AttachmentRejected)',
};

/** An ESP's own label for a bounce in words the text rules read, or "<what> <label>" when unknown. */
function wordsFor(table: Readonly<Record<string, string>>, what: string, value: unknown): string | null {
  const label = str(value);
  if (label === null) return null;
  return table[label] ?? `${what} ${label}`;
}

/** SendGrid's bounce classifications in words the text rules read (SendGrid's bounce classification docs). */
const SENDGRID_CLASSES: Readonly<Record<string, string>> = {
  'Invalid Address': 'invalid recipient address (SendGrid: Invalid Address)',
  'Mailbox Unavailable': 'mailbox unavailable (SendGrid: Mailbox Unavailable)',
  Reputation: 'rejected for the sender reputation (SendGrid: Reputation)',
  Content: 'content rejected (SendGrid: Content)',
  'Frequency or Volume Too High': 'too many messages (SendGrid: Frequency or Volume Too High)',
};

function sendgridRecord(event: string, e: Obj, source: BounceSource): BounceRecord {
  return bounceRecord(source, 'sendgrid', {
    recipient: str(e.email),
    action: event === 'deferred' ? 'delayed' : 'failed',
    status: str(e.status),
    // deferred events carry the reply in "response", the others in "reason"; without either,
    // SendGrid's own bounce_classification ("Invalid Address", "Mailbox Unavailable", ...)
    diagnostic:
      str(e.reason) ??
      str(e.response) ??
      wordsFor(SENDGRID_CLASSES, 'SendGrid bounce classification', e.bounce_classification),
    time: isoFromEpoch(e.timestamp),
    sender: null,
  });
}

function mailgunRecord(event: string, e: Obj, source: BounceSource): BounceRecord {
  const status = isObj(e['delivery-status']) ? e['delivery-status'] : {};
  const envelope = isObj(e.envelope) ? e.envelope : {};
  const temporary = event === 'temporary-fail' || e.severity === 'temporary';
  const message = str(status.message) || str(status.description);
  const code = num(status.code);
  return bounceRecord(source, 'mailgun', {
    recipient: str(e.recipient),
    action: temporary ? 'delayed' : 'failed',
    status: str(status['enhanced-code']),
    replyCode: code,
    diagnostic:
      code !== null && message && !message.startsWith(String(code)) ? `${code} ${message}` : message,
    remoteMta: str(status['mx-host']),
    time: isoFromEpoch(e.timestamp),
    sender: str(envelope.sender),
  });
}

/** Postmark: Details holds the receiver's reply when there was one ("smtp;550 5.1.1 ..."). */
function postmarkRecord(b: Obj, source: BounceSource): BounceRecord {
  const details = untyped(str(b.Details));
  const diagnostic = details && details.trim() !== '' ? details : str(b.Description);
  return bounceRecord(source, 'postmark', {
    recipient: str(b.Email),
    action: POSTMARK_TRANSIENT.has(b.Type as string) ? 'delayed' : 'failed',
    diagnostic,
    time: isoFromText(b.BouncedAt),
    sender: str(b.From),
  });
}

/** SparkPost: raw_reason is the receiver's reply; reason may be redacted. */
function sparkpostRecord(type: string, e: Obj, source: BounceSource): BounceRecord {
  const code = num(e.error_code);
  return bounceRecord(source, 'sparkpost', {
    recipient: str(e.raw_rcpt_to) ?? str(e.rcpt_to),
    action: type === 'delay' ? 'delayed' : 'failed',
    replyCode: code,
    diagnostic: str(e.raw_reason) ?? str(e.reason),
    // The webhook gives epoch seconds as a string, the events API an ISO time.
    time:
      typeof e.timestamp === 'string' && /^\d+$/.test(e.timestamp)
        ? isoFromEpoch(e.timestamp)
        : isoFromText(e.timestamp),
    sender: str(e.friendly_from),
  });
}

/** Mailjet: "error" is Mailjet's own word for the cause ("user unknown"); soft bounces retry. */
function mailjetRecord(event: string, e: Obj, source: BounceSource): BounceRecord {
  const error = str(e.error);
  const related = str(e.error_related_to);
  return bounceRecord(source, 'mailjet', {
    recipient: str(e.email),
    action: event === 'bounce' && e.hard_bounce === false ? 'delayed' : 'failed',
    diagnostic: error ? (related ? `${error} (${related})` : error) : str(e.comment),
    time: isoFromEpoch(e.time),
    sender: null,
  });
}

/** Mandrill: the receiver's reply is msg.diag ("smtp;550 5.1.1 ..."), else its bounce_description. */
function mandrillRecord(event: string, e: Obj, source: BounceSource): BounceRecord {
  const msg = e.msg as Obj;
  return bounceRecord(source, 'mandrill', {
    recipient: str(msg.email),
    action: event === 'soft_bounce' || event === 'deferral' ? 'delayed' : 'failed',
    diagnostic:
      untyped(str(msg.diag)) ||
      str(msg.bounce_description) ||
      (event === 'reject' ? 'rejected by Mandrill' : null),
    time: isoFromEpoch(e.ts ?? msg.ts),
    sender: str(msg.sender),
  });
}

/** Brevo: "reason" holds the receiver's reply or Brevo's own words. */
function brevoRecord(event: string, e: Obj, source: BounceSource): BounceRecord {
  return bounceRecord(source, 'brevo', {
    recipient: str(e.email),
    action: event === 'soft_bounce' || event === 'deferred' ? 'delayed' : 'failed',
    diagnostic: str(e.reason) ?? event.replace(/_/g, ' '),
    // ts_event and ts are seconds, ts_epoch milliseconds.
    time: isoFromEpoch(e.ts_event ?? e.ts) ?? isoFromEpoch(e.ts_epoch, 'ms') ?? isoFromText(e.date),
    sender: null,
  });
}
