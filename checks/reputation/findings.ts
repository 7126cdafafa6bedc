/** The reputation check's published findings (ids 'reputation/<key>'): never reword them. */
import type { FindingSpecs } from '../../src/check.js';

const LISTED_MESSAGE = '{item} is listed on {list} ({query} answers {codes}: {meaning}).{reason}';
/** `{access}` is what else the list needs: a Spamhaus DQS key, or registering the resolver. */
const RESOLVER_FIX =
  'Query through your own recursive resolver, not a shared public resolver (Google, Cloudflare, Quad9){access}, then run again.';

export const REPUTATION_FINDINGS = {
  'ip-listed-sbl': {
    severity: 'error',
    title: 'Sending IP is on the Spamhaus SBL',
    message: LISTED_MESSAGE,
    fix:
      'Find and stop the spam from {item} (compromised account, form abuse, purchased list), then ask for ' +
      'removal at {lookup}. Receivers using Spamhaus ZEN refuse mail from it meanwhile.',
    conditions: ['ip-blocklisted'],
  },
  'ip-listed-css': {
    severity: 'error',
    title: 'Sending IP is on the Spamhaus CSS (snowshoe spam)',
    message: LISTED_MESSAGE,
    fix:
      'CSS lists IPs that send low-volume spam from many addresses: check what {item} sends (list hygiene, ' +
      'consent, HELO and PTR consistency), then ask for removal at {lookup}.',
    conditions: ['ip-blocklisted'],
  },
  'ip-listed-xbl': {
    severity: 'error',
    title: 'Sending IP is on the Spamhaus XBL (exploited host)',
    message: LISTED_MESSAGE,
    fix:
      'A machine behind {item} is infected or an open proxy: find and clean it (or block outbound port 25 ' +
      'for everything but your mail server), then remove the listing at {lookup}.',
    conditions: ['ip-blocklisted'],
  },
  'ip-listed-drop': {
    severity: 'error',
    title: 'Sending IP is in a Spamhaus DROP netblock',
    message: LISTED_MESSAGE,
    fix:
      'DROP lists hijacked or criminal netblocks: mail from {item} will not be accepted. Send from address ' +
      'space of a reputable provider; see {lookup}.',
    conditions: ['ip-blocklisted'],
  },
  'ip-listed-pbl': {
    severity: 'error',
    title: 'Sending IP is on the Spamhaus PBL (should not send directly to MX hosts)',
    message: LISTED_MESSAGE,
    fix:
      "This address should not send directly to MX hosts: relay through your provider's submission " +
      'server (or an ESP). If {item} really is a static mail server, its owner can remove it at {lookup}.',
    conditions: ['ip-blocklisted'],
  },
  'ip-listed': {
    severity: 'error',
    title: 'Sending IP is on a blocklist',
    message: LISTED_MESSAGE,
    fix: 'Find why {item} sent mail the list counts as spam, stop it, then ask for removal at {lookup}.',
    conditions: ['ip-blocklisted'],
  },
  'domain-listed-dbl': {
    severity: 'error',
    title: 'Sending domain is on the Spamhaus DBL',
    message: '{item} ({roles}) is listed on {list} ({query} answers {codes}: {meaning}).{reason}',
    fix:
      'Receivers using the DBL refuse or junk mail naming {item}. Clean up what it was used for (a ' +
      'compromised site, a redirector, spam), then ask for removal at {lookup}.',
    conditions: ['domain-blocklisted'],
  },
  'domain-listed-surbl': {
    severity: 'error',
    title: 'Sending domain is on SURBL',
    message: '{item} ({roles}) is listed on {list} ({query} answers {codes}: {meaning}).{reason}',
    fix: 'Clean up the site or mail that got {item} listed, then ask for removal at {lookup}.',
    conditions: ['domain-blocklisted'],
  },
  'domain-listed-uribl': {
    severity: 'warning',
    title: 'Sending domain is on URIBL',
    message: '{item} ({roles}) is listed on {list} ({query} answers {codes}: {meaning}).{reason}',
    fix:
      'Content filters score mail naming {item} as spam. Find why it was listed (bulk mail without consent, ' +
      'new or privacy-protected registration), then ask for removal at {lookup}.',
    conditions: ['domain-blocklisted'],
  },
  'link-domain-listed': {
    severity: 'error',
    title: 'A domain linked from the message is on a blocklist',
    message: 'The message links to {item}, listed on {list} ({query} answers {codes}: {meaning}).{reason}',
    fix:
      'Remove or replace the links to {item} (a shortener or tracker you do not control is a common cause), ' +
      'or get it delisted at {lookup}: content filters junk or refuse mail linking to it.',
    conditions: ['domain-blocklisted'],
  },
  'list-refused': {
    severity: 'unknown',
    title: 'A blocklist refused the query (not a listing)',
    message:
      '{list} answered {query} with {code}: {reason}. This is a refusal, not a listing; {list} was not checked.',
    fix: RESOLVER_FIX,
  },
  'list-unreliable': {
    severity: 'unknown',
    title: 'A blocklist does not answer its test entries correctly',
    message:
      '{list} answered its test entry {query} with {answer}, but it must {must}. {why} Its answers are ' +
      'not believed this run.',
    fix: 'Drop {list} from the lists (blocklists in the config) if it has shut down; else run again through your own resolver.',
  },
  'lookup-failed': {
    severity: 'unknown',
    title: 'A blocklist lookup failed (DNS error)',
    message: 'The lookup of {query} failed ({error}): whether {item} is listed on {list} is unknown.',
    fix: RESOLVER_FIX,
  },
  'unexpected-answer': {
    severity: 'unknown',
    title: 'A blocklist gave an answer it does not document',
    message:
      '{list} answered {query} with {codes}, which its documentation does not define: whether {item} is ' +
      'listed is unknown.',
    fix: 'Look {item} up by hand at {lookup}; {list} may have changed its codes.',
  },
  'not-checked': {
    severity: 'info',
    title: 'Some IPs or domains were not looked up (bound)',
    message: '{count} item(s) over the bounds were not looked up: {items}.',
    fix: 'Audit them separately (at most {maxIps} IPs and {maxLinks} link domains are looked up per audit).',
  },
  'unknown-list': {
    severity: 'warning',
    title: 'A configured blocklist is not known',
    message: 'The configured blocklist "{id}" is not one of the known lists ({known}); it was ignored.',
    fix: 'Use one of: {known} (or "none").',
  },
} as const satisfies FindingSpecs;

export type ReputationFindingKey = keyof typeof REPUTATION_FINDINGS;
