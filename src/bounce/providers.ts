/**
 * Which mailbox provider answered, and the provider codes the reply tables (src/replies/) do not
 * hold because no condition of ours predicts them: Gmail's 552 5.2.2 reading, Microsoft's
 * blocklist and throttling ranges, Yahoo's [TSxx] deferral tags.
 */
import type { BounceRule } from './rules.js';

export interface ProviderSpec {
  id: string;
  /** Host name suffixes of the provider's MX hosts (matched on a label boundary). */
  hosts: readonly string[];
  /** What the provider writes into its replies. */
  text?: RegExp;
  /** Recipient domains the provider hosts (consumer mail), the last resort. */
  domains?: readonly string[];
}

/** In order: the first whose host suffix, text or recipient domain matches. */
export const PROVIDERS: readonly ProviderSpec[] = [
  {
    id: 'gmail',
    hosts: ['google.com', 'googlemail.com', 'gmail.com'],
    text: /\bgsmtp\b|support\.google\.com|gmail-smtp-in/i,
    domains: ['gmail.com', 'googlemail.com'],
  },
  {
    id: 'yahoo',
    hosts: ['yahoodns.net', 'yahoo.com', 'yahoo.net', 'aol.com'],
    text: /\[TSS?\d\d\]|yahoodns\.net|senders\.yahooinc\.com|postmaster\.yahooinc\.com/i,
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com', 'aol.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de'],
  },
  {
    id: 'microsoft',
    hosts: ['outlook.com', 'hotmail.com', 'microsoft.com', 'office365.com'],
    text: /protection\.outlook\.com|prod\.outlook\.com|\bS3\d{3}\b|hotmail|sender\.office\.com/i,
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'hotmail.co.uk', 'outlook.de'],
  },
  {
    id: 'apple',
    hosts: ['icloud.com', 'me.com', 'mac.com', 'apple.com'],
    text: /support\.apple\.com|icloud\.com/i,
    domains: ['icloud.com', 'me.com', 'mac.com'],
  },
  { id: 'yandex', hosts: ['yandex.net', 'yandex.ru'], domains: ['yandex.ru', 'yandex.com'] },
  { id: 'mailru', hosts: ['mail.ru'], domains: ['mail.ru'] },
  { id: 'gmx', hosts: ['gmx.net', 'web.de', 'gmx.com'], domains: ['gmx.net', 'gmx.de', 'web.de', 'gmx.com'] },
  { id: 'zoho', hosts: ['zoho.com', 'zohomail.com', 'zoho.eu'] },
  { id: 'proton', hosts: ['protonmail.ch', 'proton.me'], domains: ['protonmail.com', 'proton.me'] },
  { id: 'fastmail', hosts: ['messagingengine.com'], domains: ['fastmail.com'] },
  { id: 'comcast', hosts: ['comcast.net'], domains: ['comcast.net'] },
  { id: 'mimecast', hosts: ['mimecast.com'] },
  { id: 'proofpoint', hosts: ['pphosted.com', 'ppe-hosted.com'] },
];

/**
 * The host part of a remote MTA as logs and DSNs write it: "dns; mx.example.com",
 * "mx.example.com[192.0.2.1]:25", "mx.example.com." -> "mx.example.com".
 */
