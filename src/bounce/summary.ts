/**
 * Counts of classified bounces: by provider x basic code x enhanced code (x category), by
 * category and by sending domain, worst first. Memory is bounded: counts, never the records,
 * at most MAX_EXAMPLES_PER_BUCKET examples per bucket and a capped number of buckets (the rest
 * is counted in `overflow`), so a 2 GB log summarizes in constant space.
 */
import { CATEGORY_SPECS } from './categories.js';
import { type BounceTimeline, TimelineCounter } from './timeline.js';
import type { AddressAction, BounceCategory, BounceSource, ClassifiedBounce } from './types.js';

/** Examples kept per bucket: enough to read the text, not a copy of the input. */
export const MAX_EXAMPLES_PER_BUCKET = 3;
/** Distinct provider x code x status x category buckets; junk input cannot grow it further. */
export const MAX_CODE_BUCKETS = 2_000;
/** Distinct sending domains counted one by one; the rest are counted together. */
export const MAX_DOMAIN_BUCKETS = 10_000;
/** Characters of a diagnostic kept in an example. */
export const MAX_EXAMPLE_DIAGNOSTIC_CHARS = 500;

export interface BounceExample {
  source: BounceSource;
  recipient: string | null;
  diagnostic: string | null;
  time: string | null;
}

export type ActionCounts = Record<AddressAction, number>;

export interface CodeBucket {
  provider: string | null;
  replyCode: number | null;
  status: string | null;
  category: BounceCategory;
  permanent: boolean;
  count: number;
  fix: string;
  checks: string[];
  examples: BounceExample[];
}

export interface CategoryBucket {
  category: BounceCategory;
  count: number;
  permanent: number;
  actions: ActionCounts;
  /** Checks and finding ids that see the causes met in this category. */
  checks: string[];
  findings: string[];
  fix: string;
}

export interface DomainBucket {
  /** The sending domain; null for bounces whose sender is unknown. */
  domain: string | null;
  count: number;
  permanent: number;
  categories: Partial<Record<BounceCategory, number>>;
}

export interface ProviderBucket {
  provider: string | null;
  count: number;
  permanent: number;
}

export interface BounceSummary {
  total: number;
  permanent: number;
  transient: number;
  actions: ActionCounts;
  /** Earliest and latest bounce time; null when no record has one. */
  firstTime: string | null;
  lastTime: string | null;
  byProvider: ProviderBucket[];
  byCode: CodeBucket[];
  byCategory: CategoryBucket[];
  bySendingDomain: DomainBucket[];
  /** Bounces counted in totals but not in a code or domain bucket because the caps were reached. */
  overflow: { codes: number; domains: number };
  /** Counts per time bucket per category (src/bounce/timeline.ts), for the chart over time. */
  timeline: BounceTimeline;
}

/** Sort key of a bucket without a name (unknown provider or sender): after every named one. */
const UNNAMED_LAST = '\uffff';

function emptyActions(): ActionCounts {
  return { suppress: 0, retry: 0, keep: 0 };
}

function example(b: ClassifiedBounce): BounceExample {
  const diagnostic =
    b.diagnostic && b.diagnostic.length > MAX_EXAMPLE_DIAGNOSTIC_CHARS
      ? `${b.diagnostic.slice(0, MAX_EXAMPLE_DIAGNOSTIC_CHARS)}...`
      : b.diagnostic;
  return { source: b.source, recipient: b.recipient, diagnostic, time: b.time };
}

function addAll(target: string[], items: readonly string[]): void {
  for (const i of items) if (!target.includes(i)) target.push(i);
}

