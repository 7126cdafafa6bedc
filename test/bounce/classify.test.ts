/**
 * The classifier against diagnostic lines written from the providers' documented replies (Gmail's
 * SMTP error table, Microsoft's NDR reference, Yahoo's Sender Hub) and the texts common MTAs
 * (Postfix, Exim, Sendmail) log, one row per line: provider, category, class and address action.
 */
import { describe, expect, it } from 'vitest';
import { BOUNCE_CATEGORIES } from '../../src/bounce/categories.js';
import {
  CONDITION_CATEGORY,
  classify,
  isPermanent,
  MAX_MATCHED_TEXT_CHARS,
  statusOf,
} from '../../src/bounce/classify.js';
import { providerOf, remoteHost } from '../../src/bounce/providers.js';
import type { AddressAction, BounceCategory, BounceRecord } from '../../src/bounce/types.js';
import { REPLY_TABLE } from '../../src/replies/index.js';

const GMAIL = 'gmail-smtp-in.l.google.com[142.250.0.26]';
const OUTLOOK = 'example-com.mail.protection.outlook.com';
const HOTMAIL = 'hotmail-com.olc.protection.outlook.com';
const YAHOO = 'mta6.am0.yahoodns.net';
const OTHER = 'mx.example.net[192.0.2.10]';
const ICLOUD = 'mx01.mail.icloud.com';

function record(
  remoteMta: string | null,
  diagnostic: string | null,
  extra: Partial<BounceRecord> = {},
): BounceRecord {
  return {
    source: { path: 'test.log', line: 1 },
    kind: 'postfix-log',
    recipient: 'someone@example.org',
    action: 'failed',
    status: null,
    replyCode: null,
    diagnostic,
    remoteMta,
    time: null,
    sender: 'news@Shop.Example',
    ...extra,
  };
}

interface Expect {
  provider?: string | null;
  permanent?: boolean;
  checks?: string[];
  authentication?: string;
}

type Row = [string | null, string | null, BounceCategory, AddressAction, Expect?, Partial<BounceRecord>?];

