/** The summary's timeline: counts per bucket per category, the width from the span, bounded, order-free. */
import { describe, expect, it } from 'vitest';
import { validateBounces } from '../../reports/schema.js';
import { classify } from '../../src/bounce/classify.js';
import { summarize } from '../../src/bounce/summary.js';
import {
  MAX_TIMELINE_BUCKETS,
  TIMELINE_DAY_MS,
  TIMELINE_HOUR_MS,
  TIMELINE_HOURLY_MAX_BUCKETS,
  TimelineCounter,
} from '../../src/bounce/timeline.js';
import { triageBounces } from '../../src/bounce/triage.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import { bounceRecord } from '../helpers/bounce-record.js';

const UNKNOWN = '550 5.1.1 The email account that you tried to reach does not exist. gsmtp';
const RATE = '421 4.7.28 Unusual rate of unsolicited mail. gsmtp';

function record(diagnostic: string, time: string | null): BounceRecord {
  return bounceRecord(diagnostic, { time });
}

const T0 = Date.parse('2026-11-02T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('summary timeline', () => {
  it('counts per hour per category over a short run; untimed bounces are counted apart', () => {
    const s = summarize(
      [
        record(RATE, at(10 * 60_000)),
        record(RATE, at(50 * 60_000)),
        record(UNKNOWN, at(59 * 60_000)),
        record(UNKNOWN, at(3 * TIMELINE_HOUR_MS + 1)),
        record(UNKNOWN, null),
        record(UNKNOWN, 'not a time'),
      ].map(classify),
    );
    expect(s.timeline).toEqual({
      bucketMs: TIMELINE_HOUR_MS,
      buckets: [
        {
          start: '2026-11-02T00:00:00.000Z',
          count: 3,
          categories: { reputation: 2, 'recipient-unknown': 1 },
        },
        { start: '2026-11-02T03:00:00.000Z', count: 1, categories: { 'recipient-unknown': 1 } },
      ],
      untimed: 2,
    });
  });

  it('turns to daily buckets past 3 days, with the same counts', () => {
    const s = summarize(
      [
        record(RATE, at(TIMELINE_HOUR_MS)),
        record(RATE, at(23 * TIMELINE_HOUR_MS)),
        record(UNKNOWN, at(4 * TIMELINE_DAY_MS)),
      ].map(classify),
    );
    expect(TIMELINE_HOURLY_MAX_BUCKETS).toBe(72);
    expect(s.timeline.bucketMs).toBe(TIMELINE_DAY_MS);
    expect(s.timeline.buckets).toEqual([
      { start: '2026-11-02T00:00:00.000Z', count: 2, categories: { reputation: 2 } },
      { start: '2026-11-06T00:00:00.000Z', count: 1, categories: { 'recipient-unknown': 1 } },
    ]);
  });

  it('stays under MAX_TIMELINE_BUCKETS over years of one bounce an hour, whatever the order', () => {
    const hours = 3 * 365 * 24;
    const forward = new TimelineCounter();
    const backward = new TimelineCounter();
    for (let h = 0; h < hours; h++) forward.add(T0 + h * TIMELINE_HOUR_MS, 'network');
    for (let h = hours - 1; h >= 0; h--) backward.add(T0 + h * TIMELINE_HOUR_MS, 'network');
    const t = forward.result();
    expect(t.bucketMs).toBe(4 * TIMELINE_DAY_MS);
    expect(t.buckets.length).toBeLessThanOrEqual(MAX_TIMELINE_BUCKETS);
    expect(t.buckets.reduce((n, b) => n + b.count, 0)).toBe(hours);
    expect(backward.result()).toEqual(t);
    // a junk time far away widens the buckets, never grows their number
    forward.add(Date.parse('1970-01-01T00:00:00Z'), 'unknown');
    expect(forward.result().buckets.length).toBeLessThanOrEqual(MAX_TIMELINE_BUCKETS);
  });

  it("is part of triageBounces' result and matches bounces-v1.json", async () => {
    const t = await triageBounces([
      record(RATE, at(0)),
      record(UNKNOWN, at(TIMELINE_DAY_MS * 10)),
      record(RATE, null),
    ]);
    expect(t.summary.timeline.buckets).toHaveLength(2);
    expect(t.summary.timeline.untimed).toBe(1);
    const result = validateBounces(JSON.parse(JSON.stringify(t)));
    expect(result.errors).toEqual([]);
  });
});
