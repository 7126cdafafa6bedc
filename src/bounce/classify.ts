/**
 * Classify one bounce: read the enhanced status first (RFC 3463 class.subject.detail), treat the
 * basic code as the headline, then the provider's own codes and texts. Stages, first match wins:
 *   1. the provider's reply table (src/replies/: Gmail 4.7.27 is SPF, 4.7.30 DKIM, ...);
 *   2. provider codes outside the tables (providers.ts: Gmail 552 5.2.2, Microsoft 5.7.606, ...);
 *   3. a specific status, by RFC 3463 and the IANA registry (5.1.1, 4.2.2, 5.3.4, ...);
 *   4. the text (a blocklist named in a 5.7.1, "mailbox full" under a bare 550, ...);
 *   5. a broad status (X.7.1, detail 0), then the basic code alone.
 * The checks that see a cause, and its fix, come from the conditions in src/replies/conditions.ts.
 *
 * Address actions (CATEGORY_SPECS): `552 5.3.4` never suppresses (message-too-big is a message
 * problem); `452 4.2.2` is a full but active mailbox (retry); Gmail's `552 5.2.2` means out of
 * storage and inactive (suppress). Other receivers' `552 5.2.2` is a plain full mailbox: RFC 3463
 * defines X.2.2 as a persistent transient condition, and most MTAs send it with class 5 only
 * because their queue gave up, so one such bounce says nothing about the account: retry.
 * A mailbox that stays full across repeated bounces is abandoned: triage.ts suppresses it then
 * (REPEATED_FULL_MAILBOX).
 */
import type { Condition } from '../check.js';
import { EVERY_CHECK } from '../registry.js';
import { CONDITION_INFO } from '../replies/conditions.js';
import { KNOWN_CODES, type KnownCode, REPLY_TABLE, type ReplyRow } from '../replies/index.js';
import { CATEGORY_SPECS } from './categories.js';
import { PROVIDER_RULES, providerOf } from './providers.js';
import {
  type BounceRule,
  CODE_RULES,
  GENERIC_STATUS_RULES,
  isGenericStatus,
  type RuleInput,
  ruleMatches,
  STATUS_RULES,
  TEXT_RULES,
} from './rules.js';
import type {
  AddressAction,
  AuthenticationFailure,
  BounceCategory,
  BounceRecord,
  ClassifiedBounce,
} from './types.js';

/** The category (and kind of authentication failure) a reply-table condition stands for. */
export const CONDITION_CATEGORY: Readonly<
  Partial<Record<Condition, { category: BounceCategory; authentication?: AuthenticationFailure }>>
> = {
  'spf-suspicious': { category: 'authentication', authentication: 'spf' },
  'spf-cannot-pass': { category: 'authentication', authentication: 'spf' },
  'spf-temperror': { category: 'authentication', authentication: 'spf' },
  'dkim-cannot-pass': { category: 'authentication', authentication: 'dkim' },
  unauthenticated: { category: 'authentication', authentication: 'unauthenticated' },
  'dmarc-missing': { category: 'authentication', authentication: 'dmarc' },
  'dmarc-temperror': { category: 'authentication', authentication: 'dmarc' },
  'from-not-aligned': { category: 'authentication', authentication: 'alignment' },
  'auth-incomplete-microsoft': { category: 'authentication' },
  'ptr-missing': { category: 'ptr' },
  'ptr-mismatch': { category: 'ptr' },
  'ptr-missing-ipv6': { category: 'ptr' },
  'ptr-dynamic': { category: 'ptr' },
  // The sender's own domain: the recipient is not at fault.
  'domain-nxdomain': { category: 'policy' },
  'domain-dns-failure': { category: 'network' },
  'null-mx': { category: 'policy' },
  'tls-missing': { category: 'tls' },
  'message-too-big-gmail': { category: 'message-too-big' },
  'message-too-big-microsoft': { category: 'message-too-big' },
  'message-headers-over-gmail-limit': { category: 'message-too-big' },
  'attachments-too-many': { category: 'message-too-big' },
  'message-not-rfc5322': { category: 'message-format' },
  'attachment-blocked': { category: 'message-blocked-content' },
  'attachment-disguised': { category: 'message-blocked-content' },
  // Gmail's 421 4.7.0 for low reputation: a listing is only inferred as its cause.
  'ip-blocklisted': { category: 'reputation' },
  'domain-blocklisted': { category: 'reputation' },
};

/**
 * Words that tell one reply-table row from another under the same code (Gmail's 421 4.7.0 is
 * PTR only when the text says so; its 550 5.7.1 is RFC 5322 or IPv6 PTR only when it says so).
 */
