/** One BounceRecord built the same way by every reader: what is not given is null. */
import type { BounceAction, BounceInputKind, BounceRecord, BounceSource } from '../types.js';
import {
  cleanText,
  detached,
  normalizeAddress,
  normalizeHost,
  replyCodeIn,
  statusField,
  statusIn,
} from './text.js';

export interface RecordFields {
  recipient?: string | null;
  action: BounceAction;
  /** The enhanced status as the source gives it (a field, a log's dsn=); checked for form. */
  status?: string | null;
  replyCode?: number | null;
  diagnostic?: string | null;
  remoteMta?: string | null;
  time?: string | null;
  sender?: string | null;
}

/**
 * The record: the given status when it is one, else the one the diagnostic literally contains;
 * the given reply code, else the diagnostic's first one. Its strings are copies (detached): a
 * record outlives the chunk of input it was read from (kept bounces, examples, summary keys).
 */
export function bounceRecord(source: BounceSource, kind: BounceInputKind, f: RecordFields): BounceRecord {
  const diagnostic = detached(cleanText(f.diagnostic));
  const replyCode =
    typeof f.replyCode === 'number' &&
    Number.isInteger(f.replyCode) &&
    f.replyCode >= 200 &&
    f.replyCode <= 599
      ? f.replyCode
      : replyCodeIn(diagnostic);
  return {
    source,
    kind,
    recipient: detached(normalizeAddress(f.recipient)),
    action: f.action,
    status: statusField(f.status) ?? statusIn(diagnostic),
    replyCode,
    diagnostic,
    remoteMta: detached(normalizeHost(f.remoteMta)),
    time: detached(f.time ?? null),
    sender: detached(normalizeAddress(f.sender)),
  };
}

/** RFC 3464 2.3.3 action-value, case-insensitive; anything else is 'unknown'. */
export function dsnAction(value: string | null | undefined): BounceAction {
  const v = value?.trim().toLowerCase() ?? '';
  return v === 'failed' || v === 'delayed' || v === 'delivered' || v === 'relayed' || v === 'expanded'
    ? v
    : 'unknown';
}
