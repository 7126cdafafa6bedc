/**
 * `explain`: what an SMTP reply such as "421 4.7.27" means, from the enhanced status code
 * registry (RFC 3463, RFC 5248 and the IANA "SMTP Enhanced Status Codes" registry) and from
 * the provider tables, with the mail-preflight checks that look for its causes.
 */
import { UsageError } from '../errors.js';
import type { PredictedReply } from '../report.js';
import { CONDITION_INFO } from './conditions.js';
import { compareEnhanced, KNOWN_CODES, REPLY_TABLE, replyKey } from './index.js';

/** Longest input accepted: a pasted reply line, not a whole bounce. */
export const MAX_EXPLAIN_INPUT = 1000;

/** RFC 3463 2: class.subject.detail; subject and detail are 1 to 3 digits, no leading zeros. */
const ENHANCED_MAX_DIGITS = 3; // RFC 3463 2

export interface ExplainRow extends Omit<PredictedReply, 'condition'> {
  /** Conditions of ours that predict this reply (empty for explain-only codes). */
  conditions: string[];
}

/** The reply's own words as the bounce classifier reads them (src/bounce/explain-text.ts). */
export interface ReplyTextReading {
  /** The provider the text names (a host, a provider's code), or null. */
  provider: string | null;
  /** The bounce category the words decide (see `bounces`). */
  category: string;
  meaning: string;
  /** The conditions of ours the words point at (a subset of the rows' conditions), maybe none. */
  conditions: string[];
  checks: string[];
  fix: string;
  /** suppress, retry or keep: what to do with the recipient address. */
  addressAction: string;
}

/** A provider's code that no reply table holds but the bounce classifier knows (Microsoft 5.7.606). */
export interface ProviderCode {
  provider: string;
  example: string;
  category: string;
  meaning: string;
  fix: string;
  source: string;
}

/** What the library adds to an explanation: the text's reading and the classifier's provider codes. */
export interface ExplainExtra {
  reading?: ReplyTextReading;
  providerCodes?: ProviderCode[];
}

export interface Explanation {
  /** The reply as understood, normalized: "421 4.7.27" or "4.7.27". */
  reply: string;
  code?: number;
  enhanced: string;
  /** True when the registry or a provider table knows the code. */
  known: boolean;
  permanent: boolean;
  classText: string;
  subjectText: string;
  /** Registry name of class-less "X.subject.detail", when registered. */
  detailText?: string;
  /** Set when the input is inconsistent, e.g. basic code and enhanced class disagree. */
  warning?: string;
  rows: ExplainRow[];
  /** Set when the reply's text says more than its codes: a blocklist named, a provider named. */
  reading?: ReplyTextReading;
  /** Provider codes outside the reply tables, from the bounce classifier's rules. */
  providerCodes?: ProviderCode[];
  causes: string[];
  /** mail-preflight check ids that look for these causes. */
  checks: string[];
  fix: string[];
}

const CLASS_TEXT: Record<string, string> = {
  '2': 'Success',
  '4': 'Persistent transient failure: the sender should retry later',
  '5': 'Permanent failure: retrying the same message will fail again',
};

const SUBJECT_TEXT: Record<string, string> = {
  '0': 'Other or undefined status',
  '1': 'Addressing status',
  '2': 'Mailbox status',
  '3': 'Mail system status',
  '4': 'Network and routing status',
  '5': 'Mail delivery protocol status',
  '6': 'Message content or media status',
  '7': 'Security or policy status',
};

