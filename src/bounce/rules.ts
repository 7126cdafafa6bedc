/**
 * Classification rules that hold for every receiver: the meaning RFC 3463 and the IANA SMTP
 * Enhanced Status Codes registry give a status, the basic reply codes of RFC 5321 4.2.3, and
 * the texts receivers use when the code says too little. Provider-specific codes live in the
 * reply tables (src/replies/) and in providers.ts; classify.ts decides the order.
 */
import type { Condition } from '../check.js';
import type { AddressAction, AuthenticationFailure, BounceCategory } from './types.js';

/** One rule: every criterion given must hold. */
export interface BounceRule {
  /** How the README shows the case: '550 5.1.1', 'X.2.2', 'text "Spamhaus"'. */
  example: string;
  /** Only for this provider (see providers.ts). */
  provider?: string;
  /** Enhanced status: exact ('5.2.2'), any class ('X.2.2': 4 or 5), or a pattern. */
  status?: string | RegExp;
  /** Basic reply code(s). */
  code?: number | readonly number[];
  /** Pattern on the diagnostic text. */
  text?: RegExp;
  category: BounceCategory;
  authentication?: AuthenticationFailure;
  /** Conditions of src/check.ts that cause it: their checks and fix come from src/replies/conditions.ts. */
  conditions?: readonly Condition[];
  /** Overrides the category's address action. */
  action?: AddressAction;
  /** Overrides the conditions' and the category's fix. */
  fix?: string;
}

/** What a rule is matched against: status and code as read (from the record or its text). */
export interface RuleInput {
  provider: string | null;
  status: string | null;
  code: number | null;
  text: string;
}

export function ruleMatches(rule: BounceRule, input: RuleInput): boolean {
  if (rule.provider !== undefined && rule.provider !== input.provider) return false;
  if (rule.status !== undefined && !statusMatches(rule.status, input.status)) return false;
  if (rule.code !== undefined) {
    const codes: readonly number[] = typeof rule.code === 'number' ? [rule.code] : rule.code;
    if (input.code === null || !codes.includes(input.code)) return false;
  }
  if (rule.text !== undefined && !rule.text.test(input.text)) return false;
  return true;
}

/** A rule's status pattern against a status: exact, any class ('X.2.2'), or a RegExp. */
export function statusMatches(pattern: string | RegExp, status: string | null): boolean {
  if (status === null) return false;
  if (pattern instanceof RegExp) return pattern.test(status);
  if (pattern.startsWith('X.'))
    return (status.startsWith('4.') || status.startsWith('5.')) && status.slice(1) === pattern.slice(1);
  return status === pattern;
}

/**
 * Statuses too broad to decide alone: detail 0 ("other or undefined", RFC 3463 3.1) and X.7.1
 * ("delivery not authorized, message refused", which receivers use for every policy reason).
 * For these the text decides first, and the status only when no text rule matches.
 */
export function isGenericStatus(status: string): boolean {
  return status.endsWith('.0') || /^[45]\.7\.1$/.test(status);
}

const IANA = 'IANA SMTP Enhanced Status Codes registry';

/**
 * Specific statuses, RFC 3463 section 3 and the IANA registry (X.7.20-X.7.30: RFC 7372,
 * RFC 7505, RFC 8617, RFC 8689). Gmail gives several of X.7.23-X.7.30 other meanings: its
 * reply table is matched before these rules, so only other receivers reach them.
 */
