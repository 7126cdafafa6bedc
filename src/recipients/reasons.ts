/**
 * Every reason a recipient check gives, written once: its stable id (never reworded once
 * published), the status it carries, what it means and the rule or source behind it. The
 * README's reason table is generated from this list (npm run docs).
 */
import type { PredictedRecipientReply, RecipientStatus } from './types.js';

export interface ReasonSpec {
  readonly status: RecipientStatus;
  readonly meaning: string;
  /** The rule or list it rests on. */
  readonly source: string;
  /** The reply a send would draw, when an MTA or receiver documents one. */
  readonly reply?: PredictedRecipientReply;
}

/** Postfix's own bounce for a domain that does not exist (smtp(8), DNS lookup of the next hop). */
const POSTFIX_HOST_NOT_FOUND: PredictedRecipientReply = {
  enhanced: '5.4.4',
  text: 'Host or domain name not found. Name service error for name=DOMAIN type=MX: Host not found',
  source: 'Postfix smtp(8): the sending MTA bounces without a session (RFC 3463 3.5 X.4.4 unable to route)',
  confidence: 'documented',
};

const NULL_MX_REPLY: PredictedRecipientReply = {
  code: '556',
  enhanced: '5.1.10',
  text: 'Recipient address has null MX',
  source: 'RFC 7505 3.2 (the sending MTA fails it at once), 4.1 (556), 4.2 (X.1.10)',
  confidence: 'documented',
};

const NO_ROUTE_REPLY: PredictedRecipientReply = {
  enhanced: '5.4.4',
  text: 'Host or domain name not found. Name service error for name=HOST type=A: Host not found',
  source: 'Postfix smtp(8) (RFC 3463 3.5 X.4.4 unable to route)',
  confidence: 'documented',
};

const LOOPS_BACK_REPLY: PredictedRecipientReply = {
  enhanced: '5.4.6',
  text: 'mail for DOMAIN loops back to myself (or: connect to HOST: Connection timed out, bounced when the queue lifetime ends)',
  source:
    'Postfix smtp(8) for MX hosts on the sender itself; others time out and expire (RFC 3463 3.5 X.4.6, X.4.7)',
  confidence: 'likely',
};

const SYNTAX_REPLY: PredictedRecipientReply = {
  code: '501',
  enhanced: '5.1.3',
  text: 'Bad recipient address syntax',
  source: 'RFC 3463 3.2 X.1.3; most MTAs refuse it before sending (Postfix: 5.1.3 bad address syntax)',
  confidence: 'likely',
};

const SMTPUTF8_REPLY: PredictedRecipientReply = {
  code: '553',
  enhanced: '5.6.7',
  text: 'Non-ASCII addresses not permitted for that recipient (the receiver lacks SMTPUTF8)',
  source: 'RFC 6531 3.5 (553 5.6.7 when the receiver does not offer SMTPUTF8)',
  confidence: 'documented',
};

const rfc5321 = 'RFC 5321 4.1.2 Mailbox, RFC 5322 3.4.1 addr-spec';

const syntax = (meaning: string, source = rfc5321): ReasonSpec => ({
  status: 'invalid',
  meaning,
  source,
  reply: SYNTAX_REPLY,
});