/** IANA SMTP Enhanced Status Codes registry (RFC 3463, RFC 5248 and later RFCs), by "subject.detail". */
export const ENHANCED_DETAILS: Readonly<Record<string, string>> = {
  '0.0': 'Other undefined status',
  '1.0': 'Other address status',
  '1.1': 'Bad destination mailbox address',
  '1.2': 'Bad destination system address',
  '1.3': 'Bad destination mailbox address syntax',
  '1.4': 'Destination mailbox address ambiguous',
  '1.5': 'Destination address valid',
  '1.6': 'Destination mailbox has moved, no forwarding address',
  '1.7': "Bad sender's mailbox address syntax",
  '1.8': "Bad sender's system address",
  '1.10': 'Recipient address has null MX',
  '2.0': 'Other or undefined mailbox status',
  '2.1': 'Mailbox disabled, not accepting messages',
  '2.2': 'Mailbox full',
  '2.3': 'Message length exceeds administrative limit',
  '2.4': 'Mailing list expansion problem',
  '3.0': 'Other or undefined mail system status',
  '3.1': 'Mail system full',
  '3.2': 'System not accepting network messages',
  '3.3': 'System not capable of selected features',
  '3.4': 'Message too big for system',
  '3.5': 'System incorrectly configured',
  '4.0': 'Other or undefined network or routing status',
  '4.1': 'No answer from host',
  '4.2': 'Bad connection',
  '4.3': 'Directory server failure',
  '4.4': 'Unable to route',
  '4.5': 'Mail system congestion',
  '4.6': 'Routing loop detected',
  '4.7': 'Delivery time expired',
  '5.0': 'Other or undefined protocol status',
  '5.1': 'Invalid command',
  '5.2': 'Syntax error',
  '5.3': 'Too many recipients',
  '5.4': 'Invalid command arguments',
  '5.5': 'Wrong protocol version',
  '5.6': 'Authentication exchange line is too long',
  '6.0': 'Other or undefined media error',
  '6.1': 'Media not supported',
  '6.2': 'Conversion required and prohibited',
  '6.3': 'Conversion required but not supported',
  '6.4': 'Conversion with loss performed',
  '6.5': 'Conversion failed',
  '6.6': 'Message content not available',
  '6.7': 'Non-ASCII addresses not permitted for that sender/recipient',
  '7.0': 'Other or undefined security status',
  '7.1': 'Delivery not authorized, message refused',
  '7.2': 'Mailing list expansion prohibited',
  '7.3': 'Security conversion required but not possible',
  '7.4': 'Security features not supported',
  '7.5': 'Cryptographic failure',
  '7.6': 'Cryptographic algorithm not supported',
  '7.7': 'Message integrity failure',
  '7.8': 'Authentication credentials invalid',
  '7.9': 'Authentication mechanism is too weak',
  '7.10': 'Encryption needed',
  '7.11': 'Encryption required for requested authentication mechanism',
  '7.12': 'A password transition is needed',
  '7.13': 'User account disabled',
  '7.14': 'Trust relationship required',
  '7.15': 'Priority level is too low',
  '7.16': 'Message is too big for the specified priority',
  '7.17': 'Mailbox owner has changed',
  '7.18': 'Domain owner has changed',
  '7.19': 'RRVS test cannot be completed',
  '7.20': 'No passing DKIM signature found',
  '7.21': 'No acceptable DKIM signature found',
  '7.22': 'No valid author-matched DKIM signature found',
  '7.23': 'SPF validation failed',
  '7.24': 'SPF validation error',
  '7.25': 'Reverse DNS validation failed',
  '7.26': 'Multiple authentication checks failed',
  '7.27': 'Sender address has null MX',
  '7.28': 'Mail flood detected',
  '7.29': 'ARC validation failure',
  '7.30': 'REQUIRETLS support required',
};

/** Registry meanings our checks can look into, used when no provider row matches. */
const REGISTRY_CHECKS: Readonly<Record<string, string[]>> = {
  '1.8': ['mx'],
  '4.3': ['mx'],
  '7.20': ['dkim'],
  '7.21': ['dkim'],
  '7.22': ['dkim', 'dmarc'],
  '7.23': ['spf'],
  '7.24': ['spf'],
  '7.25': ['ptr'],
  '7.26': ['spf', 'dkim', 'dmarc'],
  '7.27': ['mx'],
  '7.30': ['tls'],
};

const REPLY_RE = /^(?:([2-5][0-5]\d)[\s-]+)?([245])\.(\d{1,3})\.(\d{1,3})(?=$|[\s,;:)\]])/;

/**
 * Parse "421 4.7.27", "421-4.7.27", "4.7.27", "550 5.7.1 some text"; throws UsageError. `text` is
 * what follows the codes, trimmed ('' when nothing does).
 */
