/**
 * DKIM selectors cannot be listed from DNS, so discovery can only try names that mail
 * suites and ESPs are known to use. A key not found here may well exist under another
 * selector: discovery failing is never proof that a domain has no DKIM.
 *
 * Not discoverable, on purpose left out:
 * - Amazon SES Easy DKIM: three random tokens per identity (`<token>._domainkey` CNAME
 *   `<token>.dkim.amazonses.com`).
 * - SparkPost: `scph<MMYY>` (month of creation), Postmark: `<timestamp>pm`, HubSpot:
 *   `hs1-<portal id>`, Salesforce Marketing Cloud: `<chosen>`; too many variants to guess.
 */
import { isDnsName } from '../shared/dns.js';

export interface DiscoverySelector {
  selector: string;
  /** Who uses it; a hint for the report, not a proof. */
  provider: string;
}

export const DKIM_DISCOVERY_SELECTORS: readonly DiscoverySelector[] = [
  { selector: 'google', provider: 'Google Workspace' },
  { selector: 'selector1', provider: 'Microsoft 365' }, // CNAME to selector1-<domain>._domainkey.<tenant>.onmicrosoft.com
  { selector: 'selector2', provider: 'Microsoft 365' },
  { selector: 'k1', provider: 'Mailchimp / Mandrill' },
  { selector: 'k2', provider: 'Mailchimp / Mandrill' },
  { selector: 'k3', provider: 'Mailchimp / Mandrill' },
  { selector: 'mandrill', provider: 'Mandrill (legacy)' },
  { selector: 's1', provider: 'SendGrid' },
  { selector: 's2', provider: 'SendGrid' },
  { selector: 'smtpapi', provider: 'SendGrid (legacy)' },
  { selector: 'pm', provider: 'Postmark (older setups; newer use <timestamp>pm)' },
  { selector: 'mx', provider: 'Mailgun' },
  { selector: 'smtp', provider: 'Mailgun' },
  { selector: 'krs', provider: 'Mailgun' },
  { selector: 'mailjet', provider: 'Mailjet' },
  { selector: 'brevo1', provider: 'Brevo (Sendinblue)' },
  { selector: 'brevo2', provider: 'Brevo (Sendinblue)' },
  { selector: 'cm', provider: 'Campaign Monitor' },
  { selector: 'litesrv', provider: 'MailerLite' },
  { selector: 'resend', provider: 'Resend' },
  { selector: 'zoho', provider: 'Zoho Mail' },
  { selector: 'zmail', provider: 'Zoho Mail' },
  { selector: 'protonmail', provider: 'Proton Mail' },
  { selector: 'protonmail2', provider: 'Proton Mail' },
  { selector: 'protonmail3', provider: 'Proton Mail' },
  { selector: 'fm1', provider: 'Fastmail' },
  { selector: 'fm2', provider: 'Fastmail' },
  { selector: 'fm3', provider: 'Fastmail' },
  { selector: 'sig1', provider: 'iCloud Mail (custom domain)' },
  { selector: 'mxvault', provider: 'MXroute / MxVault' },
  { selector: 'default', provider: 'cPanel, Plesk, rspamd and other self-hosted defaults' },
  { selector: 'dkim', provider: 'self-hosted (common choice)' },
  { selector: 'mail', provider: 'Brevo (older), Yandex 360, self-hosted' },
  { selector: 'm1', provider: 'self-hosted (common choice)' },
  { selector: '20230601', provider: 'Google (gmail.com-style dated selector)' },
  { selector: '20161025', provider: 'Google (gmail.com-style dated selector)' },
];

/** Known delegation targets: a selector CNAME ending in one of these names the ESP. */
export const DKIM_DELEGATION_SUFFIXES: readonly { suffix: string; provider: string }[] = [
  { suffix: 'onmicrosoft.com', provider: 'Microsoft 365' },
  { suffix: 'dkim.amazonses.com', provider: 'Amazon SES' },
  { suffix: 'sendgrid.net', provider: 'SendGrid' },
  { suffix: 'mcsv.net', provider: 'Mailchimp' },
  { suffix: 'mandrillapp.com', provider: 'Mandrill' },
  { suffix: 'mailgun.org', provider: 'Mailgun' },
  { suffix: 'protonmail.ch', provider: 'Proton Mail' },
  { suffix: 'messagingengine.com', provider: 'Fastmail' },
  { suffix: 'sparkpostmail.com', provider: 'SparkPost' },
  { suffix: 'hubspotemail.net', provider: 'HubSpot' },
  { suffix: 'zoho.com', provider: 'Zoho Mail' },
];

/** The provider a CNAME chain delegates the key to, when its last target is a known one. */
export function delegationProvider(cnameChain: readonly string[]): string | undefined {
  const last = cnameChain[cnameChain.length - 1];
  if (last === undefined) return undefined;
  const name = last.toLowerCase().replace(/\.$/, '');
  for (const { suffix, provider } of DKIM_DELEGATION_SUFFIXES) {
    if (name === suffix || name.endsWith(`.${suffix}`)) return provider;
  }
  return undefined;
}

/** Provider hint for a selector of the built-in list. */
export function discoveryProvider(selector: string): string | undefined {
  const s = selector.toLowerCase();
  return DKIM_DISCOVERY_SELECTORS.find((d) => d.selector === s)?.provider;
}

/** RFC 6376 3.1 selector: sub-domain *( "." sub-domain ), as DNS labels (underscores allowed). */
export function isValidSelector(selector: string): boolean {
  return isDnsName(selector, { underscore: true });
}