const ROWS: Row[] = [
  // Gmail (support answer 3726730).
  [
    GMAIL,
    "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos. https://support.google.com/mail/?p=NoSuchUser gsmtp",
    'recipient-unknown',
    'suppress',
    { provider: 'gmail', permanent: true },
  ],
  [
    GMAIL,
    '550-5.2.1 The email account that you tried to reach is disabled. gsmtp',
    'mailbox-inactive',
    'suppress',
  ],
  [
    GMAIL,
    "452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp gsmtp",
    'mailbox-full',
    'retry',
    { permanent: false },
  ],
  [
    GMAIL,
    "552-5.2.2 The recipient's inbox is out of storage space and inactive. https://support.google.com/mail/?p=OverQuotaPerm gsmtp",
    'mailbox-inactive',
    'suppress',
    { permanent: true },
  ],
  [
    GMAIL,
    "552-5.3.4 Your message exceeded Google's message size limits. Please visit https://support.google.com/mail/?p=MaxSizeError to view our size guidelines. gsmtp",
    'message-too-big',
    'keep',
    { permanent: true, checks: ['message-size'] },
  ],
  [
    GMAIL,
    "552-5.3.4 Your message exceeded Google's message header size limits. gsmtp",
    'message-too-big',
    'keep',
    { checks: ['message-size', 'message-headers'] },
  ],
  [GMAIL, '552 5.3.4', 'message-too-big', 'keep', { checks: ['message-size', 'message-headers'] }],
  [
    GMAIL,
    '552-5.7.0 This message was blocked because its content presents a potential security issue. https://support.google.com/mail/?p=BlockedMessage gsmtp',
    'message-blocked-content',
    'keep',
    { checks: ['attachments'] },
  ],
  [
    GMAIL,
    '550-5.7.1 [192.0.2.1] This message is not RFC 5322 compliant. There are multiple From headers. gsmtp',
    'message-format',
    'keep',
    { checks: ['message-format'] },
  ],
  [
    GMAIL,
    '550-5.7.1 [192.0.2.1] Messages missing a valid Message-ID header are not accepted. gsmtp',
    'message-format',
    'keep',
    { checks: ['message-format'] },
  ],
  [
    GMAIL,
    '550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. gsmtp',
    'spam-content',
    'keep',
    { permanent: true },
  ],
  [
    GMAIL,
    '550-5.7.1 [2001:db8::1] This message does not meet IPv6 sending guidelines regarding PTR records and authentication. gsmtp',
    'ptr',
    'keep',
    { checks: ['ptr'] },
  ],
  [
    GMAIL,
    '421-4.7.0 [192.0.2.1] The sending IP has no PTR record, or its forward lookup does not match the sending IP. gsmtp',
    'ptr',
    'keep',
    { permanent: false, checks: ['ptr'] },
  ],
  [
    GMAIL,
    '451-4.7.23 The sending IP does not have a PTR record or the PTR name does not resolve back to it. gsmtp',
    'ptr',
    'keep',
    { permanent: false, checks: ['ptr'] },
  ],
  [
    GMAIL,
    '550-5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup. gsmtp',
    'ptr',
    'keep',
    { permanent: true, checks: ['ptr'] },
  ],
  [
    GMAIL,
    '421-4.7.26 This mail has been rate limited because it is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. gsmtp',
    'authentication',
    'keep',
    { authentication: 'unauthenticated', checks: ['spf', 'dkim'], permanent: false },
  ],
  [
    GMAIL,
    "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy. gsmtp",
    'authentication',
    'keep',
    { authentication: 'unauthenticated' },
  ],
  [
    GMAIL,
    '421-4.7.27 This mail has been rate limited because SPF did not pass. Gmail requires all bulk email senders to authenticate with SPF. gsmtp',
    'authentication',
    'keep',
    { authentication: 'spf', checks: ['spf'], permanent: false },
  ],
  [
    GMAIL,
    '550-5.7.27 This mail has been blocked because SPF did not pass. gsmtp',
    'authentication',
    'keep',
    { authentication: 'spf', checks: ['spf'], permanent: true },
  ],
  [
    GMAIL,
    '421-4.7.30 This mail has been rate limited because DKIM did not pass. gsmtp',
    'authentication',
    'keep',
    { authentication: 'dkim', checks: ['dkim', 'dkim-signature'] },
  ],
  [
    GMAIL,
    '550-5.7.30 This mail has been blocked because DKIM did not pass. gsmtp',
    'authentication',
    'keep',
    { authentication: 'dkim' },
  ],
  [
    GMAIL,
    '421-4.7.40 This mail has been rate limited because DMARC is not published for the sending domain. gsmtp',
    'authentication',
    'keep',
    { authentication: 'dmarc', checks: ['dmarc'] },
  ],
  [
    GMAIL,
    '421-4.7.31 This mail has been rate limited because DMARC is not published for the sending domain. gsmtp',
    'authentication',
    'keep',
    { authentication: 'dmarc', checks: ['dmarc'] },
  ],
  [
    GMAIL,
    '550-5.7.40 DMARC policy is not published. gsmtp',
    'authentication',
    'keep',
    { authentication: 'dmarc' },
  ],
  [
    GMAIL,
    "421-4.7.32 The From: header isn't aligned with either the authenticated SPF or DKIM organizational domain. gsmtp",
    'authentication',
    'keep',
    { authentication: 'alignment', checks: ['dmarc', 'spf', 'dkim'] },
  ],
  [
    GMAIL,
    '451-4.7.24 The SPF record of the sending domain has one or more suspicious entries. gsmtp',
    'authentication',
    'keep',
    { authentication: 'spf', checks: ['spf'] },
  ],
  [
    GMAIL,
    '421-4.7.29 This mail has been rate limited because it was not sent over TLS. gsmtp',
    'tls',
    'keep',
    { checks: ['tls'] },
  ],
  [
    GMAIL,
    '421-4.7.0 TLS required for RCPT domain, closing connection. gsmtp',
    'tls',
    'keep',
    { checks: ['tls'] },
  ],
  [
    GMAIL,
    '421-4.7.28 [192.0.2.1 15] Gmail has detected an unusual rate of unsolicited mail originating from your IP address. gsmtp',
    'reputation',
    'keep',
    { permanent: false, checks: [] },
  ],
  [
    GMAIL,
    '421-4.7.0 [192.0.2.1] Our system has detected that this message is suspicious due to the very low reputation of the sending IP address. gsmtp',
    'reputation',
    'keep',
  ],
  [GMAIL, '421-4.3.0 Temporary System Problem. Try again later. gsmtp', 'system-transient', 'retry'],
  [GMAIL, '451-4.4.2 Timeout - closing connection. gsmtp', 'network', 'retry'],
  [GMAIL, "553-5.1.2 We weren't able to find the recipient domain. gsmtp", 'recipient-domain', 'suppress'],
  [GMAIL, '554-5.7.0 Too many unauthenticated commands. gsmtp', 'protocol', 'keep'],
  [GMAIL, '451-4.5.0 SMTP protocol violation. gsmtp', 'protocol', 'retry'],
  // Microsoft (Exchange Online and Outlook.com NDR reference).
  [
    HOTMAIL,
    '550 5.7.515 Access denied, sending domain example.com does not meet the required authentication level.',
    'authentication',
    'keep',
    { provider: 'microsoft', checks: ['spf', 'dkim', 'dkim-signature', 'dmarc'] },
  ],
  [HOTMAIL, '550 5.7.606 Access denied, banned sending IP [192.0.2.1].', 'blocklisted', 'keep'],
  [
    OUTLOOK,
    '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.',
    'reputation',
    'keep',
  ],
  [
    HOTMAIL,
    "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).",
    'blocklisted',
    'keep',
  ],
  [
    HOTMAIL,
    '550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/192.0.2.1 (AS3130).',
    'blocklisted',
    'keep',
  ],
  [
    null,
    "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3140) [AM0PR01MB1234.eurprd01.prod.outlook.com]",
    'blocklisted',
    'keep',
    { provider: 'microsoft' },
  ],
  [
    HOTMAIL,
    '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).',
    'recipient-unknown',
    'suppress',
  ],
  [
    OUTLOOK,
    '550 5.4.1 Recipient address rejected: Access denied. AS(201806281)',
    'recipient-unknown',
    'suppress',
  ],
  [
    OUTLOOK,
    '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    'recipient-unknown',
    'suppress',
  ],
  [
    OUTLOOK,
    '552 5.3.4 Message size exceeds fixed maximum message size',
    'message-too-big',
    'keep',
    { checks: ['message-size'] },
  ],
  [
    HOTMAIL,
    '451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77719)',
    'rate-limited',
    'retry',
  ],
  [
    HOTMAIL,
    '451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation.',
    'reputation',
    'keep',
  ],
  [
    OUTLOOK,
    '550 5.7.26 This message failed because IPv6 requires SPF or DKIM validation.',
    'authentication',
    'keep',
    { authentication: 'unauthenticated' },
  ],
  [
    OUTLOOK,
    '550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification and has a DMARC policy of reject.',
    'authentication',
    'keep',
    { authentication: 'dmarc' },
  ],
  // Yahoo (Sender Hub error codes; tags as seen in bounces).
  [
    YAHOO,
    '421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
    'reputation',
    'keep',
    { provider: 'yahoo', permanent: false },
  ],
  [
    YAHOO,
    '421 4.7.0 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed.',
    'reputation',
    'keep',
  ],
  [
    YAHOO,
    '554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes',
    'policy',
    'keep',
    { checks: ['dmarc', 'dkim'] },
  ],
  [
    YAHOO,
    '550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.',
    'authentication',
    'keep',
    { authentication: 'unauthenticated' },
  ],
  [
    YAHOO,
    "554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0] - mta1234.mail.bf1.yahoo.com",
    'recipient-unknown',
    'suppress',
  ],
  [
    YAHOO,
    "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes",
    'blocklisted',
    'keep',
  ],
  // Apple iCloud.
  [
    ICLOUD,
    '554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
    'policy',
    'keep',
    { provider: 'apple' },
  ],
  // Other receivers, as Postfix, Exim and Sendmail log them.
  [
    OTHER,
    '550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)',
    'recipient-unknown',
    'suppress',
    { provider: null },
  ],
  [
    null,
    'Host or domain name not found. Name service error for name=example.invalid type=A: Host not found',
    'recipient-domain',
    'suppress',
    {},
    { status: '5.4.4' },
  ],
  [
    null,
    'connect to mx.example.net[192.0.2.10]:25: Connection timed out',
    'network',
    'retry',
    { permanent: false },
    { status: '4.4.1', action: 'delayed' },
  ],
  [null, 'connect to mx.example.net[192.0.2.10]:25: Connection refused', 'network', 'retry'],
  [null, 'delivery time expired', 'expired', 'retry', { permanent: false }, { status: '4.4.7' }],
  [null, 'retry timeout exceeded', 'expired', 'retry', { permanent: true }],
  [
    OTHER,
    'SMTP error from remote mail server after RCPT TO:<x@example.org>: 550 5.7.1 Service unavailable; client [192.0.2.1] blocked using bl.spamcop.net',
    'blocklisted',
    'keep',
  ],
  [
    OTHER,
    '552 5.2.2 <carol@example.org>: Recipient address rejected: Mailbox full',
    'mailbox-full',
    'retry',
    { permanent: true },
  ],
  [OTHER, '452 4.2.2 Mailbox full', 'mailbox-full', 'retry', { permanent: false }],
  [
    OTHER,
    '550 5.2.1 <dave@example.org>: Recipient address rejected: Account disabled',
    'mailbox-inactive',
    'suppress',
  ],
  [OTHER, '554 5.7.1 <x@example.org>: Relay access denied', 'policy', 'keep'],
  [
    OTHER,
    '550 5.7.23 SPF validation failed',
    'authentication',
    'keep',
    { authentication: 'spf', checks: ['spf'] },
  ],
  [OTHER, '550 5.7.25 Reverse DNS validation failed', 'ptr', 'keep', { checks: ['ptr'] }],
  [OTHER, '550 5.7.27 Sender address has null MX', 'policy', 'keep', { checks: ['mx'] }],
  [OTHER, '550 5.7.20 No passing DKIM signature found', 'authentication', 'keep', { authentication: 'dkim' }],
  [OTHER, '451 4.7.1 Greylisted, please try again in 300 seconds', 'system-transient', 'retry'],
  [OTHER, '554 5.6.0 Message contains invalid header', 'message-format', 'keep'],
  [
    OTHER,
    '550 5.7.1 Message rejected: virus found (Eicar-Test-Signature)',
    'message-blocked-content',
    'keep',
  ],
  [
    OTHER,
    '552 5.3.4 Message size exceeds fixed limit',
    'message-too-big',
    'keep',
    { checks: ['message-size'] },
  ],
  [OTHER, '421 4.7.0 Too many connections from your IP, slow down', 'rate-limited', 'retry'],
  [
    OTHER,
    '554 5.7.1 Rejected: DMARC policy of example.com requires rejection',
    'authentication',
    'keep',
    { authentication: 'dmarc' },
  ],
  [OTHER, '530 5.7.0 Must issue a STARTTLS command first', 'tls', 'keep'],
  [OTHER, '500 5.5.1 Command unrecognized', 'protocol', 'keep'],
  [OTHER, '550 Requested action not taken: mailbox unavailable', 'recipient-unknown', 'suppress'],
  [OTHER, '550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]', 'ptr', 'keep'],
  [OTHER, '550 5.1.10 Recipient address has null MX', 'recipient-domain', 'suppress'],
  // Exchange on premises (no Microsoft host to name the provider): 5.1.10 from its resolver.
  [
    'ex01.contoso.example',
    '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    'recipient-unknown',
    'suppress',
  ],
  // Lotus Domino: "not listed in" the directory is no blocklist listing.
  [null, 'User joe (joe@notes.example.com) not listed in Domino Directory', 'recipient-unknown', 'suppress'],
  [
    null,
    '554 5.7.1 Service unavailable; client host [192.0.2.1] listed in a DNSBL',
    'blocklisted',
    'keep',
    { checks: ['reputation'] },
  ],
  // A receiver's own list: no DNSBL the reputation check could query.
  [
    null,
    '550 5.7.1 part of their network is on our block list (S3150)',
    'blocklisted',
    'keep',
    { checks: [] },
  ],
  [
    null,
    'The recipient server did not accept our requests to connect. [mx.example.net. 192.0.2.7: timed out]',
    'network',
    'retry',
    { permanent: false },
    { action: 'delayed' },
  ],
  [null, 'user not found', 'recipient-unknown', 'suppress'],
  // The same causes in the languages of European receivers' own texts.
  [null, '550 Benutzer unbekannt', 'recipient-unknown', 'suppress'],
  [null, '550 Mailbox existiert nicht', 'recipient-unknown', 'suppress'],
  [null, "550 Utilisateur inconnu / l'adresse n'existe pas", 'recipient-unknown', 'suppress'],
  [null, '550 Usuario desconocido', 'recipient-unknown', 'suppress'],
  [null, '550 Utente sconosciuto', 'recipient-unknown', 'suppress'],
  [null, '550 Onbekende gebruiker', 'recipient-unknown', 'suppress'],
  [null, '452 Postfach voll', 'mailbox-full', 'retry', { permanent: false }],
  [null, '552 Boîte aux lettres pleine', 'mailbox-full', 'retry'],
  [null, '452 Buzón lleno', 'mailbox-full', 'retry', { permanent: false }],
  [null, '452 Casella piena', 'mailbox-full', 'retry', { permanent: false }],
  // Exim's own words, logged without a status.
  [null, 'Unrouteable address', 'recipient-domain', 'suppress'],
  [null, 'all relevant MX records point to non-existent hosts', 'recipient-domain', 'suppress'],
  [
    null,
    'retry time not reached for any host for example.org',
    'network',
    'retry',
    { permanent: false },
    { action: 'delayed' },
  ],
  [OTHER, '421 Service not available, closing transmission channel', 'system-transient', 'retry'],
  [OTHER, '550 5.4.4 Unrouteable address', 'recipient-domain', 'suppress'],
  [OTHER, '451 4.3.0 Mail server temporarily rejected message', 'system-transient', 'retry'],
  [null, null, 'unknown', 'keep', { permanent: true, checks: [] }],
  [null, null, 'unknown', 'retry', { permanent: false }, { action: 'delayed' }],
  [OTHER, '550 Go away', 'unknown', 'keep', { permanent: true }],
];