export function parseReply(input: string): {
  code?: number;
  cls: string;
  subject: string;
  detail: string;
  text: string;
} {
  if (input.length > MAX_EXPLAIN_INPUT)
    throw new UsageError(`reply too long (over ${MAX_EXPLAIN_INPUT} characters)`);
  const s = input.trim();
  const m = REPLY_RE.exec(s);
  if (!m) {
    throw new UsageError(
      `not an SMTP reply with an enhanced status code: expected e.g. "421 4.7.27" or "5.7.1" (RFC 3463 class.subject.detail)`,
    );
  }
  const [, code, cls, subject, detail] = m as unknown as [string, string | undefined, string, string, string];
  for (const part of [subject, detail]) {
    if (part.length > 1 && part.startsWith('0')) {
      throw new UsageError(`enhanced status code parts take no leading zeros (RFC 3463 2): "${part}"`);
    }
    if (part.length > ENHANCED_MAX_DIGITS) throw new UsageError('enhanced status code part too long');
  }
  return { ...(code ? { code: Number(code) } : {}), cls, subject, detail, text: s.slice(m[0].length).trim() };
}

/**
 * The explanation of a reply. `extra` (from the library's explainExtra) adds what the reply's
 * words say: when they decide a category, it comes first, and of the table rows only the causes
 * the words point at stay (a 554 5.7.1 naming a blocklist is not Gmail's 5.7.1 for RFC 5322).
 */
export function explainCode(input: string, extra: ExplainExtra = {}): Explanation {
  const { code, cls, subject, detail } = parseReply(input);
  const enhanced = `${cls}.${subject}.${detail}`;
  const detailText = ENHANCED_DETAILS[`${subject}.${detail}`];

  let warning: string | undefined;
  if (code !== undefined && String(code)[0] !== cls) {
    warning = `inconsistent reply: basic code ${code} is class ${String(code)[0]} but the enhanced code is class ${cls}; RFC 3463 2 requires them to match (clients act on the basic code)`;
  }
  // Clients act on the basic code (RFC 5321 4.2.1), so it decides when both are given.
  const permanent = code !== undefined ? code >= 500 : cls === '5';

  const { reading, providerCodes } = extra;
  const allRows = matchRows(enhanced, code);
  // The provider the words name: its rows only, when the tables have some.
  const named = reading?.provider ? allRows.filter((r) => r.provider === reading.provider) : [];
  const rows = named.length > 0 ? named : allRows;
  const causes: string[] = [];
  const checks: string[] = [];
  const fix: string[] = [];
  const add = (list: string[], items: readonly string[] | string | undefined) => {
    for (const x of typeof items === 'string' ? [items] : (items ?? [])) if (!list.includes(x)) list.push(x);
  };
  if (reading) {
    add(causes, reading.meaning);
    add(checks, reading.checks);
    add(fix, reading.fix);
  }
  for (const r of rows) {
    if (reading && !r.conditions.some((c) => reading.conditions.includes(c))) continue;
    for (const c of r.conditions) {
      if (reading && !reading.conditions.includes(c)) continue;
      const info = CONDITION_INFO[c as keyof typeof CONDITION_INFO];
      add(causes, info?.cause);
      add(checks, info?.checks);
      add(fix, info?.fix);
    }
    const known = KNOWN_CODES.find((k) => replyKey(k) === replyKey(r));
    if (known) {
      add(causes, known.cause);
      add(checks, known.checks);
      add(fix, known.fix);
    }
  }
  if (rows.length === 0 && !reading) {
    add(checks, REGISTRY_CHECKS[`${subject}.${detail}`]);
    for (const p of providerCodes ?? []) {
      add(causes, `${p.provider}: ${p.meaning}`);
      add(fix, p.fix);
    }
  }

  return {
    reply: code !== undefined ? `${code} ${enhanced}` : enhanced,
    ...(code !== undefined ? { code } : {}),
    enhanced,
    known: detailText !== undefined || rows.length > 0 || (providerCodes?.length ?? 0) > 0,
    permanent,
    classText: CLASS_TEXT[cls] ?? `Class ${cls}`,
    subjectText: SUBJECT_TEXT[subject] ?? `Unknown subject ${subject} (not defined by RFC 3463)`,
    ...(detailText !== undefined ? { detailText } : {}),
    ...(warning !== undefined ? { warning } : {}),
    rows,
    ...(reading ? { reading } : {}),
    ...(providerCodes && providerCodes.length > 0 ? { providerCodes } : {}),
    causes,
    checks,
    fix,
  };
}