export const RECIPIENT_REASONS = {
  ok: { status: 'ok', meaning: 'Valid syntax and the domain has a usable MX host.', source: 'RFC 5321 5.1' },
  'ok/implicit-mx': {
    status: 'ok',
    meaning: 'No MX record, but the domain has a public A/AAAA address, which senders use as its mail host.',
    source: 'RFC 5321 5.1 (implicit MX)',
  },
  'ok/not-checked': {
    status: 'ok',
    meaning: 'Valid syntax; the domain was not looked up (--no-dns).',
    source: 'the --no-dns option',
  },
  'input/record-too-long': {
    status: 'invalid',
    meaning: 'The record is longer than any address could be: cut off and skipped to the next line.',
    source: 'RFC 5321 4.5.3.1.3 (256-octet path); MAX_RECORD_CHARS',
  },
  'input/missing-column': {
    status: 'invalid',
    meaning: 'The CSV record has fewer fields than the header: no address column.',
    source: 'RFC 4180 2 (each record has the same number of fields)',
  },
  'syntax/empty': syntax('The address field is empty.'),
  'syntax/control-character': syntax(
    'A control character (or a line break inside a quoted CSV field) in the address.',
    'RFC 5321 4.1.2 (qtextSMTP, atext exclude controls)',
  ),
  'syntax/bad-encoding': syntax('Bytes that are not valid UTF-8 (shown as U+FFFD).', 'RFC 6532 3.1'),
  'syntax/display-name': syntax(
    'A display name or angle brackets ("Ann <ann@example.com>"): give the address alone.',
  ),
  'syntax/missing-at': syntax('No "@" between a local part and a domain.'),
  'syntax/empty-local': syntax('Nothing before the "@".'),
  'syntax/leading-dot': syntax(
    'The local part starts with a dot (outside quotes).',
    'RFC 5321 4.1.2 Dot-string',
  ),
  'syntax/trailing-dot': syntax(
    'The local part ends with a dot (outside quotes).',
    'RFC 5321 4.1.2 Dot-string',
  ),
  'syntax/double-dot': syntax(
    'Two dots in a row in the local part (outside quotes).',
    'RFC 5321 4.1.2 Dot-string',
  ),
  'syntax/bad-local-character': syntax(
    'A character the unquoted local part may not hold (space, comma, brackets...).',
    'RFC 5321 4.1.2 atext, RFC 5322 3.2.3',
  ),
  'syntax/unterminated-quote': syntax(
    'A quoted local part without its closing quote.',
    'RFC 5321 4.1.2 Quoted-string',
  ),
  'syntax/bad-quoted-local': syntax(
    'Text after the closing quote of a quoted local part, or a character a quoted string may not hold.',
    'RFC 5321 4.1.2 Quoted-string',
  ),
  'syntax/local-too-long': syntax('The local part is longer than 64 octets.', 'RFC 5321 4.5.3.1.1'),
  'syntax/too-long': syntax(
    'The address is longer than 254 octets.',
    'RFC 5321 4.5.3.1.3 (256-octet path minus "<>")',
  ),
  'syntax/empty-domain': syntax('Nothing after the "@".'),
  'syntax/bad-domain': syntax(
    'The domain is not a host name: empty labels, characters other than letters, digits and hyphens, a hyphen at a label end, or an all-numeric top-level label.',
    'RFC 5321 4.1.2 Domain, RFC 1123 2.1, RFC 3696 2',
  ),
  'syntax/domain-label-too-long': syntax('A domain label longer than 63 octets.', 'RFC 1035 2.3.4'),
  'syntax/domain-too-long': syntax(
    'The domain is longer than 255 octets.',
    'RFC 5321 4.5.3.1.2, RFC 1035 2.3.4',
  ),
  'syntax/single-label-domain': syntax(
    'A domain of one label ("user@localhost"): not a fully qualified domain.',
    'RFC 5321 2.3.5 (local aliases must not be used)',
  ),
  'syntax/idn-invalid': syntax(
    'An internationalised domain that cannot be converted to A-labels.',
    'UTS #46 (node:url domainToASCII), RFC 5891',
  ),
  'syntax/bad-address-literal': syntax(
    'An address literal that is not [IPv4] or [IPv6:address].',
    'RFC 5321 4.1.3',
  ),
  'domain/special-use': {
    status: 'undeliverable',
    meaning:
      'A special-use domain (.test, .invalid, .example, .localhost, .local...) that is never delivered to on the Internet.',
    source: 'RFC 6761 6, RFC 6762',
    reply: POSTFIX_HOST_NOT_FOUND,
  },
  'domain/nxdomain': {
    status: 'undeliverable',
    meaning: 'The domain does not exist (NXDOMAIN, confirmed by the resolver canary).',
    source: 'RFC 5321 5.1, RFC 3463 X.1.2 / X.4.4',
    reply: POSTFIX_HOST_NOT_FOUND,
  },
  'domain/null-mx': {
    status: 'undeliverable',
    meaning: 'The domain publishes a null MX ("MX 0 .") as its only MX record: it declares it takes no mail.',
    source: 'RFC 7505 3.2',
    reply: NULL_MX_REPLY,
  },
  'domain/no-mail-host': {
    status: 'undeliverable',
    meaning: 'The domain exists but has neither an MX record nor an address to use as implicit MX.',
    source: 'RFC 5321 5.1',
    reply: NO_ROUTE_REPLY,
  },
  'domain/mx-unresolvable': {
    status: 'undeliverable',
    meaning: 'No MX host of the domain has an address (their names do not exist or have no A/AAAA).',
    source: 'RFC 5321 5.1',
    reply: NO_ROUTE_REPLY,
  },
  'domain/mx-not-public': {
    status: 'undeliverable',
    meaning:
      'Every address of the mail hosts is loopback, private, link-local or reserved space: no sender on the Internet can reach it.',
    source: 'RFC 6890 (special-purpose address registries), RFC 1918, RFC 4193',
    reply: LOOPS_BACK_REPLY,
  },
  'domain/some-mx-unusable': {
    status: 'risky',
    meaning:
      'Some MX hosts have no address or only non-public ones, or a null MX stands among other MX records: mail may still go to the others, but the setup is broken.',
    source: 'RFC 5321 5.1 (a sender tries the next MX host); RFC 7505 3 (a null MX is the only MX record)',
  },
  'domain/address-literal': {
    status: 'risky',
    meaning:
      'The domain is an address literal ([192.0.2.1]): valid, but refused by most receivers and never checked here.',
    source: 'RFC 5321 4.1.3',
  },
  'dns/lookup-failed': {
    status: 'unknown',
    meaning: 'The domain could not be measured: a timeout, SERVFAIL or refusal. Never taken as absence.',
    source: 'RFC 2308 7 (SERVFAIL is not absence)',
  },
  'dns/resolver-unreliable': {
    status: 'unknown',
    meaning:
      "The resolver answered NXDOMAIN for the TLD's own SOA (the canary): its answers of absence are not believed.",
    source: 'src/probe/canary.ts',
  },
  'typo/likely-typo': {
    status: 'risky',
    meaning:
      "The domain does not take mail and is a small edit away from a big mailbox provider's domain or one of the list's frequent domains: the suggestion is what was probably meant.",
    source:
      "Damerau-Levenshtein distance to src/recipients/typos.ts PROVIDER_DOMAINS and the list's top domains",
  },
  'typo/provider-lookalike': {
    status: 'risky',
    meaning:
      "The domain takes mail (or was not looked up) but is one edit from a big provider's domain (gmial.com for gmail.com): typo domains like these are typically registered to catch misdirected mail.",
    source: 'src/recipients/typos.ts (one edit from a provider of at least 5 letters)',
  },
  'typo/tld': {
    status: 'risky',
    meaning: 'A mistyped top-level domain (.con, .cmo, .comm): the suggestion has the likely one.',
    source: 'src/recipients/typos.ts TLD_TYPOS',
  },
  disposable: {
    status: 'risky',
    meaning: 'A disposable (throw-away) address domain.',
    source: 'disposable-email-domains-js 1.26.0 (CC0-1.0), the disposable-email-domains community list',
  },
  'smtputf8-local-part': {
    status: 'risky',
    meaning: 'A non-ASCII local part: every hop must support SMTPUTF8, or the send fails.',
    source: 'RFC 6531 3.2, 3.5; RFC 6532',
    reply: SMTPUTF8_REPLY,
  },
  'role-account': {
    status: 'risky',
    meaning:
      'A role account (postmaster, abuse, noreply...): read by a team or no one, complaints and traps are likelier.',
    source: 'RFC 2142 (mailbox names for common services), plus noreply/donotreply',
  },
  duplicate: {
    status: 'risky',
    meaning: 'The same address (domain case ignored) appeared earlier in the list.',
    source: 'RFC 5321 2.4 (domains are case-insensitive)',
  },
  'duplicate-case': {
    status: 'risky',
    meaning:
      'The address differs from an earlier one only in the case of its local part: distinct per RFC 5321 2.4, the same mailbox at almost every provider.',
    source: 'RFC 5321 2.4',
  },
} as const satisfies Record<string, ReasonSpec>;

export type RecipientReason = keyof typeof RECIPIENT_REASONS;

export function reasonSpec(reason: RecipientReason): ReasonSpec {
  return RECIPIENT_REASONS[reason];
}