/** Worst first: more permanent bounces, then more bounces, then by name for a stable order. */
function worstFirst<T>(permanent: (t: T) => number, count: (t: T) => number, name: (t: T) => string) {
  return (a: T, b: T): number =>
    permanent(b) - permanent(a) ||
    count(b) - count(a) ||
    (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/** Adds bounces one at a time (streaming); `result()` gives the summary so far. */
export class BounceSummarizer {
  private total = 0;
  private permanent = 0;
  private readonly actions = emptyActions();
  private firstTime: string | null = null;
  private lastTime: string | null = null;
  private firstMs = Number.POSITIVE_INFINITY;
  private lastMs = Number.NEGATIVE_INFINITY;
  private readonly providers = new Map<string, ProviderBucket>();
  private readonly codes = new Map<string, CodeBucket>();
  private readonly categories = new Map<BounceCategory, CategoryBucket>();
  private readonly domains = new Map<string, DomainBucket>();
  private readonly overflow = { codes: 0, domains: 0 };
  private readonly timeline = new TimelineCounter();

  add(b: ClassifiedBounce): void {
    this.total++;
    if (b.permanent) this.permanent++;
    this.actions[b.addressAction]++;
    const ms = b.time ? Date.parse(b.time) : Number.NaN;
    this.addTime(ms, b.time);
    this.timeline.add(ms, b.category);
    this.addProvider(b);
    this.addCode(b);
    this.addCategory(b);
    this.addDomain(b);
  }

  private addTime(ms: number, time: string | null): void {
    if (Number.isNaN(ms)) return;
    if (ms < this.firstMs) [this.firstMs, this.firstTime] = [ms, time];
    if (ms > this.lastMs) [this.lastMs, this.lastTime] = [ms, time];
  }

  private addProvider(b: ClassifiedBounce): void {
    const key = b.provider ?? '';
    const bucket = this.providers.get(key) ?? { provider: b.provider, count: 0, permanent: 0 };
    bucket.count++;
    if (b.permanent) bucket.permanent++;
    this.providers.set(key, bucket);
  }

  private addCode(b: ClassifiedBounce): void {
    const key = JSON.stringify([b.provider, b.replyCode, b.status, b.category, b.permanent]);
    let bucket = this.codes.get(key);
    if (!bucket) {
      if (this.codes.size >= MAX_CODE_BUCKETS) {
        this.overflow.codes++;
        return;
      }
      bucket = {
        provider: b.provider,
        replyCode: b.replyCode,
        status: b.status,
        category: b.category,
        permanent: b.permanent,
        count: 0,
        fix: b.fix,
        checks: [...b.checks],
        examples: [],
      };
      this.codes.set(key, bucket);
    }
    bucket.count++;
    if (bucket.examples.length < MAX_EXAMPLES_PER_BUCKET) bucket.examples.push(example(b));
  }

  private addCategory(b: ClassifiedBounce): void {
    let bucket = this.categories.get(b.category);
    if (!bucket) {
      bucket = {
        category: b.category,
        count: 0,
        permanent: 0,
        actions: emptyActions(),
        checks: [],
        findings: [],
        fix: CATEGORY_SPECS[b.category].fix,
      };
      this.categories.set(b.category, bucket);
    }
    bucket.count++;
    if (b.permanent) bucket.permanent++;
    bucket.actions[b.addressAction]++;
    addAll(bucket.checks, b.checks);
    addAll(bucket.findings, b.findings ?? []);
  }

  private addDomain(b: ClassifiedBounce): void {
    const key = b.sendingDomain ?? '';
    let bucket = this.domains.get(key);
    if (!bucket) {
      if (this.domains.size >= MAX_DOMAIN_BUCKETS) {
        this.overflow.domains++;
        return;
      }
      bucket = { domain: b.sendingDomain, count: 0, permanent: 0, categories: {} };
      this.domains.set(key, bucket);
    }
    bucket.count++;
    if (b.permanent) bucket.permanent++;
    bucket.categories[b.category] = (bucket.categories[b.category] ?? 0) + 1;
  }

  result(): BounceSummary {
    const codeName = (c: CodeBucket) =>
      `${c.provider ?? ''} ${c.replyCode ?? ''} ${c.status ?? ''} ${c.category}`;
    return {
      total: this.total,
      permanent: this.permanent,
      transient: this.total - this.permanent,
      actions: { ...this.actions },
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      byProvider: [...this.providers.values()]
        .map((p) => ({ ...p }))
        .sort(
          worstFirst(
            (p) => p.permanent,
            (p) => p.count,
            (p) => p.provider ?? UNNAMED_LAST,
          ),
        ),
      byCode: [...this.codes.values()]
        .map((c) => ({ ...c, checks: [...c.checks], examples: [...c.examples] }))
        .sort(
          worstFirst(
            (c) => Number(c.permanent),
            (c) => c.count,
            codeName,
          ),
        ),
      byCategory: [...this.categories.values()]
        .map((c) => ({ ...c, actions: { ...c.actions }, checks: [...c.checks], findings: [...c.findings] }))
        .sort(
          worstFirst(
            (c) => c.permanent,
            (c) => c.count,
            (c) => c.category,
          ),
        ),
      bySendingDomain: [...this.domains.values()]
        .map((d) => ({ ...d, categories: { ...d.categories } }))
        .sort(
          worstFirst(
            (d) => d.permanent,
            (d) => d.count,
            (d) => d.domain ?? UNNAMED_LAST,
          ),
        ),
      overflow: { ...this.overflow },
      timeline: this.timeline.result(),
    };
  }
}

/** The summary of a finite set of classified bounces. */
export function summarize(classified: Iterable<ClassifiedBounce>): BounceSummary {
  const s = new BounceSummarizer();
  for (const b of classified) s.add(b);
  return s.result();
}
