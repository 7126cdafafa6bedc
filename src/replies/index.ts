/**
 * Provider reply tables and the functions that turn conditions into predicted replies.
 * The tables are data (see gmail.ts, yahoo.ts, microsoft.ts); this module only selects,
 * orders and deduplicates.
 */
import type { Condition } from '../check.js';
import type { Finding, PredictedReply, Profile, Provider, ReplySummary, Severity } from '../report.js';
import { GMAIL_KNOWN_CODES, GMAIL_ROWS } from './gmail.js';
import { MICROSOFT_KNOWN_CODES, MICROSOFT_ROWS } from './microsoft.js';
import type { KnownCode, ReplyRow } from './types.js';
import { YAHOO_KNOWN_CODES, YAHOO_ROWS } from './yahoo.js';

export type { KnownCode, ReplyRow } from './types.js';
export { TABLES_CHECKED } from './types.js';

/** Every condition-driven row of every provider. */
export const REPLY_TABLE: readonly ReplyRow[] = [...GMAIL_ROWS, ...YAHOO_ROWS, ...MICROSOFT_ROWS];

/** Replies known only for `explain`: no condition of ours predicts them. */
export const KNOWN_CODES: readonly KnownCode[] = [
  ...GMAIL_KNOWN_CODES,
  ...YAHOO_KNOWN_CODES,
  ...MICROSOFT_KNOWN_CODES,
];

/** Conditions deliberately without rows, with the reason. */
export const ROWLESS_CONDITIONS: Readonly<Partial<Record<Condition, string>>> = {
  'ptr-dynamic':
    'Microsoft refuses dynamic IP space and Gmail weighs it in reputation, but neither publishes a reply code for it.',
  'attachments-too-many':
    'Exchange Online documents its limit of 250 attachments per message but not the reply it gives; Gmail names attachment count under 552 5.3.4 without a number.',
};

/** RFC 5321 4.2.1: replies 4yz (transient) and 5yz (permanent) refuse what was asked. */
const FIRST_NEGATIVE_REPLY_CODE = 400;

/** A reply the provider documents (not one we infer) that defers or rejects the mail. */
export function isDocumentedRejection(reply: Pick<PredictedReply, 'code' | 'confidence'>): boolean {
  return reply.confidence === 'documented' && reply.code >= FIRST_NEGATIVE_REPLY_CODE;
}

/**
 * The severity a finding is reported with: its spec's, raised to `error` when the finding
 * predicts a documented rejection or deferral (`replies` are those of the audited profile, so a
 * bulk-only reply raises it for a bulk sender only). Warnings are for what providers do not
 * (yet) reject. An `unknown` finding stays unknown: it says a measurement failed here, and the
 * reply it names is what a receiver meeting the same failure would give, not a known outcome.
 */
export function severityFollowingReplies(severity: Severity, replies: readonly PredictedReply[]): Severity {
  if (severity === 'error' || severity === 'unknown') return severity;
  return replies.some(isDocumentedRejection) ? 'error' : severity;
}

/** Upper bound on conditions accepted per call: findings raise a handful; more is a bug. */
export const MAX_CONDITIONS_PER_PREDICTION = 64;

/**
 * The replies a finding raising `conditions` would draw. Transactional senders never draw
 * bulk-only replies. Each provider+code+enhanced appears once (first condition wins), ordered
 * by provider, then code, then enhanced code.
 */
export function predictReplies(conditions: readonly Condition[], profile: Profile): PredictedReply[] {
  const wanted = conditions.slice(0, MAX_CONDITIONS_PER_PREDICTION);
  const seen = new Set<string>();
  const out: PredictedReply[] = [];
  for (const condition of wanted) {
    for (const row of REPLY_TABLE) {
      if (row.condition !== condition) continue;
      if (row.bulkOnly && profile !== 'bulk') continue;
      const key = replyKey(row);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(toPredicted(row));
    }
  }
  return out.sort(compareReplies);
}

/**
 * Each distinct reply (provider+code+enhanced) across all findings, once, with the sorted ids
 * of the findings behind it. Ordered by provider, then transient before permanent, then code.
 */
export function summarizeReplies(findings: readonly Finding[]): ReplySummary[] {
  const byKey = new Map<string, { reply: PredictedReply; ids: Set<string> }>();
  for (const f of findings) {
    for (const r of f.predictedReplies) {
      const key = replyKey(r);
      const entry = byKey.get(key);
      if (entry) entry.ids.add(f.id);
      else byKey.set(key, { reply: r, ids: new Set([f.id]) });
    }
  }
  return [...byKey.values()]
    .map(({ reply, ids }) => ({ ...reply, findings: [...ids].sort() }))
    .sort(
      (a, b) =>
        compareProvider(a.provider, b.provider) ||
        Number(a.permanent) - Number(b.permanent) ||
        compareReplies(a, b),
    );
}

/** Identity of a reply: the same code from the same provider is one reply, whatever the cause. */
export function replyKey(r: { provider: Provider; code: number; enhanced: string }): string {
  return `${r.provider} ${r.code} ${r.enhanced}`;
}

function toPredicted(row: ReplyRow): PredictedReply {
  return {
    provider: row.provider,
    code: row.code,
    enhanced: row.enhanced,
    text: row.text,
    permanent: row.permanent,
    bulkOnly: row.bulkOnly,
    confidence: row.confidence,
    source: row.source,
    condition: row.condition,
  };
}

function compareProvider(a: Provider, b: Provider): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareReplies(a: PredictedReply, b: PredictedReply): number {
  return (
    compareProvider(a.provider, b.provider) ||
    a.code - b.code ||
    compareEnhanced(a.enhanced, b.enhanced) ||
    (a.condition < b.condition ? -1 : a.condition > b.condition ? 1 : 0)
  );
}

/** Numeric, part by part: 4.7.9 sorts before 4.7.26. */
export function compareEnhanced(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