const CONDITION_TEXT: Readonly<Partial<Record<Condition, RegExp>>> = {
  'ptr-missing': /\bPTR\b|reverse DNS|forward lookup/i,
  'ptr-mismatch': /\bPTR\b|reverse DNS|forward lookup/i,
  'ptr-missing-ipv6': /IPv6/i,
  'message-not-rfc5322': /RFC ?5322|'?From'? header|Message-ID|duplicate header/i,
  'message-headers-over-gmail-limit': /header/i,
  'message-too-big-gmail': /size|exceed/i,
  'null-mx': /null MX/i,
  'spf-cannot-pass': /\bSPF\b/i,
  'spf-suspicious': /suspicious/i,
  'spf-temperror': /\bSPF\b/i,
  'dkim-cannot-pass': /\bDKIM\b/i,
  'dmarc-missing': /\bDMARC\b/i,
  'dmarc-temperror': /\bDMARC\b/i,
  'from-not-aligned': /align/i,
  unauthenticated: /unauthenticated|not authenticated/i,
  'tls-missing': /\bTLS\b/i,
  'attachment-blocked': /security issue|file type|attachment/i,
  'attachment-disguised': /security issue|executable/i,
  'ip-blocklisted': /reputation of the sending IP|IP reputation/i,
  'domain-blocklisted': /reputation of the sending domain|domain reputation/i,
};

/**
 * Characters of a diagnostic the text rules read. Replies are a few lines (RFC 5321 4.5.3.1.5
 * allows 512 octets a line); a longer text is a reader's mistake or hostile, and the cause is
 * stated at its start.
 */
export const MAX_MATCHED_TEXT_CHARS = 4_096;