describe('classify: real-world diagnostic lines', () => {
  it('has at least 60 lines covering every category', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ROWS.map((r) => r[2]))).toEqual(new Set(BOUNCE_CATEGORIES));
  });

  it.each(ROWS)('%s: %s', (mta, diagnostic, category, action, want = {}, extra = {}) => {
    const b = classify(record(mta, diagnostic, extra));
    expect(b.category).toBe(category);
    expect(b.addressAction).toBe(action);
    if ('provider' in want) expect(b.provider).toBe(want.provider);
    if (want.permanent !== undefined) expect(b.permanent).toBe(want.permanent);
    if (want.checks) expect(b.checks).toEqual(want.checks);
    if (want.authentication) expect(b.authentication).toBe(want.authentication);
    expect(b.fix.length).toBeGreaterThan(10);
    expect(b.sendingDomain).toBe('shop.example');
  });
});

describe('classify: rules that decide address actions', () => {
  it('552 5.3.4 never suppresses, at any provider and in either class', () => {
    for (const mta of [GMAIL, OUTLOOK, YAHOO, OTHER, null]) {
      expect(classify(record(mta, '552 5.3.4 Message too big')).addressAction).toBe('keep');
      expect(classify(record(mta, null, { status: '5.3.4' })).addressAction).toBe('keep');
    }
  });

  it('Gmail 552 5.2.2 is inactive (suppress); 452 4.2.2 is full and active (retry); elsewhere 5.2.2 retries', () => {
    expect(classify(record(GMAIL, null, { status: '5.2.2', replyCode: 552 })).addressAction).toBe('suppress');
    expect(classify(record(GMAIL, null, { status: '4.2.2', replyCode: 452 })).addressAction).toBe('retry');
    expect(classify(record(OTHER, null, { status: '5.2.2', replyCode: 552 })).addressAction).toBe('retry');
  });

  it('keeps the record as given: a status read from the text is used, never written back', () => {
    const b = classify(record(OTHER, '550 5.1.1 User unknown'));
    expect(b.status).toBeNull();
    expect(b.replyCode).toBeNull();
    expect(b.category).toBe('recipient-unknown');
  });

  it('names the findings that see the cause', () => {
    const b = classify(record(GMAIL, '421-4.7.27 SPF did not pass. gsmtp'));
    expect(b.findings).toContain('spf/missing');
    expect(b.findings?.every((f) => f.startsWith('spf/') || f.startsWith('alignment/'))).toBe(true);
    expect(classify(record(OTHER, '550 5.1.1 User unknown')).findings).toBeUndefined();
  });
});

