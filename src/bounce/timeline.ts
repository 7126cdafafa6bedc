/**
 * The bounces over time: counts per time bucket per category, for the report's chart. Streaming
 * and bounded: only counts are kept, in at most MAX_TIMELINE_BUCKETS buckets whatever the input.
 * The bucket width follows the run's span: an hour while the run fits in
 * TIMELINE_HOURLY_MAX_BUCKETS hours (the scale of a provider's throttling, as for waves), a day
 * beyond, and twice as wide again each time the span outgrows MAX_TIMELINE_BUCKETS buckets. The
 * width only ever grows (buckets are merged), and ends as the narrowest that fits the whole span,
 * whatever the order of the input. Buckets are aligned to UTC hours and days.
 */
import type { BounceCategory } from './types.js';

export const TIMELINE_HOUR_MS = 3_600_000;
export const TIMELINE_DAY_MS = 24 * TIMELINE_HOUR_MS;
/** Hourly buckets while the run spans at most this many hours (3 days); daily beyond. */
export const TIMELINE_HOURLY_MAX_BUCKETS = 72;
/** Most buckets of any width: a chart's worth of bars; a longer run gets wider buckets. */
export const MAX_TIMELINE_BUCKETS = 500;

export interface TimelineBucket {
  /** Start of the bucket (ISO 8601, UTC); it spans `bucketMs`. */
  start: string;
  count: number;
  categories: Partial<Record<BounceCategory, number>>;
}

export interface BounceTimeline {
  /** Width of every bucket: an hour, a day or a power of two days. */
  bucketMs: number;
  /** The non-empty buckets, oldest first. */
  buckets: TimelineBucket[];
  /** Bounces without a usable time: counted in the totals, not on the timeline. */
  untimed: number;
}

/** Counts of one bucket, by category. */
type Counts = Map<BounceCategory, number>;

/** Adds timed bounces one at a time; `result()` gives the timeline so far. */
export class TimelineCounter {
  private bucketMs = TIMELINE_HOUR_MS;
  /** Bucket index (ms / bucketMs, floored) -> counts. */
  private buckets = new Map<number, Counts>();
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private untimed = 0;

  /** One bounce at `ms` (NaN when it has no usable time). */
  add(ms: number, category: BounceCategory): void {
    if (Number.isNaN(ms)) {
      this.untimed++;
      return;
    }
    const index = Math.floor(ms / this.bucketMs);
    this.first = Math.min(this.first, index);
    this.last = Math.max(this.last, index);
    let counts = this.buckets.get(index);
    if (!counts) {
      counts = new Map();
      this.buckets.set(index, counts);
    }
    counts.set(category, (counts.get(category) ?? 0) + 1);
    while (this.last - this.first + 1 > this.maxBuckets()) this.widen();
  }

  private maxBuckets(): number {
    return this.bucketMs === TIMELINE_HOUR_MS ? TIMELINE_HOURLY_MAX_BUCKETS : MAX_TIMELINE_BUCKETS;
  }

  /** Next width (hour -> day -> 2 days -> 4 days ...), merging the buckets into it. */
  private widen(): void {
    const wider = this.bucketMs === TIMELINE_HOUR_MS ? TIMELINE_DAY_MS : this.bucketMs * 2;
    const factor = wider / this.bucketMs;
    const merged = new Map<number, Counts>();
    for (const [index, counts] of this.buckets) {
      const into = Math.floor(index / factor);
      const target = merged.get(into);
      if (!target) merged.set(into, counts);
      else for (const [category, n] of counts) target.set(category, (target.get(category) ?? 0) + n);
    }
    this.buckets = merged;
    this.bucketMs = wider;
    this.first = Math.floor(this.first / factor);
    this.last = Math.floor(this.last / factor);
  }

  result(): BounceTimeline {
    const buckets = [...this.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, counts]) => {
        let count = 0;
        const categories: Partial<Record<BounceCategory, number>> = {};
        for (const [category, n] of counts) {
          categories[category] = n;
          count += n;
        }
        return { start: new Date(index * this.bucketMs).toISOString(), count, categories };
      });
    return { bucketMs: this.bucketMs, buckets, untimed: this.untimed };
  }
}
