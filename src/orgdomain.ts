/**
 * Organisational domains (RFC 7489 3.2) and identifier alignment (RFC 7489 3.1).
 *
 * RFC 7489 determines the organisational domain with a public suffix list: the public
 * suffix of the name plus one label. It does not say which sections of the list to use.
 * We use the whole Public Suffix List, the private section included (`github.io`,
 * `blogspot.com`, ...): names registered there belong to unrelated parties, so treating
 * `alice.github.io` and `bob.github.io` as one organisation would let one align with the
 * other, and receivers that load the list file as a whole (the usual way) see those
 * entries too. Callers that want the ICANN section only can pass `{ privateDomains: false }`.
 *
 * DMARCbis (RFC 9989) replaces the list by a DNS tree walk; that needs DNS and lives in
 * checks/dmarc/discover.ts.
 */
import { getDomain } from 'tldts';

export interface OrgDomainOptions {
  /** Use the PSL's private section too (default true, see above). */
  privateDomains?: boolean;
}

/** Lower-case, without a trailing dot. */
export function normalizeDomain(domain: string): string {
  const d = domain.trim().toLowerCase();
  return d.endsWith('.') ? d.slice(0, -1) : d;
}

/**
 * The organisational domain of `domain` by the Public Suffix List (RFC 7489 3.2), or null
 * when the name is itself a public suffix (or not a domain name at all).
 */
export function organisationalDomainPsl(domain: string, options: OrgDomainOptions = {}): string | null {
  const d = normalizeDomain(domain);
  if (d === '' || d.includes('..')) return null;
  const org = getDomain(d, {
    allowPrivateDomains: options.privateDomains ?? true,
    // The input is a domain, never a URL or e-mail address: skip hostname extraction.
    extractHostname: false,
    validateHostname: false,
  });
  return org ? normalizeDomain(org) : null;
}

/**
 * Identifier alignment (RFC 7489 3.1): strict ('s') wants the two names equal (case
 * insensitive); relaxed ('r') wants the same organisational domain. Names whose
 * organisational domain cannot be determined (public suffixes) align only when equal.
 */
export function isAligned(a: string, b: string, mode: 'r' | 's', options: OrgDomainOptions = {}): boolean {
  const x = normalizeDomain(a);
  const y = normalizeDomain(b);
  if (x === '' || y === '') return false;
  if (x === y) return true;
  if (mode === 's') return false;
  const ox = organisationalDomainPsl(x, options);
  const oy = organisationalDomainPsl(y, options);
  return ox !== null && ox === oy;
}
