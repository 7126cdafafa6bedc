/**
 * The DNS blocklists the reputation check knows, as data: one entry per list with its zone, what
 * it lists (IPs or domains), how its answers decode, which answers are refusals, its test entries,
 * its lookup/delisting page, its usage terms and where each fact was read. Decoding lives in
 * decode.ts; nothing here does I/O.
 *
 * Every code below was checked against the list's own documentation (the `sources` of each
 * entry, read 2026-12 through the stored copies of those pages). Where a fact could not be
 * verified first-hand it says so in `unverified`, and the README repeats it.
 */

export type ListKind = 'ip' | 'domain';

/**
 * What a listing means, by finding: the check publishes one finding per category so that a
 * PBL listing (policy: "do not send direct to MX") reads differently from an SBL one (spam).
 */
export type ListCategory = 'sbl' | 'css' | 'xbl' | 'drop' | 'pbl' | 'ip' | 'dbl' | 'surbl' | 'uribl';

export interface CodeMeaning {
  category: ListCategory;
  /** One line, the list's own words shortened. */
  meaning: string;
}

/**
 * How a list answers: `codes` maps each documented A-record answer to its meaning (several
 * records may come back, one per sub-list); `bitmask` reads the last octet of 127.0.0.X as bits,
 * each bit one sub-list (SURBL and URIBL `multi`). Any answer outside these is "unexpected".
 */
export type Decoding =
  | { type: 'codes'; codes: Readonly<Record<string, CodeMeaning>> }
  | {
      type: 'bitmask';
      bits: readonly { bit: number; meaning: string }[];
      category: ListCategory;
    };

export interface Blocklist {
  /** Stable id, used by `blocklists` in a config and by --blocklist. */
  id: string;
  name: string;
  /** The public zone queried: `<item>.<zone>`. */
  zone: string;
  kind: ListKind;
  decoding: Decoding;
  /**
   * Answers that are refusals, never listings (reason by code), and address prefixes whose
   * every answer is a refusal (Spamhaus: 127.255.255.0/24 is its error range).
   */
  refusals: Readonly<Record<string, string>>;
  refusalPrefixes?: readonly string[];
  /** For bitmask lists: the bit that means "query refused" (URIBL and SURBL use 1). */
  refusalBit?: number;
  /** An entry the list documents as always listed (RFC 5782 5: 127.0.0.2, or the domain form). */
  testListed: string;
  /** An entry that must never be listed (RFC 5782 5: 127.0.0.1, or `invalid` for domain lists). */
  testNotListed: string;
  /** Where a listed item can be looked up and delisted; `{item}` is the IP or domain. */
  lookupUrl: string;
  /** The Spamhaus Data Query Service form of the zone: `<key>.<dqsZone>`. */
  dqsZone?: string;
  /** Free-use terms in one line (README and findings). */
  terms: string;
  /** Queries a day the free use allows, when the list publishes a number. */
  freeQueriesPerDay?: number;
  /** The querying resolver must be registered with the list (Barracuda). */
  needsRegistration?: boolean;
  /** Queried unless the config picks lists itself. */
  byDefault: boolean;
  /** Why the list is among the defaults (README). */
  why: string;
  sources: readonly string[];
  /** What could not be verified first-hand. */
  unverified?: string;
}

/** RFC 5782 5: an IPv4 DNSxL lists 127.0.0.2 for testing and never lists 127.0.0.1. */
export const RFC5782_TEST_LISTED_IPV4 = '127.0.0.2';
export const RFC5782_TEST_NOT_LISTED_IPV4 = '127.0.0.1';
/** RFC 5782 5: a domain DNSxL lists `test` and never lists `invalid`. */
export const RFC5782_TEST_NOT_LISTED_DOMAIN = 'invalid';

/**
 * Spamhaus free use (DNSBL usage terms): non-commercial use, under 100,000 SMTP connections a
 * day and under 300,000 DNSBL queries a day. A run that would pass the query figure without a
 * DQS key is warned about (fleet).
 */
export const SPAMHAUS_FREE_QUERIES_PER_DAY = 300_000;

const SPAMHAUS_TERMS =
  'free for non-commercial use under 100,000 SMTP connections and 300,000 queries a day, through ' +
  'your own resolver (public resolvers are refused); otherwise a DQS key (--dqs-key)';
const SPAMHAUS_ZONES_DOC =
  'https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html';
const SPAMHAUS_ERRORS_DOC = 'https://www.spamhaus.org/news/article/788/';
const SPAMHAUS_TERMS_DOC =
  'https://www.spamhaus.com/resource-center/isps-ensure-you-your-customers-have-continued-access-to-spamhauss-dnsbls/';

