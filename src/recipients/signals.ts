/** Address signals that need no DNS: role accounts and disposable-address domains. */
import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';

/**
 * Role mailboxes: RFC 2142 3-5 (business, network operations and support service names), plus
 * the no-reply names senders use. Compared lower-cased, without a +tag.
 */
export const ROLE_LOCAL_PARTS: ReadonlySet<string> = new Set([
  // RFC 2142 3: business related
  'info',
  'marketing',
  'sales',
  'support',
  // RFC 2142 4: network operations
  'abuse',
  'noc',
  'security',
  // RFC 2142 5: support for specific services
  'postmaster',
  'hostmaster',
  'usenet',
  'news',
  'webmaster',
  'www',
  'uucp',
  'ftp',
  // not in RFC 2142: nobody reads these
  'noreply',
  'no-reply',
  'no_reply',
  'donotreply',
  'do-not-reply',
  'do_not_reply',
  'mailer-daemon',
]);

/** Whether a local part names a role, not a person. */
export function isRoleAccount(local: string): boolean {
  const plain = local.toLowerCase();
  const plus = plain.indexOf('+');
  return ROLE_LOCAL_PARTS.has(plus > 0 ? plain.slice(0, plus) : plain);
}

let disposable: ReadonlySet<string> | undefined;

/**
 * Whether the domain (or a parent of it) is on the disposable-address list of
 * disposable-email-domains-js (CC0-1.0; version 1.26.0, published 2026-09-21), loaded once.
 */
export function isDisposableDomain(domain: string): boolean {
  disposable ??= disposableEmailBlocklistSet();
  for (let d = domain; ; ) {
    if (disposable.has(d)) return true;
    const dot = d.indexOf('.');
    if (dot < 0) return false;
    d = d.slice(dot + 1);
    if (!d.includes('.')) return false;
  }
}
