/**
 * ESP event exports to records: Amazon SES bounce and delivery-delay notifications (also inside
 * an SNS envelope, whose Message is a JSON string), the SendGrid event webhook, and Mailgun
 * events (an event, a webhook's "event-data", or an events API page's "items").
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
]);

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
  const event = str(value.event);
  if (event === null) return null;
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
      diagnostic: untyped(str(r.diagnosticCode)),
      // remoteMtaIp is the receiver's address; reportingMTA is SES itself
      remoteMta: str(detail.remoteMtaIp),
      time,
      sender: str(mail.source),
    }),
  );
}

function sendgridRecord(event: string, e: Obj, source: BounceSource): BounceRecord {
  return bounceRecord(source, 'sendgrid', {
    recipient: str(e.email),
    action: event === 'deferred' ? 'delayed' : 'failed',
    status: str(e.status),
    // deferred events carry the reply in "response", the others in "reason"
    diagnostic: str(e.reason) ?? str(e.response),
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
