/**
 * What the receivers answer in the benchmark's Postfix log (bench/postfix-log-gen.ts): for each
 * destination (Gmail, Yahoo/AOL, Microsoft, iCloud, companies' own MXes) its MX hosts, its 250
 * text, and its bounces and deferrals as Postfix logs them (`dsn=`, the text inside
 * `status=...(...)`), each with the category it stands for. The texts are the receivers' own
 * wording; the basic codes of the providers' enhanced codes come from the reply tables in
 * src/replies/ (one table of codes).
 */
import type { BounceCategory } from '../src/bounce/types.js';
import { KNOWN_CODES, REPLY_TABLE } from '../src/replies/index.js';

/** The basic code a provider's table (src/replies/) gives for an enhanced code: one table of codes. */
export function tableCode(provider: string, enhanced: string): number {
  const row =
    REPLY_TABLE.find((r) => r.provider === provider && r.enhanced === enhanced) ??
    KNOWN_CODES.find((k) => k.provider === provider && k.enhanced === enhanced);
  if (!row) throw new Error(`no ${provider} ${enhanced} in src/replies`);
  return row.code;
}

export type Outcome = 'bounced' | 'deferred';

/** One reply a receiver gives: the smtp line's dsn=, its text, and the category it stands for. */
export interface Reply {
  outcome: Outcome;
  dsn: string;
  /** The text inside `status=...(...)`, from the remote host and the recipient. */
  text: (host: string, recipient: string) => string;
  category: BounceCategory;
  /** Relative frequency among the destination's replies of this outcome. */
  weight: number;
}

export interface Destination {
  id: string;
  weight: number;
  domains: readonly string[];
  /** MX hosts as Postfix logs them: name[address]. */
  hosts: readonly string[];
  sent: (rng: () => number) => string;
  replies: readonly Reply[];
}

export const SENDING_IP = '203.0.113.25';

/** Gmail's multi-line replies as Postfix logs them: each line's "550-5.1.1 " kept, joined by spaces. */
function gmailText(enhanced: string, lines: readonly string[], code = tableCode('gmail', enhanced)): string {
  const body = lines.map((l, i) => `${code}${i === lines.length - 1 ? ' ' : '-'}${enhanced} ${l}`).join(' ');
  return `${body} 41be03b00d2f7-5f0b1d2a3c4si1234567a12.123 - gsmtp`;
}

const said = (host: string, text: string, stage = 'RCPT TO') =>
  `host ${host} said: ${text} (in reply to ${stage} command)`;

const reply = (
  outcome: Outcome,
  dsn: string,
  category: BounceCategory,
  weight: number,
  text: (host: string, recipient: string) => string,
): Reply => ({ outcome, dsn, category, weight, text });

/** Gmail's 421 4.7.28: the burst's reply (also seen now and then the rest of the day). */
const GMAIL_RATE_TEXT = gmailText('4.7.28', [
  `[${SENDING_IP}      15] Gmail has detected an unusual rate of unsolicited mail`,
  'originating from your IP address. To protect our users from spam, mail sent from',
  'your IP address has been temporarily rate limited. For more information, go to',
  ' https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk',
  'Email Senders Guidelines.',
]);
export const GMAIL_RATE: Reply = reply('deferred', '4.7.28', 'reputation', 2, (h) =>
  said(h, GMAIL_RATE_TEXT, 'end of DATA'),
);

