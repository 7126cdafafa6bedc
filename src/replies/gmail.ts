/**
 * Gmail replies, from Gmail's help page "SMTP errors and codes" (support answer 3726730,
 * last updated 2026-06-18) and the Gmail/Yahoo sender rules in force since February 2024.
 * "bulk" rows are those whose text names bulk senders (about 5,000+ messages a day to
 * personal Gmail accounts from one primary domain; once a bulk sender, always one).
 */
import type { KnownCode, ReplyRow } from './types.js';
import { TABLES_CHECKED } from './types.js';

const SMTP_ERRORS = "Gmail support answer 3726730 'SMTP errors and codes'";

const row = (r: Omit<ReplyRow, 'provider' | 'checked' | 'source'> & { source?: string }): ReplyRow => ({
  provider: 'gmail',
  checked: TABLES_CHECKED,
  source: SMTP_ERRORS,
  ...r,
});

const PTR_421 =
  'The sending IP has no PTR record, or the forward lookup of its PTR name does not point back to it.';
const PTR_451 = 'The sending IP has no PTR record, or the PTR name does not resolve back to the sending IP.';
const PTR_550 = 'Messages from IPs without a matching PTR record are not accepted (blocked).';

/**
 * PTR missing and PTR not matching its forward lookup draw the same replies: Gmail's texts
 * name both cases together ("no PTR, or its forward lookup does not match").
 */
const ptrRows = (condition: 'ptr-missing' | 'ptr-mismatch'): ReplyRow[] => [
  // 421 4.7.0 is shared by many causes; the PTR case is one of its published texts.
  row({
    condition,
    code: 421,
    enhanced: '4.7.0',
    text: PTR_421,
    permanent: false,
    bulkOnly: false,
    confidence: 'documented',
  }),
  row({
    condition,
    code: 451,
    enhanced: '4.7.23',
    text: PTR_451,
    permanent: false,
    bulkOnly: false,
    confidence: 'documented',
  }),
  row({
    condition,
    code: 550,
    enhanced: '5.7.25',
    text: PTR_550,
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
  }),
];

