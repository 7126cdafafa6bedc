/** The policy file (`.mail-preflight.yml`) as read: the organisation's expectations and waivers. */

/** DMARC policies in order of strength (RFC 7489 6.3 `p=`). */
export const DMARC_STRENGTH = ['none', 'quarantine', 'reject'] as const;
export type DmarcStrength = (typeof DMARC_STRENGTH)[number];

/** The severity an unmet expectation is reported at. */
export type ExpectationSeverity = 'error' | 'warning';

/**
 * One `expect:` block: expectations for the domains it names (all audited domains when it names
 * none). Each line of the file it came from is kept so findings can point at it.
 */
export interface ExpectationBlock {
  /** Domain patterns: `example.com` (that domain) or `*.example.com` (its subdomains). Empty: all. */
  domains: string[];
  severity: ExpectationSeverity;
  /** The weakest DMARC policy allowed. */
  dmarc?: DmarcStrength;
  /** DKIM selectors that must publish a usable key at the signing domain. */
  dkimSelectors: string[];
  /** Hosts that must be among the domain's MX hosts: a name, or `*.suffix` for any host under it. */
  mxHosts: string[];
  /** Domains that must be reached by an include: (or redirect=) somewhere in the SPF tree. */
  spfIncludes: string[];
  /** The most DNS-querying SPF terms allowed (RFC 7208 4.6.4 caps them at 10). */
  spfMaxLookups?: number;
  /** Lines in the policy file: of the block, and of each of its keys. */
  line: number;
  lines: Partial<Record<ExpectationKey, number>>;
}

export type ExpectationKey = 'dmarc' | 'dkimSelectors' | 'mxHosts' | 'spfIncludes' | 'spfMaxLookups';

export interface Waiver {
  /** A finding id (`spf/too-many-lookups`) or a glob of them (`spf/*`, `*\/no-rua`). */
  finding: string;
  /** Domain patterns as in `expect:`; empty: every domain. */
  domains: string[];
  /** Fleet identity keys (`example.com-1a2b3c4d`); empty: every identity. */
  identities: string[];
  reason: string;
  /** Last day the waiver holds, YYYY-MM-DD, UTC. */
  expires: string;
  line: number;
}

export interface Policy {
  /** The file it was read from, as given (findings and annotations point at it). */
  file: string;
  expect: ExpectationBlock[];
  waivers: Waiver[];
}