/** Spamhaus error codes (news article 788 and the zones page): never reputation. */
const SPAMHAUS_REFUSALS: Readonly<Record<string, string>> = {
  '127.255.255.252': 'typo in the DNSBL zone name (or an invalid DQS key)',
  '127.255.255.254': 'query through a public or open resolver (Spamhaus refuses those)',
  '127.255.255.255': 'excessive number of queries (rate limited)',
};
/** "A new range containing return codes (127.255.255.0/24) ... errors", news article 788. */
const SPAMHAUS_ERROR_RANGE = '127.255.255.';

const zen = (code: string, category: ListCategory, meaning: string) => [code, { category, meaning }] as const;

export const BLOCKLISTS: readonly Blocklist[] = [
  {
    id: 'spamhaus-zen',
    name: 'Spamhaus ZEN',
    zone: 'zen.spamhaus.org',
    kind: 'ip',
    decoding: {
      type: 'codes',
      codes: Object.fromEntries([
        zen('127.0.0.2', 'sbl', 'SBL: a verified spam source or spam operation'),
        zen('127.0.0.3', 'css', 'SBL CSS: snowshoe or automated spam source'),
        zen('127.0.0.4', 'xbl', 'XBL: exploited or infected host (CBL data)'),
        // The zones page lists .5 to .7 as XBL codes "currently unused": still XBL if they come.
        zen('127.0.0.5', 'xbl', 'XBL: exploited or infected host'),
        zen('127.0.0.6', 'xbl', 'XBL: exploited or infected host'),
        zen('127.0.0.7', 'xbl', 'XBL: exploited or infected host'),
        zen('127.0.0.9', 'drop', 'SBL DROP: hijacked or criminal netblock (do not route or peer)'),
        zen(
          '127.0.0.10',
          'pbl',
          'PBL (ISP-maintained): end-user space that should not send directly to MX hosts',
        ),
        zen(
          '127.0.0.11',
          'pbl',
          'PBL (Spamhaus-maintained): space that should not send directly to MX hosts',
        ),
        zen('127.0.0.30', 'sbl', 'SBL BCL: botnet controller'),
      ]),
    },
    refusals: SPAMHAUS_REFUSALS,
    refusalPrefixes: [SPAMHAUS_ERROR_RANGE],
    testListed: RFC5782_TEST_LISTED_IPV4,
    testNotListed: RFC5782_TEST_NOT_LISTED_IPV4,
    lookupUrl: 'https://check.spamhaus.org/results/?query={item}',
    dqsZone: 'zen.dq.spamhaus.net',
    terms: SPAMHAUS_TERMS,
    freeQueriesPerDay: SPAMHAUS_FREE_QUERIES_PER_DAY,
    byDefault: true,
    why: 'the most widely used IP blocklist; Microsoft, many ISPs and most open-source MTAs consult it',
    sources: [SPAMHAUS_ZONES_DOC, SPAMHAUS_ERRORS_DOC, SPAMHAUS_TERMS_DOC],
  },
  {
    id: 'spamhaus-dbl',
    name: 'Spamhaus DBL',
    zone: 'dbl.spamhaus.org',
    kind: 'domain',
    decoding: {
      type: 'codes',
      codes: Object.fromEntries([
        zen('127.0.1.2', 'dbl', 'low-reputation (spam) domain'),
        zen('127.0.1.4', 'dbl', 'phishing domain'),
        zen('127.0.1.5', 'dbl', 'malware domain'),
        zen('127.0.1.6', 'dbl', 'botnet command and control domain'),
        zen('127.0.1.102', 'dbl', 'abused legitimate domain (spam)'),
        zen('127.0.1.103', 'dbl', 'abused redirector or URL shortener'),
        zen('127.0.1.104', 'dbl', 'abused legitimate domain (phishing)'),
        zen('127.0.1.105', 'dbl', 'abused legitimate domain (malware)'),
        zen('127.0.1.106', 'dbl', 'abused legitimate domain (botnet command and control)'),
      ]),
    },
    refusals: {
      ...SPAMHAUS_REFUSALS,
      '127.0.1.255': 'an IP address was queried against a domain list (DBL lists names only)',
    },
    refusalPrefixes: [SPAMHAUS_ERROR_RANGE],
    testListed: 'dbltest.com',
    testNotListed: RFC5782_TEST_NOT_LISTED_DOMAIN,
    lookupUrl: 'https://check.spamhaus.org/results/?query={item}',
    dqsZone: 'dbl.dq.spamhaus.net',
    terms: SPAMHAUS_TERMS,
    freeQueriesPerDay: SPAMHAUS_FREE_QUERIES_PER_DAY,
    byDefault: true,
    why: 'the Spamhaus domain list: receivers check sender and link domains against it',
    sources: [SPAMHAUS_ZONES_DOC, SPAMHAUS_ERRORS_DOC, SPAMHAUS_TERMS_DOC],
    unverified:
      'the test entry dbltest.com is documented by Spamhaus (DBL FAQ) but was read here only in client ' +
      'libraries; if it is wrong the list reads as unreliable (unknown), never as listed',
  },
  {
    id: 'barracuda',
    name: 'Barracuda BRBL',
    zone: 'b.barracudacentral.org',
    kind: 'ip',
    decoding: {
      type: 'codes',
      codes: { '127.0.0.2': { category: 'ip', meaning: 'listed by the Barracuda Reputation System' } },
    },
    refusals: {},
    testListed: RFC5782_TEST_LISTED_IPV4,
    testNotListed: RFC5782_TEST_NOT_LISTED_IPV4,
    lookupUrl: 'https://www.barracudacentral.org/lookups/lookup-reputation',
    terms: 'free, but the querying resolver must be registered at barracudacentral.org first',
    needsRegistration: true,
    byDefault: true,
    why: 'Barracuda appliances and its public list are common at corporate receivers',
    sources: [
      'http://www.barracudacentral.org/rbl/how-to-use',
      'https://whatismyipaddress.com/blacklist/barracudacentral',
    ],
    unverified:
      'how BRBL answers an unregistered resolver is not documented (no answer or a refusal): either ' +
      'reads as unknown here',
  },
  {
    id: 'spamcop',
    name: 'SpamCop SCBL',
    zone: 'bl.spamcop.net',
    kind: 'ip',
    decoding: {
      type: 'codes',
      codes: { '127.0.0.2': { category: 'ip', meaning: 'sent mail reported as spam to SpamCop recently' } },
    },
    refusals: {},
    testListed: RFC5782_TEST_LISTED_IPV4,
    testNotListed: RFC5782_TEST_NOT_LISTED_IPV4,
    lookupUrl: 'https://www.spamcop.net/bl.shtml?{item}',
    terms: 'free; listings expire by themselves about a day after the reports stop',
    byDefault: true,
    why: 'a fast, report-driven list many smaller receivers and filters use; it delists by itself',
    sources: ['https://www.spamcop.net/bl.shtml', 'https://www.rfc-editor.org/rfc/rfc5782#section-5'],
    unverified:
      'the 127.0.0.2 answer is the RFC 5782 convention SpamCop follows; its page gives no code table',
  },
  {
    id: 'surbl',
    name: 'SURBL multi',
    zone: 'multi.surbl.org',
    kind: 'domain',
    decoding: {
      type: 'bitmask',
      category: 'surbl',
      bits: [
        { bit: 4, meaning: 'DM: disposable email domain' },
        { bit: 8, meaning: 'PH: phishing' },
        { bit: 16, meaning: 'MW: malware' },
        { bit: 32, meaning: 'CT: click-tracking domain' },
        { bit: 64, meaning: 'ABUSE: spam and abuse sites' },
        { bit: 128, meaning: 'CR: cracked sites' },
      ],
    },
    refusals: {},
    refusalBit: 1,
    testListed: 'test.surbl.org',
    testNotListed: RFC5782_TEST_NOT_LISTED_DOMAIN,
    lookupUrl: 'https://www.surbl.org/surbl-analysis',
    terms: 'free for low-volume use through public DNS; a data feed otherwise',
    byDefault: true,
    why: 'the main list of domains linked from spam; content filters (SpamAssassin, rspamd) use it',
    sources: [
      'https://www.surbl.org/lists (copied at https://pipelinedata.tilda.ws/surbl)',
      'https://www.securityzones.net/new-return-codes-added-to-surbl-multi/',
    ],
    unverified:
      'bit 1 (127.0.0.1) as "query blocked" follows URIBL and SpamAssassin practice; SURBL pages read ' +
      'here do not state it. It reads as a refusal, never a listing',
  },
  {
    id: 'uribl',
    name: 'URIBL multi',
    zone: 'multi.uribl.com',
    kind: 'domain',
    decoding: {
      type: 'bitmask',
      category: 'uribl',
      bits: [
        { bit: 2, meaning: 'black: domain used by spammers' },
        { bit: 4, meaning: 'grey: domain seen in bulk mail, may honour opt-outs' },
        { bit: 8, meaning: 'red: young or privacy-protected domain active in mail flow' },
      ],
    },
    refusals: {},
    refusalBit: 1,
    testListed: 'test.uribl.com',
    testNotListed: RFC5782_TEST_NOT_LISTED_DOMAIN,
    lookupUrl: 'https://admin.uribl.com/?section=lookup',
    terms:
      'free for low-volume use through your own resolver; large public resolvers are refused (127.0.0.1)',
    byDefault: true,
    why: 'the other widely used list of domains linked from spam (SpamAssassin URIBL_* rules)',
    sources: ['https://uribl.com/about.shtml', 'https://uribl.com/refused.shtml'],
    unverified: 'the test entry test.uribl.com was read in client documentation, not on uribl.com',
  },
];

/** Ids of every known list. */
export const BLOCKLIST_IDS: readonly string[] = BLOCKLISTS.map((l) => l.id);

export function blocklistById(id: string): Blocklist | undefined {
  return BLOCKLISTS.find((l) => l.id === id);
}