export const STATUS_RULES: readonly BounceRule[] = [
  { example: 'X.1.1', status: 'X.1.1', category: 'recipient-unknown' },
  { example: 'X.1.2', status: 'X.1.2', category: 'recipient-domain' },
  { example: 'X.1.3', status: 'X.1.3', category: 'recipient-unknown' },
  { example: 'X.1.6', status: 'X.1.6', category: 'recipient-unknown' },
  // The sender's address or domain is refused: the recipient is fine.
  { example: 'X.1.7', status: 'X.1.7', category: 'policy' },
  { example: 'X.1.8', status: 'X.1.8', category: 'policy', conditions: ['domain-nxdomain'] },
  // Exchange (on premises too) answers 5.1.10 for a recipient its directory lacks, naming its
  // resolver ("RESOLVER.ADR.RecipientNotFound"); RFC 7505 gives X.1.10 to null MX.
  {
    example: '550 5.1.10 RESOLVER.ADR.RecipientNotFound',
    status: 'X.1.10',
    text: /\bRESOLVER\.ADR\.|recipient not found/i,
    category: 'recipient-unknown',
  },
  // RFC 7505 3: X.1.10 "Recipient address has null MX".
  { example: 'X.1.10', status: 'X.1.10', category: 'recipient-domain' },
  { example: 'X.2.1', status: 'X.2.1', category: 'mailbox-inactive' },
  { example: 'X.2.2', status: 'X.2.2', category: 'mailbox-full' },
  { example: 'X.2.3', status: 'X.2.3', category: 'message-too-big' },
  { example: 'X.3.1', status: 'X.3.1', category: 'system-transient' },
  { example: 'X.3.2', status: 'X.3.2', category: 'system-transient' },
  {
    example: 'X.3.4',
    status: 'X.3.4',
    category: 'message-too-big',
    conditions: ['message-too-big-gmail', 'message-too-big-microsoft'],
  },
  { example: 'X.4.1', status: 'X.4.1', category: 'network' },
  { example: 'X.4.2', status: 'X.4.2', category: 'network' },
  { example: 'X.4.3', status: 'X.4.3', category: 'network' },
  // Postfix and others answer 5.4.4 for "Host or domain name not found": the domain is gone.
  { example: '5.4.4', status: '5.4.4', category: 'recipient-domain' },
  { example: '4.4.4', status: '4.4.4', category: 'network' },
  { example: 'X.4.5', status: 'X.4.5', category: 'system-transient' },
  { example: 'X.4.6', status: 'X.4.6', category: 'network' },
  { example: 'X.4.7', status: 'X.4.7', category: 'expired' },
  { example: 'X.5.x', status: /^[45]\.5\.\d+$/, category: 'protocol' },
  { example: 'X.6.x', status: /^[45]\.6\.\d+$/, category: 'message-format' },
  { example: 'X.7.10', status: 'X.7.10', category: 'tls', conditions: ['tls-missing'] },
  { example: 'X.7.11', status: 'X.7.11', category: 'tls', conditions: ['tls-missing'] },
  ...(['X.7.20', 'X.7.21'] as const).map(
    (status): BounceRule => ({
      example: status,
      status,
      category: 'authentication',
      authentication: 'dkim',
      conditions: ['dkim-cannot-pass'],
    }),
  ),
  {
    example: 'X.7.22',
    status: 'X.7.22',
    category: 'authentication',
    authentication: 'alignment',
    conditions: ['from-not-aligned'],
  },
  ...(['X.7.23', 'X.7.24'] as const).map(
    (status): BounceRule => ({
      example: status,
      status,
      category: 'authentication',
      authentication: 'spf',
      conditions: ['spf-cannot-pass'],
    }),
  ),
  {
    example: 'X.7.25',
    status: 'X.7.25',
    category: 'ptr',
    conditions: ['ptr-missing', 'ptr-mismatch'],
  },
  {
    example: 'X.7.26',
    status: 'X.7.26',
    category: 'authentication',
    authentication: 'unauthenticated',
    conditions: ['unauthenticated'],
  },
  // The sender's domain publishes a null MX: it declared it sends no mail (RFC 7505 4.2).
  { example: 'X.7.27', status: 'X.7.27', category: 'policy', conditions: ['null-mx'] },
  // "Mail flood detected"; Gmail's 4.7.28 (unusual rate of unsolicited mail) means the same.
  { example: 'X.7.28', status: 'X.7.28', category: 'reputation' },
  // ARC validation failure (RFC 8617): authentication, of no kind AuthenticationFailure names.
  { example: 'X.7.29', status: 'X.7.29', category: 'authentication' },
  // REQUIRETLS support required (RFC 8689).
  { example: 'X.7.30', status: 'X.7.30', category: 'tls', conditions: ['tls-missing'] },
  { example: 'X.7.x', status: /^[45]\.7\.([2-9]|1\d)$/, category: 'policy' },
];

/** Cited in the README beside STATUS_RULES. */
export const STATUS_RULES_SOURCE = `RFC 3463 section 3 and the ${IANA}`;

/**
 * Texts, in order: the first match wins, so the more telling texts come first (a blocklist
 * named in a 5.7.1 beats "policy"; "domain does not exist" beats "does not exist").
 */