export const GMAIL_ROWS: readonly ReplyRow[] = [
  // Gmail documents 421 4.7.0 for "very low reputation" of the sending IP or domain, but never
  // says a public blocklist listing causes it: a listing is one public sign of such reputation.
  row({
    condition: 'ip-blocklisted',
    code: 421,
    enhanced: '4.7.0',
    text: 'Our system has detected an unusual rate of unsolicited mail or very low reputation of the sending IP.',
    permanent: false,
    bulkOnly: false,
    confidence: 'inferred',
    source:
      'Gmail support answer 3726730 (421 4.7.0 low IP reputation; a blocklist listing as its cause is inferred)',
  }),
  row({
    condition: 'domain-blocklisted',
    code: 421,
    enhanced: '4.7.0',
    text: 'Our system has detected very low reputation of the sending domain or of the domains the message links to.',
    permanent: false,
    bulkOnly: false,
    confidence: 'inferred',
    source:
      'Gmail support answer 3726730 (421 4.7.0 low domain reputation; a blocklist listing as its cause is inferred)',
  }),
  ...ptrRows('ptr-missing'),
  ...ptrRows('ptr-mismatch'),
  // Gmail's 5.7.1 IPv6 text requires both a PTR and authentication: an IPv6 sender
  // without PTR draws it. Documented, but 5.7.1 also covers many unrelated policy causes.
  row({
    condition: 'ptr-missing-ipv6',
    code: 550,
    enhanced: '5.7.1',
    text: 'This message does not meet IPv6 sending guidelines regarding PTR records and authentication.',
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
  }),
  // Neither SPF nor DKIM passes: applies to all senders, not only bulk.
  row({
    condition: 'unauthenticated',
    code: 421,
    enhanced: '4.7.26',
    text: 'Rate limited because the message is unauthenticated: Gmail requires all senders to authenticate with SPF or DKIM.',
    permanent: false,
    bulkOnly: false,
    confidence: 'documented',
  }),
  row({
    condition: 'unauthenticated',
    code: 550,
    enhanced: '5.7.26',
    text: 'Blocked because the message is unauthenticated: the sender must authenticate with at least one of SPF or DKIM.',
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
  }),
  row({
    condition: 'spf-cannot-pass',
    code: 421,
    enhanced: '4.7.27',
    text: 'Rate limited because SPF did not pass: Gmail requires all bulk senders to authenticate with SPF.',
    permanent: false,
    bulkOnly: true,
    confidence: 'documented',
  }),
  row({
    condition: 'spf-cannot-pass',
    code: 550,
    enhanced: '5.7.27',
    text: 'Blocked because SPF did not pass: Gmail requires all bulk senders to authenticate with SPF.',
    permanent: true,
    bulkOnly: true,
    confidence: 'documented',
  }),
  row({
    condition: 'dkim-cannot-pass',
    code: 421,
    enhanced: '4.7.30',
    text: 'Rate limited because DKIM did not pass: Gmail requires all bulk senders to authenticate with DKIM.',
    permanent: false,
    bulkOnly: true,
    confidence: 'documented',
  }),
  row({
    condition: 'dkim-cannot-pass',
    code: 550,
    enhanced: '5.7.30',
    text: 'Blocked because DKIM did not pass: Gmail requires all bulk senders to authenticate with DKIM.',
    permanent: true,
    bulkOnly: true,
    confidence: 'documented',
  }),
  // Gmail publishes the same "no DMARC record" text under 4.7.40 (current list) and 4.7.31
  // (sender FAQ): a filter on bounces must match both.
  row({
    condition: 'dmarc-missing',
    code: 421,
    enhanced: '4.7.40',
    text: 'Rate limited because no DMARC policy is published for the sending domain (also seen as 4.7.31): Gmail requires bulk senders to publish DMARC.',
    permanent: false,
    bulkOnly: true,
    confidence: 'documented',
    aliases: ['4.7.31'],
  }),
  row({
    condition: 'dmarc-missing',
    code: 550,
    enhanced: '5.7.40',
    text: 'Blocked because no DMARC policy is published for the sending domain: Gmail requires bulk senders to publish DMARC.',
    permanent: true,
    bulkOnly: true,
    confidence: 'documented',
  }),
  // Alignment is a bulk-sender rule, but the 4.7.32 text itself does not name bulk senders,
  // so the row applies to every profile (as published). No permanent form is published.
  row({
    condition: 'from-not-aligned',
    code: 421,
    enhanced: '4.7.32',
    text: 'Rate limited because the From: header is not aligned with the authenticated SPF or DKIM organizational domain.',
    permanent: false,
    bulkOnly: false,
    confidence: 'documented',
  }),
  row({
    condition: 'spf-suspicious',
    code: 451,
    enhanced: '4.7.24',
    text: "The sending domain's SPF record has suspicious entries; mail from this IP is temporarily rate limited.",
    permanent: false,
    bulkOnly: false,
    confidence: 'documented',
  }),
  row({
    condition: 'spf-suspicious',
    code: 550,
    enhanced: '5.7.24',
    text: "The sending domain's SPF record has suspicious entries; mail is blocked.",
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
  }),
  row({
    condition: 'dmarc-temperror',
    code: 451,
    enhanced: '4.7.26',
    text: "Unauthenticated mail is not accepted under the domain's DMARC policy, but a temporary DNS failure prevents the check.",
    permanent: false,
    bulkOnly: false,
    confidence: 'documented',
  }),
  // The replies are documented, but the tls check infers "sends without TLS" from the
  // sending host's inbound port 25 (the only side a probe can see), hence inferred.
  row({
    condition: 'tls-missing',
    code: 421,
    enhanced: '4.7.29',
    text: 'Rate limited because the message was not sent over TLS: Gmail requires bulk senders to use TLS.',
    permanent: false,
    bulkOnly: true,
    confidence: 'inferred',
  }),
  row({
    condition: 'tls-missing',
    code: 550,
    enhanced: '5.7.29',
    text: 'Blocked because the message was not sent over TLS: Gmail requires bulk senders to use TLS.',
    permanent: true,
    bulkOnly: true,
    confidence: 'inferred',
  }),
  // RFC 7505 3 registers 5.7.27 "Sender address has null MX" and 4.2 says receivers may
  // refuse such mail. Gmail does not document null-MX handling (and uses 5.7.27 for its bulk
  // SPF text too), so this is inferred.
  row({
    condition: 'null-mx',
    code: 550,
    enhanced: '5.7.27',
    text: 'Sender address has null MX (the domain declares it receives no mail, so it may not send).',
    permanent: true,
    bulkOnly: false,
    confidence: 'inferred',
    source: 'RFC 7505 section 4.2 (null MX), Gmail does not document this case',
  }),
  // Message checks (issue 10). Size: 25 MB counted on the encoded message (answer 6590 and 3726730).
  row({
    condition: 'message-too-big-gmail',
    code: 552,
    enhanced: '5.3.4',
    text: "Your message exceeded Google's message size limits (25 MB, counted on the encoded message).",
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
    source: "Gmail support answers 6590 (attachment limits) and 3726730 'SMTP errors and codes'",
  }),
  row({
    condition: 'message-headers-over-gmail-limit',
    code: 552,
    enhanced: '5.3.4',
    text: "The message header exceeds Gmail's limits (size, field count, a value, Message-ID, Subject or a name).",
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
    source: "Google Workspace answer 14016360 'Gmail message header limits'",
  }),
  row({
    condition: 'message-not-rfc5322',
    code: 550,
    enhanced: '5.7.1',
    text: 'This message is not RFC 5322 compliant (From or Message-ID missing, invalid or repeated; duplicate headers).',
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
  }),
  // Blocked file types (answer 6590): the listed extensions, also inside archives, and
  // password-protected archives whose content is an archive.
  row({
    condition: 'attachment-blocked',
    code: 552,
    enhanced: '5.7.0',
    text: 'This message was blocked because its content presents a potential security issue (blocked file type).',
    permanent: true,
    bulkOnly: false,
    confidence: 'documented',
    source: "Gmail support answers 6590 'File types blocked in Gmail' and 3726730 'SMTP errors and codes'",
  }),
  // Gmail documents blocking executables; that it finds them by content under another
  // extension is inferred (answer 6590 lists extensions only).
  row({
    condition: 'attachment-disguised',
    code: 552,
    enhanced: '5.7.0',
    text: 'This message was blocked because its content presents a potential security issue (executable content).',
    permanent: true,
    bulkOnly: false,
    confidence: 'inferred',
    source: 'Gmail support answer 6590 (executables are blocked; detection by content is not documented)',
  }),
];

