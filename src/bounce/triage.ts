/**
 * triageBounces: classify every record a reader produced, count them, find the waves. Records
 * stream through: memory holds counts, the wave windows and at most `maxBounces` classified
 * bounces (the rest go only to `onBounce`), so the input may be any size. The result is the
 * JSON the bounces command writes (reports/schema/bounces-v1.json).
 */
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { classify } from './classify.js';
import { BounceSummarizer, type BounceSummary } from './summary.js';
import type { BounceRecord, ClassifiedBounce } from './types.js';
import { DEFAULT_WAVE_RULE, WaveDetector, type WaveReport, type WaveRule } from './waves.js';

export const BOUNCES_SCHEMA_VERSION = '1.0.0';

/** Classified bounces kept in the result by default; the summary and waves count them all. */
export const DEFAULT_MAX_BOUNCES = 10_000;

/**
 * Other receivers' permanent full-mailbox bounces (5.2.2 outside Gmail) keep the address for a
 * while (classify.ts says why). A mailbox still full after this many such bounces, spread over at
 * least this long when the times are known, is abandoned: the address is suppressed from then on.
 */
export const REPEATED_FULL_MAILBOX = { bounces: 3, minSpanMs: 72 * 3_600_000 } as const;
/** Recipients whose full-mailbox bounces are tracked; beyond it new ones are not (memory bound). */
export const MAX_TRACKED_FULL_MAILBOXES = 100_000;

export interface TriageOptions {
  /** Most classified bounces kept in `bounces` (default DEFAULT_MAX_BOUNCES); 0 keeps none. */
  maxBounces?: number;
  /** Called with every classified bounce in input order (stream them out instead of keeping them). */
  onBounce?: (bounce: ClassifiedBounce) => void | Promise<void>;
  /** Skip records timed before `since` or at/after `until` (records without a time are kept). */
  since?: Date;
  until?: Date;
  waveRule?: WaveRule;
}

export interface BounceTriage {
  schemaVersion: typeof BOUNCES_SCHEMA_VERSION;
  kind: 'mail-preflight-bounces';
  tool: { name: string; version: string };
  bounces: ClassifiedBounce[];
  /** Classified bounces beyond `maxBounces`: counted in the summary, not listed. */
  omittedBounces: number;
  /** Records outside since/until. */
  skippedByTime: number;
  summary: BounceSummary;
  waves: WaveReport;
}

/** Counts one recipient's permanent full-mailbox bounces to apply REPEATED_FULL_MAILBOX. */
class FullMailboxTracker {
  private readonly seen = new Map<
    string,
    { count: number; firstMs: number; lastMs: number; timed: boolean }
  >();

  /** The bounce, its address suppressed when its mailbox has now stayed full long enough. */
  apply(b: ClassifiedBounce): ClassifiedBounce {
    if (b.category !== 'mailbox-full' || !b.permanent || !b.recipient) return b;
    const key = b.recipient.toLowerCase();
    const ms = b.time ? Date.parse(b.time) : Number.NaN;
    let entry = this.seen.get(key);
    if (!entry) {
      if (this.seen.size >= MAX_TRACKED_FULL_MAILBOXES) return b;
      entry = { count: 0, firstMs: Number.POSITIVE_INFINITY, lastMs: Number.NEGATIVE_INFINITY, timed: true };
      this.seen.set(key, entry);
    }
    entry.count++;
    if (Number.isNaN(ms)) entry.timed = false;
    else [entry.firstMs, entry.lastMs] = [Math.min(entry.firstMs, ms), Math.max(entry.lastMs, ms)];
    const longEnough = !entry.timed || entry.lastMs - entry.firstMs >= REPEATED_FULL_MAILBOX.minSpanMs;
    if (entry.count < REPEATED_FULL_MAILBOX.bounces || !longEnough) return b;
    return {
      ...b,
      addressAction: 'suppress',
      fix: `The mailbox stayed full over ${entry.count} bounces: treat it as abandoned and remove the address.`,
    };
  }
}

function outsideWindow(record: BounceRecord, options: TriageOptions): boolean {
  if (!record.time || (!options.since && !options.until)) return false;
  const ms = Date.parse(record.time);
  if (Number.isNaN(ms)) return false;
  return (
    (options.since !== undefined && ms < options.since.getTime()) ||
    (options.until !== undefined && ms >= options.until.getTime())
  );
}

export async function triageBounces(
  records: AsyncIterable<BounceRecord> | Iterable<BounceRecord>,
  options: TriageOptions = {},
): Promise<BounceTriage> {
  const maxBounces = options.maxBounces ?? DEFAULT_MAX_BOUNCES;
  const summary = new BounceSummarizer();
  const waves = new WaveDetector(options.waveRule ?? DEFAULT_WAVE_RULE);
  const fullMailboxes = new FullMailboxTracker();
  const bounces: ClassifiedBounce[] = [];
  let omitted = 0;
  let skipped = 0;
  /** One record; returns the callback's promise, if it gave one. */
  const step = (record: BounceRecord): void | Promise<void> => {
    if (outsideWindow(record, options)) {
      skipped++;
      return;
    }
    const bounce = fullMailboxes.apply(classify(record));
    summary.add(bounce);
    waves.add(bounce);
    if (bounces.length < maxBounces) bounces.push(bounce);
    else omitted++;
    return options.onBounce?.(bounce);
  };
  // A sync source is walked synchronously and only a callback's promise is awaited: a microtask
  // per record (for await) costs a large log much of its throughput.
  if (Symbol.iterator in records) {
    for (const record of records) {
      const pending = step(record);
      if (pending) await pending;
    }
  } else {
    for await (const record of records) {
      const pending = step(record);
      if (pending) await pending;
    }
  }
  return {
    schemaVersion: BOUNCES_SCHEMA_VERSION,
    kind: 'mail-preflight-bounces',
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    bounces,
    omittedBounces: omitted,
    skippedByTime: skipped,
    summary: summary.result(),
    waves: waves.result(),
  };
}