/**
 * Provider rows for the code. With a basic code, rows with that exact code win; if none
 * match it, rows for the enhanced code alone are shown (the enhanced code carries the cause).
 */
function matchRows(enhanced: string, code: number | undefined): ExplainRow[] {
  const byKey = new Map<string, ExplainRow>();
  const candidates = [
    ...REPLY_TABLE.filter((r) => r.enhanced === enhanced || r.aliases?.includes(enhanced)),
    ...KNOWN_CODES.filter((k) => k.enhanced === enhanced),
  ];
  const exact = code === undefined ? [] : candidates.filter((r) => r.code === code);
  for (const r of exact.length > 0 ? exact : candidates) {
    const key = replyKey(r);
    const condition = 'condition' in r ? r.condition : undefined;
    const existing = byKey.get(key);
    if (existing) {
      if (condition && !existing.conditions.includes(condition)) existing.conditions.push(condition);
      // One code, several published texts (Gmail 550 5.7.1): show them all.
      if (!existing.text.includes(r.text)) existing.text = `${existing.text} | ${r.text}`;
      continue;
    }
    byKey.set(key, {
      provider: r.provider,
      code: r.code,
      enhanced: r.enhanced,
      text: r.text,
      permanent: r.permanent,
      bulkOnly: r.bulkOnly,
      confidence: r.confidence,
      source: r.source,
      conditions: condition ? [condition] : [],
    });
  }
  return [...byKey.values()].sort(
    (a, b) =>
      (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0) ||
      a.code - b.code ||
      compareEnhanced(a.enhanced, b.enhanced),
  );
}

/** Plain text for the CLI, ending in a newline. Every string here comes from our own tables. */
export function renderExplanation(e: Explanation): string {
  const lines: string[] = [];
  const kind =
    e.enhanced.startsWith('2') && (e.code === undefined || e.code < 400)
      ? 'success'
      : e.permanent
        ? 'permanent failure'
        : 'transient failure (retry later)';
  lines.push(`${e.reply}: ${kind}${e.known ? '' : ' (unknown code)'}`);
  if (e.warning) lines.push(`Warning: ${e.warning}`);
  lines.push(`  class ${e.enhanced[0]}: ${e.classText}`);
  lines.push(`  subject ${e.enhanced.split('.')[1]}: ${e.subjectText}`);
  lines.push(
    e.detailText
      ? `  registry meaning of X.${e.enhanced.split('.').slice(1).join('.')}: ${e.detailText}`
      : `  not in the enhanced status code registry`,
  );
  if (e.rows.length > 0) {
    lines.push('', 'Provider replies:');
    for (const r of e.rows) {
      const tags = [
        r.bulkOnly ? 'bulk senders' : 'all senders',
        r.permanent ? 'permanent' : 'transient',
        r.confidence,
      ];
      lines.push(`  ${r.provider} ${r.code} ${r.enhanced} (${tags.join(', ')})`);
      lines.push(`    ${r.text}`);
      lines.push(`    source: ${r.source}`);
    }
    if (e.detailText)
      lines.push(
        "  (providers may use a code for a meaning other than the registry's: their rows come first)",
      );
  }
  if (e.reading) {
    lines.push('', 'What the text says (as `mail-preflight bounces` reads it):');
    lines.push(`  ${e.reading.category}: ${e.reading.meaning}`);
    if (e.reading.provider) lines.push(`  provider: ${e.reading.provider}`);
    lines.push(`  the recipient address: ${e.reading.addressAction}`);
  }
  if (e.rows.length === 0 && e.providerCodes && e.providerCodes.length > 0) {
    lines.push('', 'Provider codes (not in the reply tables; the bounce classifier knows them):');
    for (const p of e.providerCodes) {
      lines.push(`  ${p.example}: ${p.category}: ${p.meaning}`);
      lines.push(`    source: ${p.source}`);
    }
  }
  if (e.causes.length > 0) {
    lines.push('', 'Likely causes:');
    for (const c of e.causes) lines.push(`  - ${c}`);
  }
  if (e.checks.length > 0) lines.push('', `Checks that look for this: ${e.checks.join(', ')}`);
  if (e.fix.length > 0) {
    lines.push('', 'Fix:');
    for (const f of e.fix) lines.push(`  - ${f}`);
  }
  return `${lines.join('\n')}\n`;
}
