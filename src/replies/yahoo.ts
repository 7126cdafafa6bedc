/**
 * Yahoo replies. Yahoo publishes categories of replies rather than exact strings (Yahoo
 * Sender Hub "SMTP error codes" and sender requirements FAQ), so most rows are inferred:
 * the basic code follows Yahoo's category, the enhanced code is our choice from RFC 3463.
 */
import type { KnownCode, ReplyRow } from './types.js';
import { TABLES_CHECKED } from './types.js';

const SENDER_HUB = "Yahoo Sender Hub 'SMTP error codes' and sender requirements FAQ";

export const YAHOO_ROWS: readonly ReplyRow[] = [
  // Observed in the wild, not published: hence inferred although the code is well known.
  {
    condition: 'unauthenticated',
    provider: 'yahoo',
    code: 550,
    enhanced: '5.7.9',
    text: 'Blocked because the sender is unauthenticated: Yahoo requires all senders to authenticate with SPF or DKIM.',
    permanent: true,
    bulkOnly: false,
    confidence: 'inferred',
    source: `${SENDER_HUB}; 550 5.7.9 as observed in bounces (Yahoo does not publish exact strings)`,
    checked: TABLES_CHECKED,
  },
  // Yahoo checks that the envelope and header From domains exist with an SOA lookup: a DNS
  // server failure gives a 451 (documented). The enhanced code is not published; RFC 3463
  // X.4.3 "Directory server failure" is the registry's code for a failed DNS lookup.
  {
    condition: 'domain-dns-failure',
    provider: 'yahoo',
    code: 451,
    enhanced: '4.4.3',
    text: 'Temporary failure looking up the sender domain (SOA lookup failed); try again later.',
    permanent: false,
    bulkOnly: false,
    confidence: 'inferred',
    source: `${SENDER_HUB}: SOA existence check, DNS failure gives 451; enhanced code per RFC 3463 X.4.3`,
    checked: TABLES_CHECKED,
  },
  // Same SOA check: NXDOMAIN gives a 554 (documented). RFC 3463 X.1.8 "Bad sender's system
  // address" is the registry's code for a sender domain that does not exist; Yahoo's
  // exact enhanced code is not published (5.7.9 is seen for policy rejections in general).
  {
    condition: 'domain-nxdomain',
    provider: 'yahoo',
    code: 554,
    enhanced: '5.1.8',
    text: 'The sender domain does not exist (SOA lookup returned NXDOMAIN).',
    permanent: true,
    bulkOnly: false,
    confidence: 'inferred',
    source: `${SENDER_HUB}: SOA existence check, NXDOMAIN gives 554; enhanced code per RFC 3463 X.1.8`,
    checked: TABLES_CHECKED,
  },
  // Yahoo lists "temporary DNS or authentication failures" under 421/451. A SPF temperror
  // is such a failure; the enhanced code is ours (X.4.3, a DNS lookup failed).
  {
    condition: 'spf-temperror',
    provider: 'yahoo',
    code: 451,
    enhanced: '4.4.3',
    text: 'Temporary DNS failure while authenticating the sender; try again later.',
    permanent: false,
    bulkOnly: false,
    confidence: 'inferred',
    source: `${SENDER_HUB}: 451 for temporary DNS or authentication failures; enhanced code per RFC 3463 X.4.3`,
    checked: TABLES_CHECKED,
  },
  {
    condition: 'dmarc-temperror',
    provider: 'yahoo',
    code: 451,
    enhanced: '4.4.3',
    text: 'Temporary DNS failure while authenticating the sender; try again later.',
    permanent: false,
    bulkOnly: false,
    confidence: 'inferred',
    source: `${SENDER_HUB}: 451 for temporary DNS or authentication failures; enhanced code per RFC 3463 X.4.3`,
    checked: TABLES_CHECKED,
  },
  // RFC 7505 4.2: mail from a null-MX domain may be refused with 550 5.7.27. Yahoo's SOA check
  // passes for such a domain, so this rests on the RFC only.
  {
    condition: 'null-mx',
    provider: 'yahoo',
    code: 550,
    enhanced: '5.7.27',
    text: 'Sender address has null MX (the domain declares it receives no mail, so it may not send).',
    permanent: true,
    bulkOnly: false,
    confidence: 'inferred',
    source: 'RFC 7505 section 4.2 (null MX), Yahoo does not document this case',
    checked: TABLES_CHECKED,
  },
];

export const YAHOO_KNOWN_CODES: readonly KnownCode[] = [
  {
    provider: 'yahoo',
    code: 554,
    enhanced: '5.7.9',
    text: 'Message not accepted for policy reasons.',
    permanent: true,
    bulkOnly: false,
    confidence: 'inferred',
    source: `${SENDER_HUB}; 554 5.7.9 as observed in bounces`,
    checked: TABLES_CHECKED,
    cause: 'DMARC or DKIM policy failure, content, or a blocklisting.',
    fix: 'Check DMARC, DKIM and blocklists; read the text after the code.',
    checks: ['dmarc', 'dkim'],
  },
  {
    provider: 'yahoo',
    code: 421,
    enhanced: '4.7.0',
    text: '[TSS04] Messages from this IP are temporarily deferred due to user complaints or volume.',
    permanent: false,
    bulkOnly: false,
    confidence: 'inferred',
    source: `${SENDER_HUB}; 421 4.7.0 [TSS04] as observed in bounces`,
    checked: TABLES_CHECKED,
    cause: 'Unusual volume or complaint rate from the sending IP.',
    fix: 'Slow down and cut the complaint rate; retries are accepted later.',
  },
];