export const TEXT_RULES: readonly BounceRule[] = [
  // A public DNS blocklist named: the reputation check queries those.
  {
    example:
      'text "blocked using zen.spamhaus.org", "DNSBL" (and without the reputation check: "S3140", "block list")',
    text: /spamhaus|blocked using|\bRBL\b|DNSBL|barracuda|spamcop/i,
    category: 'blocklisted',
    conditions: ['ip-blocklisted'],
  },
  // A receiver's own list (Microsoft's S3140, "banned sending IP"), or one not named.
  {
    example: 'text "S3140", "block list"',
    text: /block ?list|black ?list|(?<!\bnot )\blisted (?:at|on|in|by)\b|\bS3[01]\d\d\b|banned sending IP/i,
    category: 'blocklisted',
  },
  {
    example: 'text "delivery time expired", "retry timeout exceeded"',
    text: /delivery time expired|in the queue too long|retry timeout exceeded|could not be delivered for \d+ days/i,
    category: 'expired',
  },
  {
    example: 'text "too many unauthenticated commands"',
    text: /too many unauthenticated commands|syntax error|command (?:not recognized|unrecognized)|bad sequence of commands|protocol (?:error|violation)|bare (?:LF|linefeed)|line too long/i,
    category: 'protocol',
  },
  {
    example: 'text "PTR", "reverse DNS"',
    text: /\bPTR\b|reverse (?:DNS|lookup|hostname)|\brDNS\b|forward[- ]confirmed/i,
    category: 'ptr',
    conditions: ['ptr-missing', 'ptr-mismatch'],
  },
  {
    example: 'text "TLS required"',
    text: /\bTLS\b|STARTTLS|encryption (?:is )?required|must (?:use|be sent over) (?:TLS|encryption)/i,
    category: 'tls',
    conditions: ['tls-missing'],
  },
  {
    example: 'text "not RFC 5322 compliant"',
    text: /RFC ?5322|RFC ?2822|multiple '?from'? headers|duplicate (?:header|'?from)|(?:missing|invalid|no) message-id/i,
    category: 'message-format',
    conditions: ['message-not-rfc5322'],
  },
  {
    example: 'text "DMARC"',
    text: /\bDMARC\b/i,
    category: 'authentication',
    authentication: 'dmarc',
    conditions: ['dmarc-missing', 'from-not-aligned'],
  },
  {
    example: 'text "not aligned"',
    text: /\balign(?:ed|ment)\b/i,
    category: 'authentication',
    authentication: 'alignment',
    conditions: ['from-not-aligned'],
  },
  {
    example: 'text "DKIM"',
    text: /\bDKIM\b|domainkeys/i,
    category: 'authentication',
    authentication: 'dkim',
    conditions: ['dkim-cannot-pass'],
  },
  {
    example: 'text "SPF"',
    text: /\bSPF\b|sender policy framework/i,
    category: 'authentication',
    authentication: 'spf',
    conditions: ['spf-cannot-pass'],
  },
  {
    example: 'text "unauthenticated"',
    text: /unauthenticated|not authenticated|authentication (?:failed|required|level)/i,
    category: 'authentication',
    authentication: 'unauthenticated',
    conditions: ['unauthenticated'],
  },
  {
    example: 'text "message size exceeds"',
    text: /message (?:size|too (?:big|large))|size (?:limit|exceeds)|exceeds? (?:the )?(?:maximum|fixed maximum|size)|too large/i,
    category: 'message-too-big',
    conditions: ['message-too-big-gmail', 'message-too-big-microsoft'],
  },
  {
    example: 'text "virus", "blocked attachment"',
    text: /virus|malware|infected|attachment|file type|security (?:issue|risk)|executable|dangerous content/i,
    category: 'message-blocked-content',
    conditions: ['attachment-blocked'],
  },
  {
    example: 'text "reputation", "unusual rate", "complaints"',
    text: /reputation|unusual (?:rate|amount|volume)|complaints?\b|sender score/i,
    category: 'reputation',
  },
  {
    example: 'text "spam", "unsolicited"',
    text: /spam|unsolicited|junk mail|content (?:rejected|filter)/i,
    category: 'spam-content',
  },
  {
    example: 'text "rate limit", "too many messages"',
    text: /rate[- ]limit|too many (?:messages|connections|recipients|emails|concurrent)|throttl|slow down|receive limit/i,
    category: 'rate-limited',
  },
  {
    example: 'text "mailbox full", "over quota"',
    text: /mailbox (?:is )?full|over ?quota|quota (?:exceeded|full)|exceeded (?:its |the )?(?:storage|quota)|insufficient storage|out of storage|Postfach (?:ist )?voll|Speicherplatz|bo[iî]te (?:aux lettres |de r[ée]ception )?(?:est )?pleine|quota d[ée]pass[ée]|buz[oó]n (?:est[aá] )?lleno|casella (?:di posta )?(?:[eè] )?piena/i,
    category: 'mailbox-full',
  },
  {
    example: 'text "account disabled", "inactive"',
    text: /inactive|disabled|deactivated|suspended|account (?:is )?(?:locked|closed|expired)|no longer (?:active|in use)/i,
    category: 'mailbox-inactive',
  },
  {
    example: 'text "delivery time expired", "expired"',
    text: /\bexpired\b/i,
    category: 'expired',
  },
  {
    example: 'text "domain not found", "no MX"',
    text: /domain (?:name )?(?:not found|does not exist|doesn't exist)|no such domain|\bno MX\b|null MX|NXDOMAIN|unrouteable (?:mail )?domain|unrouteable address|all relevant MX records point to non-existent hosts|no valid (?:MX|hosts)/i,
    category: 'recipient-domain',
  },
  {
    example: 'text "user unknown", "no such user", "does not exist"',
    text: /user unknown|unknown (?:user|recipient|mailbox|local[- ]part)|no such (?:user|mailbox|recipient|account|address)|does not exist|doesn'?t (?:exist|have an? )|(?:recipient|mailbox|user|address) not found|invalid (?:recipient|mailbox)|recipient (?:address )?rejected|not a valid (?:mailbox|recipient)|mailbox unavailable|not listed in (?:the )?(?:Domino Directory|public Name (?:&|and) Address Book)|address unknown|unknown address|(?:Benutzer|Empf[aä]nger|Adresse|Postfach) (?:ist )?unbekannt|unbekannte[rs]? (?:Benutzer|Empf[aä]nger)|existiert nicht|(?:utilisateur|destinataire|adresse) inconnue?|n'existe pas|(?:usuario|destinatario) desconocido|no existe|(?:utente|destinatario|indirizzo) sconosciuto|non esiste|onbekende (?:gebruiker|ontvanger)|bestaat niet|previously bounced (?:address|recipient)/i,
    category: 'recipient-unknown',
  },
  {
    example: 'text "greylisted", "try again later"',
    text: /gr[ae]ylist|try (?:again )?later|temporar(?:il)?y (?:deferred|unavailable|rejected|failure)|service (?:temporarily )?unavailable|server busy|system (?:is )?busy|insufficient system storage/i,
    category: 'system-transient',
  },
  {
    example: 'text "connection timed out", "connection refused"',
    text: /connection (?:refused|timed out|reset|lost|closed)|lost connection|timed? ?out|network (?:is )?unreachable|no route to host|could not connect|did not accept our requests to connect|retry time not reached|have been failing for a long time|name service error|host (?:or domain name )?not found/i,
    category: 'network',
  },
  {
    example: 'text "relay denied", "policy"',
    text: /relay(?:ing)? (?:access )?denied|not permitted to relay|polic(?:y|ies)|not allowed|access denied|administrative prohibition|refused|(?:has|have) blocked your message|\bISP block\b/i,
    category: 'policy',
  },
];

/** Statuses that stay broad (see isGenericStatus): decided after the text rules. */
export const GENERIC_STATUS_RULES: readonly BounceRule[] = [
  { example: 'X.1.0', status: 'X.1.0', category: 'recipient-unknown' },
  { example: 'X.2.0', status: 'X.2.0', category: 'mailbox-inactive' },
  { example: '4.3.0', status: '4.3.0', category: 'system-transient' },
  { example: '4.4.0', status: '4.4.0', category: 'network' },
  { example: 'X.5.0', status: 'X.5.0', category: 'protocol' },
  { example: 'X.6.0', status: 'X.6.0', category: 'message-format' },
  { example: 'X.7.0', status: 'X.7.0', category: 'policy' },
  { example: 'X.7.1', status: 'X.7.1', category: 'policy' },
];

/** Basic codes (RFC 5321 4.2.3) when nothing else decides: only the unambiguous ones. */
export const CODE_RULES: readonly BounceRule[] = [
  { example: '421', code: 421, category: 'system-transient' },
  { example: '450, 451, 452', code: [450, 451, 452], category: 'system-transient' },
  { example: '500-504', code: [500, 501, 502, 503, 504], category: 'protocol' },
  { example: '530, 535', code: [530, 535], category: 'policy' },
  { example: '551, 553', code: [551, 553], category: 'recipient-unknown' },
  { example: '554', code: 554, category: 'policy' },
];