describe('permanent, status and provider', () => {
  it.each([
    ['5.1.1', null, 'delayed', true],
    ['4.2.2', 552, 'failed', false],
    [null, 550, 'delayed', true],
    [null, 421, 'failed', false],
    [null, null, 'failed', true],
    [null, null, 'delayed', false],
  ] as const)('status %s code %s action %s -> permanent %s', (status, code, action, want) => {
    expect(isPermanent(status, code, action)).toBe(want);
  });

  it('reads the status from the record, else from the text', () => {
    expect(statusOf(record(null, 'said: 550 5.1.1 x', { status: '5.2.2' }))).toBe('5.2.2');
    expect(statusOf(record(null, 'said: 550-5.01.001 x'))).toBe('5.1.1');
    expect(statusOf(record(null, 'no code here'))).toBeNull();
  });

  it.each([
    ['dns; gmail-smtp-in.l.google.com', null, null, 'gmail'],
    ['alt1.aspmx.l.google.com.', null, null, 'gmail'],
    ['mta7.am0.yahoodns.net[67.195.204.72]:25', null, null, 'yahoo'],
    ['example-com.mail.protection.outlook.com', null, null, 'microsoft'],
    ['mx01.mail.icloud.com', null, null, 'apple'],
    ['notgoogle.com', null, null, null],
    [null, '550-5.1.1 ... gsmtp', null, 'gmail'],
    [null, '421 4.7.0 [TSS04] Messages deferred', null, 'yahoo'],
    [null, null, 'someone@hotmail.com', 'microsoft'],
    [null, null, 'someone@example.org', null],
  ] as const)('provider of %s / %s / %s is %s', (mta, text, recipient, want) => {
    expect(providerOf(mta, text, recipient)).toBe(want);
  });

  it('remoteHost strips the DSN prefix, address, port and trailing dot', () => {
    expect(remoteHost('dns; MX.Example.com.')).toBe('mx.example.com');
    expect(remoteHost('mx.example.com[192.0.2.1]:25')).toBe('mx.example.com');
  });
});

describe('the reply tables are reused, not copied', () => {
  it('every condition of a reply-table row has a category', () => {
    for (const row of REPLY_TABLE) expect(CONDITION_CATEGORY[row.condition], row.condition).toBeDefined();
  });
});

describe('hostile input', () => {
  it('a huge or binary diagnostic classifies quickly and reads only its start', () => {
    const junk = `550 5.1.1 no such user ${'\u0000\u00ff<script>'.repeat(200_000)} blocked using spamhaus`;
    const started = performance.now();
    const b = classify(record(OTHER, junk));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(b.category).toBe('recipient-unknown');
    const late = `550 ${'x'.repeat(MAX_MATCHED_TEXT_CHARS)} blocked using spamhaus`;
    expect(classify(record(OTHER, late)).category).toBe('unknown');
    expect(classify(record(null, '\u0000\u0001\u0002 garbage \ufffd')).category).toBe('unknown');
  });
});