const ENHANCED_IN_TEXT = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
const REPLY_CODE_IN_TEXT = /(?:^|[\s(:])([245]\d\d)(?=[\s-])/;

/** The enhanced status as the record gives it, else as its diagnostic states it (never made up). */
export function statusOf(record: BounceRecord): string | null {
  if (record.status) return record.status;
  const m = record.diagnostic ? ENHANCED_IN_TEXT.exec(record.diagnostic) : null;
  return m ? `${m[1]}.${Number(m[2])}.${Number(m[3])}` : null;
}

function replyCodeOf(record: BounceRecord): number | null {
  if (record.replyCode !== null) return record.replyCode;
  const m = record.diagnostic ? REPLY_CODE_IN_TEXT.exec(record.diagnostic) : null;
  return m ? Number(m[1]) : null;
}

/** 5 is permanent, 4 transient (status class first, then the basic code); no code: Action decides. */
export function isPermanent(
  status: string | null,
  code: number | null,
  action: BounceRecord['action'],
): boolean {
  if (status) return status.startsWith('5');
  if (code !== null) return code >= 500;
  return action === 'failed';
}

/** A classification before the category's consequences are applied. */
interface Decision {
  category: BounceCategory;
  authentication?: AuthenticationFailure;
  conditions: readonly Condition[];
  action?: AddressAction;
  fix?: string;
  /** Whether the provider's own word on the exact code may refine a vague category. */
  fromCode: boolean;
}

/** Rows of the provider's reply table for this status (aliases included) and basic code. */
function tableRows(input: RuleInput): ReplyRow[] {
  const { provider, status, code } = input;
  if (!provider || !status) return [];
  return REPLY_TABLE.filter(
    (r) =>
      r.provider === provider &&
      (r.enhanced === status || r.aliases?.includes(status) === true) &&
      (code === null || r.code === code),
  );
}

/**
 * Stage 1. Rows whose condition's words appear in the text win; a broad status (4.7.0, 5.7.1)
 * needs them. Otherwise the first row decides, joined by the rows of the same category (Gmail's
 * 552 5.3.4 is message-size or message-headers; Microsoft's 5.7.515 is any of SPF, DKIM, DMARC).
 */
function fromReplyTable(input: RuleInput): Decision | undefined {
  const rows = tableRows(input);
  if (rows.length === 0) return undefined;
  const hinted = rows.filter((r) => CONDITION_TEXT[r.condition]?.test(input.text));
  const chosen = hinted.length > 0 ? hinted : isGenericStatus(input.status ?? '') ? [] : rows;
  const first = chosen[0] && CONDITION_CATEGORY[chosen[0].condition];
  if (!first) return undefined;
  const same = chosen.filter((r) => CONDITION_CATEGORY[r.condition]?.category === first.category);
  const kinds = new Set(same.map((r) => CONDITION_CATEGORY[r.condition]?.authentication));
  const [kind] = kinds;
  return {
    category: first.category,
    ...(kinds.size === 1 && kind ? { authentication: kind } : {}),
    conditions: unique(same.map((r) => r.condition)),
    fromCode: true,
  };
}

function fromRules(rules: readonly BounceRule[], input: RuleInput, fromCode: boolean): Decision | undefined {
  const rule = rules.find((r) => ruleMatches(r, input));
  if (!rule) return undefined;
  return {
    category: rule.category,
    ...(rule.authentication ? { authentication: rule.authentication } : {}),
    conditions: rule.conditions ?? [],
    ...(rule.action ? { action: rule.action } : {}),
    ...(rule.fix ? { fix: rule.fix } : {}),
    fromCode,
  };
}

function decide(input: RuleInput): Decision {
  const specific = input.status !== null && !isGenericStatus(input.status);
  return (
    fromReplyTable(input) ??
    fromRules(PROVIDER_RULES, input, true) ??
    (specific ? fromRules(STATUS_RULES, input, true) : undefined) ??
    fromRules(TEXT_RULES, input, false) ??
    fromRules(GENERIC_STATUS_RULES, input, true) ??
    fromRules(CODE_RULES, input, true) ?? { category: 'unknown', conditions: [], fromCode: false }
  );
}

/** Categories whose own advice is weaker than the provider's word on the exact code. */
const VAGUE_CATEGORIES: ReadonlySet<BounceCategory> = new Set(['policy', 'system-transient', 'unknown']);

/** Finding ids (check/key) whose spec raises a condition, from every check's metadata. */
const FINDINGS_BY_CONDITION: ReadonlyMap<Condition, readonly string[]> = (() => {
  const map = new Map<Condition, string[]>();
  for (const check of EVERY_CHECK) {
    for (const [key, spec] of Object.entries(check.findings)) {
      for (const c of spec.conditions ?? []) {
        const ids = map.get(c) ?? [];
        ids.push(`${check.id}/${key}`);
        map.set(c, ids);
      }
    }
  }
  return map;
})();

/** Check ids that see these conditions (src/replies/conditions.ts). */
export function checksFor(conditions: readonly Condition[]): string[] {
  return unique(conditions.flatMap((c) => CONDITION_INFO[c]?.checks ?? []));
}

/** Finding ids whose specs raise these conditions. */
export function findingsFor(conditions: readonly Condition[]): string[] {
  return unique(conditions.flatMap((c) => FINDINGS_BY_CONDITION.get(c) ?? []));
}

/** The domain of an address, lower-case; null when there is none. */
export function domainOf(address: string | null): string | null {
  if (!address) return null;
  const at = address.lastIndexOf('@');
  const domain = address
    .slice(at + 1)
    .replace(/>.*$/, '')
    .trim()
    .toLowerCase();
  return at >= 0 && domain ? domain : null;
}

/** What follows from a decision's conditions (and the provider's known code): the same for every bounce. */
interface Consequence {
  checks: string[];
  findings: string[];
  fix: string | undefined;
}

/**
 * Consequences by conditions and known code. Both come from the code's own tables, so the map
 * stays small; the arrays are shared between bounces and frozen so that no consumer edits them.
 */
const CONSEQUENCES = new Map<string, Consequence>();

function consequence(conditions: readonly Condition[], known: KnownCode | undefined): Consequence {
  const key = `${conditions.join(',')}|${known ? `${known.provider} ${known.code} ${known.enhanced}` : ''}`;
  let c = CONSEQUENCES.get(key);
  if (!c) {
    const first = conditions[0];
    c = {
      checks: Object.freeze(unique([...checksFor(conditions), ...(known?.checks ?? [])])) as string[],
      findings: Object.freeze(findingsFor(conditions)) as string[],
      fix: (first ? CONDITION_INFO[first]?.fix : undefined) ?? known?.fix,
    };
    CONSEQUENCES.set(key, c);
  }
  return c;
}

/** What the rules read of a record: status and code (from the record or its text), provider, text. */
function ruleInputOf(record: BounceRecord): RuleInput {
  return {
    provider: providerOf(record.remoteMta, record.diagnostic, record.recipient),
    status: statusOf(record),
    code: replyCodeOf(record),
    text: (record.diagnostic ?? '').slice(0, MAX_MATCHED_TEXT_CHARS),
  };
}

/** The conditions of ours a record's classification stands for (`explain` keeps only those). */
export function conditionsOf(record: BounceRecord): readonly Condition[] {
  return decide(ruleInputOf(record)).conditions;
}

export function classify(record: BounceRecord): ClassifiedBounce {
  const input = ruleInputOf(record);
  const { provider, status, code } = input;
  const decision = decide(input);
  const permanent = isPermanent(status, code, record.action);
  const spec = CATEGORY_SPECS[decision.category];
  const known =
    decision.fromCode && VAGUE_CATEGORIES.has(decision.category)
      ? KNOWN_CODES.find(
          (k) => k.provider === provider && k.enhanced === status && (code === null || k.code === code),
        )
      : undefined;
  const follows = consequence(decision.conditions, known);
  // Object.assign, not an object spread with conditional parts: V8 builds the latter several
  // times slower, and this runs once per log line.
  const bounce: ClassifiedBounce = Object.assign({}, record, {
    provider,
    category: decision.category,
    permanent,
    addressAction: decision.action ?? (permanent ? spec.action.permanent : spec.action.transient),
    fix: decision.fix ?? follows.fix ?? spec.fix,
    checks: follows.checks,
    sendingDomain: domainOf(record.sender),
  });
  if (decision.authentication) bounce.authentication = decision.authentication;
  if (follows.findings.length > 0) bounce.findings = follows.findings;
  return bounce;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