export const GMAIL: Destination = {
  id: 'gmail',
  weight: 36,
  domains: ['gmail.com', 'googlemail.com'],
  hosts: [
    'gmail-smtp-in.l.google.com[142.250.102.26]',
    'alt1.gmail-smtp-in.l.google.com[142.250.153.27]',
    'alt2.gmail-smtp-in.l.google.com[64.233.184.26]',
  ],
  sent: (rng) =>
    `250 2.0.0 OK  ${1_772_400_000 + Math.floor(rng() * 86_400)} a640c23a62f3a-${Math.floor(rng() * 1e9).toString(36)}si${Math.floor(rng() * 1e7)}.${Math.floor(rng() * 1000)} - gsmtp`,
  replies: [
    reply('bounced', '5.1.1', 'recipient-unknown', 60, (h) =>
      said(
        h,
        gmailText(
          '5.1.1',
          [
            'The email account that you tried to reach does not exist. Please try',
            "double-checking the recipient's email address for typos or",
            'unnecessary spaces. For more information, go to',
            ' https://support.google.com/mail/?p=NoSuchUser',
          ],
          550,
        ),
      ),
    ),
    reply('bounced', '5.2.1', 'mailbox-inactive', 6, (h) =>
      said(
        h,
        gmailText(
          '5.2.1',
          [
            'The email account that you tried to reach is disabled. For more information, go to',
            ' https://support.google.com/mail/?p=DisabledUser',
          ],
          550,
        ),
      ),
    ),
    reply('bounced', '5.2.2', 'mailbox-inactive', 4, (h) =>
      said(
        h,
        gmailText('5.2.2', [
          "The recipient's inbox is out of storage space and inactive. Please direct the",
          'recipient to  https://support.google.com/mail/?p=OverQuotaPerm',
        ]),
        'end of DATA',
      ),
    ),
    reply('bounced', '5.7.1', 'spam-content', 5, (h) =>
      said(
        h,
        gmailText('5.7.1', [
          `[${SENDING_IP}] Our system has detected that this message is likely`,
          'unsolicited mail. To reduce the amount of spam sent to Gmail, this message has',
          'been blocked. For more information, go to',
          ' https://support.google.com/mail/?p=UnsolicitedMessageError',
        ]),
        'end of DATA',
      ),
    ),
    reply('bounced', '5.3.4', 'message-too-big', 1, (h) =>
      said(
        h,
        gmailText('5.3.4', [
          "Your message exceeded Google's message size limits. Please visit",
          ' https://support.google.com/mail/?p=MaxSizeError to view our size guidelines.',
        ]),
        'end of DATA',
      ),
    ),
    reply('deferred', '4.2.2', 'mailbox-full', 20, (h) =>
      said(
        h,
        gmailText('4.2.2', [
          "The recipient's inbox is out of storage space. Please direct the recipient to",
          ' https://support.google.com/mail/?p=OverQuotaTemp',
        ]),
      ),
    ),
    reply('deferred', '4.7.27', 'authentication', 2, (h) =>
      said(
        h,
        gmailText('4.7.27', [
          'This mail has been rate limited because SPF did not pass. Gmail requires all',
          'bulk email senders to authenticate with SPF. For more information, go to',
          ' https://support.google.com/mail/?p=UnauthenticatedRateLimitError',
        ]),
        'end of DATA',
      ),
    ),
    reply('deferred', '4.3.0', 'system-transient', 6, (h) =>
      said(h, gmailText('4.3.0', ['Temporary System Problem.  Try again later (10).']), 'end of DATA'),
    ),
    GMAIL_RATE,
  ],
};

const YAHOO: Destination = {
  id: 'yahoo',
  weight: 12,
  domains: ['yahoo.com', 'aol.com', 'ymail.com'],
  hosts: [
    'mta5.am0.yahoodns.net[67.195.204.72]',
    'mta6.am0.yahoodns.net[98.136.96.74]',
    'mta7.am0.yahoodns.net[67.195.228.94]',
  ],
  sent: () => '250 ok dirdel',
  replies: [
    reply('bounced', '5.0.0', 'recipient-unknown', 60, (h, r) =>
      said(
        h,
        `554 delivery error: dd This user doesn't have a ${r.slice(r.indexOf('@') + 1)} account (${r}) [0] - mta4471.mail.bf1.yahoo.com`,
        'end of DATA',
      ),
    ),
    reply('bounced', '5.7.9', 'policy', 5, (h) =>
      said(
        h,
        `554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes`,
        'end of DATA',
      ),
    ),
    reply('deferred', '4.7.0', 'reputation', 30, (h) =>
      said(
        h,
        `${tableCode('yahoo', '4.7.0')} 4.7.0 [TSS04] Messages from ${SENDING_IP} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes`,
        'MAIL FROM',
      ),
    ),
  ],
};

const MICROSOFT: Destination = {
  id: 'microsoft',
  weight: 16,
  domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com'],
  hosts: [
    'hotmail-com.olc.protection.outlook.com[52.101.40.29]',
    'hotmail-com.olc.protection.outlook.com[52.101.11.19]',
  ],
  sent: (rng) =>
    `250 2.6.0 <${Math.floor(rng() * 1e12).toString(36)}@shop.example> [InternalId=${Math.floor(rng() * 1e13)}, Hostname=AM9P192MB1234.EURP192.PROD.OUTLOOK.COM] 24563 bytes in 0.161, 148.652 KB/sec Queued mail for delivery -> 250 2.1.5`,
  replies: [
    reply('bounced', '5.5.0', 'recipient-unknown', 50, (h) =>
      said(
        h,
        '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). [AM4PEPF00027A6C.eurprd04.prod.outlook.com 2026-03-02T10:15:43.512Z 08DC3A1B2C3D4E5F]',
      ),
    ),
    reply('bounced', '5.7.1', 'blocklisted', 6, (h) =>
      said(
        h,
        `550 5.7.1 Unfortunately, messages from [${SENDING_IP}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [DB5PEPF00014B8F.eurprd02.prod.outlook.com 2026-03-02T10:15:43.512Z 08DC3A1B2C3D4E5F]`,
        'MAIL FROM',
      ),
    ),
    reply('bounced', '5.7.515', 'authentication', 1, (h) =>
      said(
        h,
        `${tableCode('microsoft', '5.7.515')} 5.7.515 Access denied, sending domain shop.example does not meet the required authentication level. The sender's domain in the 5322.From address doesn't meet the authentication requirements defined for the sender. To learn more about how to configure authentication, see https://aka.ms/EmailAuth`,
        'end of DATA',
      ),
    ),
    reply('deferred', '4.7.500', 'rate-limited', 25, (h) =>
      said(
        h,
        `451 4.7.500 Server busy. Please try again later from [${SENDING_IP}]. (S77719) [BN1NAM02FT012.eop-nam02.prod.protection.outlook.com 2026-03-02T10:15:43.512Z 08DC3A1B2C3D4E5F]`,
        'MAIL FROM',
      ),
    ),
  ],
};

