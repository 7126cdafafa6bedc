/**
 * Microsoft consumer mail (Outlook.com, Hotmail, Live) and Exchange Online replies.
 * Since 5 May 2025, domains sending over 5,000 messages a day to Microsoft consumer
 * mailboxes must pass SPF, DKIM and DMARC (p=none or stronger, aligned with SPF or DKIM);
 * failing mail draws one reply, 550 5.7.515, whatever the missing piece.
 */
import type { Condition } from '../check.js';
import type { KnownCode, ReplyRow } from './types.js';
import { TABLES_CHECKED } from './types.js';

const BULK_RULES =
  'Microsoft Defender for Office 365 blog: Outlook.com high-volume sender requirements (2025-05-05)';
const EXO_NDR = 'Exchange Online NDR documentation (IPv6 sender rules)';

const TEXT_515 = 'Access denied, sending domain [domain] does not meet the required authentication level.';

/** Every condition that breaks the SPF + DKIM + DMARC requirement draws the same reply. */
const AUTH_515_CONDITIONS: readonly Condition[] = [
  'spf-cannot-pass',
  'dkim-cannot-pass',
  'dmarc-missing',
  'from-not-aligned',
  'unauthenticated',
  'auth-incomplete-microsoft',
];

export const MICROSOFT_ROWS: readonly ReplyRow[] = [
  ...AUTH_515_CONDITIONS.map(
    (condition): ReplyRow => ({
      condition,
      provider: 'microsoft',
      code: 550,
      enhanced: '5.7.515',
      text: TEXT_515,
      permanent: true,
      bulkOnly: true,
      confidence: 'documented',
      source: BULK_RULES,
      checked: TABLES_CHECKED,
    }),
  ),
  {
    condition: 'ptr-missing-ipv6',
    provider: 'microsoft',
    code: 550,
    enhanced: '5.7.25',
    text: 'The sending IPv6 address must have a reverse DNS record to send email over IPv6.',
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
    source: EXO_NDR,
    checked: TABLES_CHECKED,
  },
  // RFC 7505 4.2 allows refusing mail from a null-MX domain; Microsoft does not document it.
  {
    condition: 'null-mx',
    provider: 'microsoft',
    code: 550,
    enhanced: '5.7.27',
    text: 'Sender address has null MX (the domain declares it receives no mail, so it may not send).',
    permanent: true,
    bulkOnly: false,
    confidence: 'inferred',
    source: 'RFC 7505 section 4.2 (null MX), Microsoft does not document this case',
    checked: TABLES_CHECKED,
  },
];

/**
 * 5.7.26 applies to IPv6 senders only (they must pass SPF or DKIM); we have no condition
 * that is specific to IPv6 and unauthenticated, so it is explained but not predicted.
 */
export const MICROSOFT_KNOWN_CODES: readonly KnownCode[] = [
  {
    provider: 'microsoft',
    code: 550,
    enhanced: '5.7.26',
    text: 'Mail sent over IPv6 must pass either SPF or DKIM validation.',
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
    source: EXO_NDR,
    checked: TABLES_CHECKED,
    cause: 'An IPv6 sender whose mail passes neither SPF nor DKIM.',
    fix: 'Make SPF or DKIM pass for mail sent over IPv6 (or send over IPv4).',
    checks: ['spf', 'dkim'],
  },
];
