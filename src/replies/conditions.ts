/**
 * What each condition means for a person reading a bounce: the cause, the mail-preflight
 * checks that look for it, and the fix. Used by `explain`; a test keeps it complete.
 */
import type { Condition } from '../check.js';

export interface ConditionInfo {
  cause: string;
  /** Check ids (folder names under checks/) that detect this condition. */
  checks: string[];
  fix: string;
}

// Partial rather than Record: a condition added to src/check.ts by another module must not
// break the build here; test/replies/tables.test.ts fails instead until it is described.
export const CONDITION_INFO: Partial<Record<Condition, ConditionInfo>> = {
  'spf-suspicious': {
    cause: "The SPF record has suspicious entries (such as '+all' or broken includes).",
    checks: ['spf'],
    fix: "Remove '+all' and '?all', fix or drop broken includes; end the record with '~all' or '-all'.",
  },
  'spf-cannot-pass': {
    cause: 'SPF cannot pass for the sending IPs: no record, a permerror, or the IPs are not authorized.',
    checks: ['spf'],
    fix: 'Publish one valid SPF record for the envelope (MAIL FROM) domain that authorizes every sending IP, within 10 DNS lookups.',
  },
  'spf-temperror': {
    cause: 'SPF evaluation hit a temporary DNS failure (timeout or SERVFAIL).',
    checks: ['spf'],
    fix: "Make the SPF record's DNS (and every included domain's) answer reliably.",
  },
  'dkim-cannot-pass': {
    cause:
      'DKIM cannot pass: no usable public key for the signing selector (missing, revoked, malformed or too short), or no signature of the message verifies.',
    checks: ['dkim', 'dkim-signature'],
    fix: 'Sign with a selector whose public key (2048-bit RSA recommended) is published at <selector>._domainkey.<domain>.',
  },
  unauthenticated: {
    cause: 'Neither SPF nor DKIM can pass for the sending domain.',
    checks: ['spf', 'dkim'],
    fix: 'Make at least one of SPF or DKIM pass (bulk senders: both).',
  },
  'dmarc-missing': {
    cause: 'No DMARC record is published for the From domain (or its organizational domain).',
    checks: ['dmarc'],
    fix: "Publish TXT at _dmarc.<domain>: 'v=DMARC1; p=none; rua=mailto:...' (p=none is accepted).",
  },
  'dmarc-temperror': {
    cause: 'The DMARC record could not be fetched because of a temporary DNS failure.',
    checks: ['dmarc'],
    fix: 'Make the DNS servers for _dmarc.<domain> answer reliably.',
  },
  'from-not-aligned': {
    cause: 'The From domain is not aligned with the SPF or DKIM domain that passes.',
    checks: ['dmarc', 'spf', 'dkim'],
    fix: 'Use an envelope sender or DKIM d= domain in the same organizational domain as the From address.',
  },
  'ptr-missing': {
    cause: 'The sending IP has no PTR (reverse DNS) record.',
    checks: ['ptr'],
    fix: 'Ask the owner of the IP (hosting provider or ISP) to publish a PTR record naming a host that resolves back to the IP.',
  },
  'ptr-mismatch': {
    cause:
      "The sending IP's PTR name does not resolve back to the sending IP (forward-confirmed reverse DNS fails).",
    checks: ['ptr'],
    fix: 'Publish an A/AAAA record for the PTR name that points to the sending IP, or change the PTR.',
  },
  'ptr-missing-ipv6': {
    cause: 'The sending IPv6 address has no PTR record.',
    checks: ['ptr'],
    fix: 'Publish a PTR for the IPv6 address (with a matching AAAA), or send over IPv4.',
  },
  'ip-blocklisted': {
    cause: 'A sending IP is listed on a DNS blocklist receivers consult (Spamhaus, Barracuda, SpamCop).',
    checks: ['reputation'],
    fix: 'Stop the cause of the listing, then ask the list for removal (its lookup page is in the finding).',
  },
  'domain-blocklisted': {
    cause:
      'A sending domain or a domain the message links to is listed on a domain blocklist (DBL, SURBL, URIBL).',
    checks: ['reputation'],
    fix: 'Clean up the domain or drop the links to it, then ask the list for removal.',
  },
  'ptr-dynamic': {
    cause: "The sending IP's PTR name looks like dynamic or residential address space.",
    checks: ['ptr'],
    fix: 'Send from a static IP with a PTR naming your mail host, or through a relay.',
  },
  'domain-nxdomain': {
    cause: 'The sender domain does not exist in DNS (NXDOMAIN).',
    checks: ['mx'],
    fix: 'Register the domain or send from a domain that exists.',
  },
  'domain-dns-failure': {
    cause: "The sender domain's DNS fails (timeout or SERVFAIL).",
    checks: ['mx'],
    fix: "Fix the domain's authoritative DNS servers and delegation.",
  },
  'null-mx': {
    cause: 'The sender domain publishes a null MX (RFC 7505): it declares it receives no mail.',
    checks: ['mx'],
    fix: 'Publish real MX records for the sending domain, or send from another domain.',
  },
  'tls-missing': {
    cause: 'The sending server does not use TLS (STARTTLS) for SMTP.',
    checks: ['tls'],
    fix: 'Enable STARTTLS on the sending MTA with a valid certificate.',
  },
  'auth-incomplete-microsoft': {
    cause: 'Not all of SPF, DKIM and DMARC (aligned) pass, as Microsoft requires of high-volume senders.',
    checks: ['spf', 'dkim', 'dmarc'],
    fix: 'Make SPF and DKIM pass and publish DMARC (p=none or stronger) aligned with one of them.',
  },
  'message-too-big-gmail': {
    cause: "The message is larger on the wire (CRLF, after base64) than Gmail's 25 MB limit.",
    checks: ['message-size'],
    fix: 'Link large files instead of attaching them; base64 adds a third to every attachment.',
  },
  'message-too-big-microsoft': {
    cause:
      "The message is larger on the wire than Exchange Online's default limits (35 MB sent, 36 MB received).",
    checks: ['message-size'],
    fix: 'Link large files instead of attaching them.',
  },
  'message-headers-over-gmail-limit': {
    cause:
      "The header exceeds one of Gmail's limits: 500 KB in all, 5,000 fields, 32 KB per value, Message-ID 500 or Subject 998 characters, a name 1 KB.",
    checks: ['message-headers'],
    fix: 'Remove repeated or oversized header fields (tracking headers, long References) before sending.',
  },
  'message-not-rfc5322': {
    cause:
      'The message breaks RFC 5322 where Gmail enforces it: From or Message-ID missing, invalid or repeated, or a repeated Subject.',
    checks: ['message-format'],
    fix: 'Emit exactly one valid From, Message-ID and Subject per message.',
  },
  'attachment-blocked': {
    cause:
      'An attachment has a file type Gmail blocks (executables, scripts, disk images, ...), also inside an archive, or is a password-protected archive holding an archive.',
    checks: ['attachments'],
    fix: 'Remove the file from the message (and from its archives) or share it via a link.',
  },
  'attachment-disguised': {
    cause: 'An attachment is an executable (or another blocked type) under a harmless-looking extension.',
    checks: ['attachments'],
    fix: 'Remove the file or share it via a link; attach documents as documents.',
  },
  'attachments-too-many': {
    cause: 'The message has more attachments than the receiver accepts (Exchange Online: 250).',
    checks: ['attachments'],
    fix: 'Combine the files into one archive or share them via a link.',
  },
};