const APPLE: Destination = {
  id: 'apple',
  weight: 6,
  domains: ['icloud.com', 'me.com'],
  hosts: ['mx01.mail.icloud.com[17.57.154.33]', 'mx02.mail.icloud.com[17.57.155.34]'],
  sent: (rng) =>
    `250 2.0.0 Ok: queued as ${Math.floor(rng() * 1e12).toString(16)}-${Math.floor(rng() * 1e4)}`,
  replies: [
    reply('bounced', '5.1.1', 'recipient-unknown', 40, (h, r) =>
      said(h, `550 5.1.1 <${r}>: user does not exist`),
    ),
    reply('bounced', '5.7.1', 'policy', 4, (h) =>
      said(
        h,
        '554 5.7.1 [CS01] Message rejected due to local policy. Please visit https://support.apple.com/en-us/HT204137',
        'end of DATA',
      ),
    ),
  ],
};

/** Companies' own MXes: Postfix, Exim, Sendmail and filtering gateways, with their usual texts. */
export const OTHERS: Destination = {
  id: 'other',
  weight: 30,
  domains: Array.from({ length: 40 }, (_, i) => `corp${i}.example`),
  hosts: Array.from({ length: 40 }, (_, i) => `mx${1 + (i % 2)}.corp${i}.example[198.51.100.${10 + i}]`),
  sent: (rng) =>
    `250 2.0.0 Ok: queued as ${Math.floor(rng() * 1e12)
      .toString(16)
      .toUpperCase()}`,
  replies: [
    reply('bounced', '5.1.1', 'recipient-unknown', 50, (h, r) =>
      said(h, `550 5.1.1 <${r}>: Recipient address rejected: User unknown in virtual mailbox table`),
    ),
    reply('bounced', '5.2.1', 'mailbox-inactive', 4, (h, r) =>
      said(h, `550 5.2.1 <${r}>: Recipient address rejected: Account disabled`),
    ),
    reply('bounced', '5.2.2', 'mailbox-full', 5, (h, r) =>
      said(h, `552 5.2.2 <${r}>: Recipient address rejected: Mailbox full`),
    ),
    reply('bounced', '5.7.1', 'blocklisted', 5, (h) =>
      said(
        h,
        `554 5.7.1 Service unavailable; Client host [${SENDING_IP}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/${SENDING_IP}`,
      ),
    ),
    reply('bounced', '5.3.4', 'message-too-big', 2, (h) =>
      said(h, '552 5.3.4 Message size exceeds fixed limit', 'MAIL FROM'),
    ),
    reply('bounced', '5.7.1', 'message-blocked-content', 1, (h) =>
      said(h, '550 5.7.1 Message rejected: virus found (Eicar-Test-Signature)', 'end of DATA'),
    ),
    reply('bounced', '5.4.4', 'recipient-domain', 6, (_h, r) => {
      const domain = r.slice(r.indexOf('@') + 1);
      return `Host or domain name not found. Name service error for name=${domain} type=A: Host not found`;
    }),
    reply('deferred', '4.7.1', 'system-transient', 20, (h) =>
      said(h, '451 4.7.1 Greylisted, please try again in 300 seconds'),
    ),
    reply('deferred', '4.2.2', 'mailbox-full', 6, (h) => said(h, '452 4.2.2 Mailbox full')),
    reply('deferred', '4.4.1', 'network', 16, (h) => `connect to ${h}:25: Connection timed out`),
    reply('deferred', '4.7.0', 'rate-limited', 4, (h) =>
      said(h, '421 4.7.0 Too many connections from your IP, slow down', 'MAIL FROM'),
    ),
  ],
};

export const DESTINATIONS: readonly Destination[] = [GMAIL, YAHOO, MICROSOFT, APPLE, OTHERS];
const repliesOf = (outcome: Outcome) =>
  new Map(DESTINATIONS.map((d) => [d, d.replies.filter((r) => r.outcome === outcome)]));
export const BOUNCES = repliesOf('bounced');
export const DEFERRALS = repliesOf('deferred');
