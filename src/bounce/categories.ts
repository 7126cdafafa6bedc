/**
 * What each bounce category means for the sender: what to do with the recipient address and,
 * when no provider table or rule says better, what to change. The classifier (classify.ts)
 * decides the category; this table decides the consequence, so one rule holds per category.
 */
import type { AddressAction, BounceCategory } from './types.js';

export interface CategorySpec {
  /** One line for the README table. */
  meaning: string;
  /** Address action when the bounce is permanent (5.x.x) and when it is transient (4.x.x). */
  action: { permanent: AddressAction; transient: AddressAction };
  /** Default fix, used when neither a reply-table condition nor a rule names one. */
  fix: string;
}

/** The address is fine whatever the class: the message or the setup is what to fix. */
const KEEP = { permanent: 'keep', transient: 'keep' } as const;
/** The address is gone when the failure is permanent; a transient form is tried again. */
const GONE = { permanent: 'suppress', transient: 'retry' } as const;
/** The cause is on the way, not in the address: try again (later, or in the next campaign). */
const AGAIN = { permanent: 'retry', transient: 'retry' } as const;

/** Every category, in the order the README lists them. */
export const CATEGORY_SPECS: Readonly<Record<BounceCategory, CategorySpec>> = {
  'recipient-unknown': {
    meaning: 'The mailbox does not exist (unknown user, bad address).',
    action: GONE,
    fix: 'Remove the address from your list; confirm addresses at sign-up (double opt-in).',
  },
  'recipient-domain': {
    meaning: 'The recipient domain does not exist, has no MX or publishes a null MX (RFC 7505).',
    action: GONE,
    fix: 'Remove the address; check the domain for typos (gmial.com) at sign-up.',
  },
  'mailbox-full': {
    meaning: 'The mailbox is over quota but the account exists.',
    action: AGAIN,
    fix: 'Send again later; a mailbox that stays full over weeks is abandoned (see the address-action rules).',
  },
  'mailbox-inactive': {
    meaning: 'The account is disabled, suspended or inactive (Gmail: 552 5.2.2 out of storage and inactive).',
    action: GONE,
    fix: 'Remove the address from your list.',
  },
  'message-too-big': {
    meaning: "The message exceeds the receiver's size or header limits: the payload, not the address.",
    action: KEEP,
    fix: 'Send a smaller message: link large files instead of attaching them (base64 adds a third).',
  },
  'message-blocked-content': {
    meaning: 'An attachment type or content is refused as a security risk (executables, macros, viruses).',
    action: KEEP,
    fix: 'Remove the blocked file (also from archives) or share it via a link.',
  },
  'message-format': {
    meaning: 'The message breaks RFC 5322 (From or Message-ID missing, invalid or repeated).',
    action: KEEP,
    fix: 'Emit exactly one valid From, Message-ID and Subject per message.',
  },
  'spam-content': {
    meaning: 'The receiver judged the message unsolicited or spam by its content.',
    action: KEEP,
    fix: 'Review the content and links of the message, and send only to people who asked for it.',
  },
  authentication: {
    meaning: 'SPF, DKIM or DMARC failed, the From is not aligned, or the message is unauthenticated.',
    action: KEEP,
    fix: 'Make SPF and DKIM pass for the sending domain and publish DMARC aligned with them.',
  },
  ptr: {
    meaning: 'The sending IP has no reverse DNS (PTR) or it does not resolve back.',
    action: KEEP,
    fix: 'Publish a PTR for each sending IP naming a host that resolves back to it.',
  },
  tls: {
    meaning: 'The receiver requires TLS and the message was not sent over it.',
    action: KEEP,
    fix: 'Enable STARTTLS on the sending MTA with a valid certificate.',
  },
  reputation: {
    meaning:
      'The IP or domain reputation is low, or the rate of unsolicited mail or complaints is unusual (4.7.28, TSS04).',
    action: KEEP,
    fix: 'Pause, lower the rate, check complaints (keep the spam rate under 0.3%) and warm up again gradually.',
  },
  blocklisted: {
    meaning: 'The sending IP or domain is on a blocklist (Spamhaus, Microsoft S3140, banned sending IP).',
    action: KEEP,
    fix: 'Find the listing (the text names it), fix the cause and request delisting from the list operator.',
  },
  'rate-limited': {
    meaning: 'Too many messages or connections: the receiver asks to slow down.',
    action: AGAIN,
    fix: 'Lower the sending rate and concurrency to this receiver; the retries go through later.',
  },
  policy: {
    meaning: "The receiver's local policy refused the message (relay denied, sender refused, generic 5.7.1).",
    action: KEEP,
    fix: 'Read the text after the code; check the sender address and the policy it names.',
  },
  protocol: {
    meaning: 'The sending MTA broke the SMTP protocol (bad command, syntax, pipelining).',
    action: { permanent: 'keep', transient: 'retry' },
    fix: 'Fix the sending MTA or library; the address is not at fault.',
  },
  network: {
    meaning: 'The connection to the receiver failed (refused, timed out, host not found).',
    action: AGAIN,
    fix: 'Check the route to the receiver; the MTA retries on its own.',
  },
  'system-transient': {
    meaning: 'A temporary problem at the receiver (busy, try again later, greylisting).',
    action: AGAIN,
    fix: 'Nothing to change: retry later with backoff.',
  },
  expired: {
    meaning: 'The sending MTA gave up: the message stayed in the queue past its lifetime.',
    action: AGAIN,
    fix: 'Look at the deferrals before it (the real cause); send again later if the address is still wanted.',
  },
  unknown: {
    meaning: 'No status, code or text that a rule recognizes.',
    action: { permanent: 'keep', transient: 'retry' },
    fix: 'Read the diagnostic text; a permanent failure nobody explains should not suppress the address.',
  },
};

/** Categories in README order. */
export const BOUNCE_CATEGORIES = Object.keys(CATEGORY_SPECS) as BounceCategory[];