export function remoteHost(remoteMta: string): string {
  return remoteMta
    .replace(/^\s*dns\s*;\s*/i, '')
    .replace(/\[.*$/, '')
    .replace(/:\d+$/, '')
    .trim()
    .replace(/\.$/, '')
    .toLowerCase();
}

/** Distinct remote hosts whose provider is remembered; a log names few, junk could name many. */
const MAX_CACHED_HOSTS = 10_000;
const providerByHost = new Map<string, string | null>();

/** The provider whose MX host suffix the remote MTA ends with (label boundary), or null. */
function providerOfHost(remoteMta: string): string | null {
  let id = providerByHost.get(remoteMta);
  if (id === undefined) {
    const host = remoteHost(remoteMta);
    id = PROVIDERS.find((p) => p.hosts.some((s) => host === s || host.endsWith(`.${s}`)))?.id ?? null;
    if (providerByHost.size >= MAX_CACHED_HOSTS) providerByHost.clear();
    providerByHost.set(remoteMta, id);
  }
  return id;
}

/** The provider by remote MTA host, then by the diagnostic text, then by the recipient domain. */
export function providerOf(
  remoteMta: string | null,
  diagnostic: string | null,
  recipient: string | null,
): string | null {
  const byHost = remoteMta ? providerOfHost(remoteMta) : null;
  if (byHost) return byHost;
  if (diagnostic) {
    const byText = PROVIDERS.find((p) => p.text?.test(diagnostic));
    if (byText) return byText.id;
  }
  const domain = recipient?.slice(recipient.lastIndexOf('@') + 1).toLowerCase();
  if (domain) return PROVIDERS.find((p) => p.domains?.includes(domain))?.id ?? null;
  return null;
}

const MS_NDR = 'Microsoft Learn: Exchange Online and Outlook.com NDR reference';

/**
 * Provider codes outside the reply tables, matched before the generic status rules. Sources:
 * the fact sheet (Gmail), Microsoft's NDR reference, Yahoo's Sender Hub error codes.
 */
export const PROVIDER_RULES: readonly (BounceRule & { source: string })[] = [
  // Gmail: 552 5.2.2 is "out of storage and the account is inactive" (answer 3726730); its
  // transient twin 452 4.2.2 (full, active) falls to the generic X.2.2 rule.
  {
    example: 'gmail 552 5.2.2',
    provider: 'gmail',
    status: '5.2.2',
    category: 'mailbox-inactive',
    source: "Gmail support answer 3726730 'SMTP errors and codes'",
  },
  // Gmail's 554 5.7.0 is "too many unauthenticated commands": SMTP, not sender authentication.
  {
    example: 'gmail 554 5.7.0',
    provider: 'gmail',
    code: 554,
    status: '5.7.0',
    category: 'protocol',
    source: "Gmail support answer 3726730 'SMTP errors and codes'",
  },
  {
    example: 'microsoft 550 5.7.606-649',
    provider: 'microsoft',
    status: /^5\.7\.6(?:0[6-9]|[1-4]\d)$/,
    category: 'blocklisted',
    fix: 'Request delisting of the sending IP at https://sender.office.com after fixing the cause.',
    source: `${MS_NDR} (5.7.606-649: access denied, banned sending IP)`,
  },
  {
    example: 'microsoft 550 5.7.511',
    provider: 'microsoft',
    status: '5.7.511',
    category: 'blocklisted',
    source: `${MS_NDR} (5.7.511: access denied, banned sender)`,
  },
  {
    example: 'microsoft 550 5.7.708',
    provider: 'microsoft',
    status: '5.7.708',
    category: 'reputation',
    source: `${MS_NDR} (5.7.708: access denied, traffic not accepted from this IP)`,
  },
  {
    example: 'microsoft 550 5.7.509',
    provider: 'microsoft',
    status: '5.7.509',
    category: 'authentication',
    authentication: 'dmarc',
    conditions: ['dmarc-missing', 'from-not-aligned'],
    source: `${MS_NDR} (5.7.509: sending domain does not pass DMARC verification)`,
  },
  {
    example: 'microsoft 550 5.7.512',
    provider: 'microsoft',
    status: '5.7.512',
    category: 'message-format',
    conditions: ['message-not-rfc5322'],
    source: `${MS_NDR} (5.7.512: message must be RFC 5322 section 3.6.2 compliant)`,
  },
  // Directory-based edge blocking: the recipient does not exist in the tenant.
  {
    example: 'microsoft 550 5.4.1',
    provider: 'microsoft',
    status: '5.4.1',
    category: 'recipient-unknown',
    source: `${MS_NDR} (5.4.1: recipient address rejected, access denied)`,
  },
  {
    example: 'microsoft 550 5.1.10',
    provider: 'microsoft',
    status: '5.1.10',
    category: 'recipient-unknown',
    source: `${MS_NDR} (5.1.10: recipient not found)`,
  },
  {
    example: 'microsoft 5.2.121, 5.2.122',
    provider: 'microsoft',
    status: /^[45]\.2\.12[12]$/,
    category: 'rate-limited',
    source: `${MS_NDR} (5.2.121/5.2.122: the recipient's hourly receive limit)`,
  },
  {
    example: 'microsoft 451 4.7.650',
    provider: 'microsoft',
    status: /^4\.7\.65\d$/,
    category: 'reputation',
    source: `${MS_NDR} (4.7.650: temporarily rate limited due to IP reputation)`,
  },
  {
    example: 'microsoft 451 4.7.500-699',
    provider: 'microsoft',
    status: /^4\.7\.[56]\d\d$/,
    category: 'rate-limited',
    source: `${MS_NDR} (4.7.500-699: server busy, access denied to new or unknown IPs for now)`,
  },
  // Yahoo defers by tag: [TS01]-[TS03], [TSS04] and kin mean volume or complaints from the IP.
  {
    example: 'yahoo 421 4.7.0 [TSS04]',
    provider: 'yahoo',
    text: /\[TSS?\d\d\]/i,
    category: 'reputation',
    source: "Yahoo Sender Hub 'SMTP error codes' (TS01-TS03, TSS04: user complaints or volume)",
  },
];