/** Gmail replies no condition of ours predicts; `explain` describes them. */
export const GMAIL_KNOWN_CODES: readonly KnownCode[] = [
  k(421, '4.3.0', 'Temporary system problem; try again later.', 'Receiver-side problem.', 'Retry later.'),
  k(421, '4.4.5', 'Server busy; try again later.', 'Receiver-side load.', 'Retry later with backoff.'),
  k(
    421,
    '4.7.0',
    'Several texts: connection expired, IP not allowed, try again later, TLS required for the recipient domain, very low IP or domain reputation, suspicious content.',
    'Many causes share 4.7.0; the text after the code tells which.',
    'Read the reply text; check PTR, TLS and reputation (Postmaster Tools).',
    ['ptr', 'tls'],
  ),
  k(
    421,
    '4.7.28',
    'Unusual rate of unsolicited mail from your IP, netblock, DKIM domain, SPF domain or URL domains.',
    'Volume spike or complaints tied to one of those identities.',
    'Slow down, warm up gradually, cut complaint rate (under 0.3%).',
  ),
  k(
    451,
    '4.3.0',
    'Temporary rejection; also sent when one transaction carries several destination domains.',
    'Receiver-side problem or multi-domain transaction.',
    'Retry; send one recipient domain per transaction.',
  ),
  k(
    451,
    '4.4.2',
    'Timeout, closing connection.',
    'The client was too slow.',
    'Check network and client timeouts.',
  ),
  k(451, '4.5.0', 'SMTP protocol violation.', 'The client broke the SMTP protocol.', 'Fix the sending MTA.'),
  k(
    452,
    '4.2.2',
    "The recipient's mailbox is full (account active).",
    'Recipient out of storage.',
    'Retry later.',
  ),
  k(
    550,
    '5.7.1',
    'Policy rejection: likely unsolicited mail, low reputation, or RFC 5322 faults (From missing, invalid or repeated; no Message-ID; duplicate or malformed headers).',
    'Reputation or malformed message headers.',
    'Check message formatting against RFC 5322 and reputation in Postmaster Tools.',
  ),
  k(
    552,
    '5.2.2',
    "The recipient's mailbox is out of storage and the account is inactive.",
    'Recipient out of storage, long inactive.',
    'Remove the address from your list.',
  ),
  k(
    552,
    '5.3.4',
    'Size limits exceeded: message (25 MB for users), attachment, header size or attachment count.',
    'The message is too large.',
    'Send smaller messages; link large files instead of attaching them.',
  ),
  k(
    552,
    '5.7.0',
    'Content presents a potential security issue: blocked file type (executable, script, unscannable encrypted archive).',
    'Blocked attachment type.',
    'Do not attach executables, scripts or encrypted archives.',
  ),
  k(553, '5.1.2', 'Recipient domain not found.', 'Bad recipient domain.', 'Fix the recipient address.'),
  k(
    553,
    '5.1.3',
    'Invalid recipient address.',
    'Bad recipient address syntax.',
    'Fix the recipient address.',
  ),
  k(553, '5.1.7', 'Invalid sender address.', 'Bad sender address.', 'Fix the envelope sender.'),
  k(554, '5.7.0', 'Too many unauthenticated commands.', 'Client misbehaviour.', 'Fix the sending MTA.'),
];

function k(
  code: number,
  enhanced: string,
  text: string,
  cause: string,
  fix: string,
  checks?: string[],
): KnownCode {
  return {
    provider: 'gmail',
    code,
    enhanced,
    text,
    permanent: code >= 500,
    bulkOnly: false,
    confidence: 'documented',
    source: SMTP_ERRORS,
    checked: TABLES_CHECKED,
    cause,
    fix,
    ...(checks ? { checks } : {}),
  };
}
