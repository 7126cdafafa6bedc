/** The summary's counts and order, its memory bounds, and triageBounces' output against its schema. */
import { describe, expect, it } from 'vitest';
import { loadBouncesSchema, validateBounces } from '../../reports/schema.js';
import { classify } from '../../src/bounce/classify.js';
import {
  MAX_CODE_BUCKETS,
  MAX_EXAMPLE_DIAGNOSTIC_CHARS,
  MAX_EXAMPLES_PER_BUCKET,
  summarize,
} from '../../src/bounce/summary.js';
import { REPEATED_FULL_MAILBOX, triageBounces } from '../../src/bounce/triage.js';
import type { BounceRecord } from '../../src/bounce/types.js';
import { bounceRecord } from '../helpers/bounce-record.js';

/** A Gmail bounce at a fixed time (the helper's record, timed). */
function record(diagnostic: string, extra: Partial<BounceRecord> = {}): BounceRecord {
  return bounceRecord(diagnostic, { time: '2026-11-02T10:00:00Z', ...extra });
}

const UNKNOWN = '550 5.1.1 The email account that you tried to reach does not exist. gsmtp';
const RATE = '421 4.7.28 Unusual rate of unsolicited mail. gsmtp';
const TOO_BIG = "552 5.3.4 Your message exceeded Google's message size limits. gsmtp";

function* many(n: number, diagnostic: string, extra: Partial<BounceRecord> = {}): Generator<BounceRecord> {
  for (let i = 0; i < n; i++)
    yield record(diagnostic, { source: { path: 'mail.log', line: i + 1 }, ...extra });
}

describe('summarize', () => {
  const bounces = [
    ...many(3, RATE),
    ...many(2, UNKNOWN),
    ...many(1, TOO_BIG, { sender: 'billing@other.example' }),
    ...many(1, '550 5.1.1 User unknown', { sender: null, remoteMta: 'mx.example.net' }),
  ].map(classify);
  const s = summarize(bounces);

  it('counts totals, classes and address actions', () => {
    expect(s.total).toBe(7);
    expect(s.permanent).toBe(4);
    expect(s.transient).toBe(3);
    expect(s.actions).toEqual({ suppress: 3, retry: 0, keep: 4 });
    expect(s.firstTime).toBe('2026-11-02T10:00:00Z');
  });

  it('counts provider x code x status, permanent and large first', () => {
    expect(s.byCode.map((c) => [c.provider, c.replyCode, c.status, c.category, c.count])).toEqual([
      ['gmail', 550, '5.1.1', 'recipient-unknown', 2],
      [null, 550, '5.1.1', 'recipient-unknown', 1],
      ['gmail', 552, '5.3.4', 'message-too-big', 1],
      ['gmail', 421, '4.7.28', 'reputation', 3],
    ]);
    expect(s.byCode[0]?.examples).toHaveLength(2);
  });

  it('counts by category with the checks that see it', () => {
    const big = s.byCategory.find((c) => c.category === 'message-too-big');
    expect(big).toMatchObject({ count: 1, permanent: 1, checks: ['message-size'], actions: { keep: 1 } });
    expect(big?.findings).toContain('message-size/over-gmail-limit');
    expect(s.byCategory[0]?.category).toBe('recipient-unknown');
  });

  it('counts by sending domain, unknown senders under null', () => {
    expect(s.bySendingDomain.map((d) => [d.domain, d.count, d.permanent])).toEqual([
      ['shop.example', 5, 2],
      ['other.example', 1, 1],
      [null, 1, 1],
    ]);
    expect(s.bySendingDomain[0]?.categories).toEqual({ reputation: 3, 'recipient-unknown': 2 });
  });

  it('keeps memory bounded: a few short examples per bucket, capped buckets', () => {
    const long = `550 5.1.1 ${'x'.repeat(5000)}`;
    const big = summarize([...many(50, long)].map(classify));
    expect(big.byCode[0]?.count).toBe(50);
    expect(big.byCode[0]?.examples).toHaveLength(MAX_EXAMPLES_PER_BUCKET);
    expect(big.byCode[0]?.examples[0]?.diagnostic?.length).toBeLessThanOrEqual(
      MAX_EXAMPLE_DIAGNOSTIC_CHARS + 3,
    );

    const junk = function* () {
      for (let i = 0; i < MAX_CODE_BUCKETS + 10; i++)
        yield classify(record(`550 5.1.${i} junk`, { status: `5.1.${i}` }));
    };
    const capped = summarize(junk());
    expect(capped.byCode).toHaveLength(MAX_CODE_BUCKETS);
    expect(capped.overflow.codes).toBe(10);
    expect(capped.total).toBe(MAX_CODE_BUCKETS + 10);
  });
});

describe('triageBounces', () => {
  it('classifies, summarizes and finds waves from an async stream; the result matches bounces-v1.json', async () => {
    async function* stream(): AsyncGenerator<BounceRecord> {
      yield* many(2, UNKNOWN, { time: '2026-11-01T08:00:00Z' });
      for (let i = 0; i < 40; i++)
        yield record(RATE, { time: `2026-11-02T10:${String(i).padStart(2, '0')}:00Z` });
      yield record('delivery time expired', { status: '4.4.7', time: null, remoteMta: null });
    }
    const seen: string[] = [];
    const t = await triageBounces(stream(), { maxBounces: 5, onBounce: (b) => void seen.push(b.category) });
    expect(seen).toHaveLength(43);
    expect(t.bounces).toHaveLength(5);
    expect(t.omittedBounces).toBe(38);
    expect(t.summary.total).toBe(43);
    expect(t.waves.waves).toHaveLength(1);
    expect(t.waves.untimed).toBe(1);
    const result = validateBounces(JSON.parse(JSON.stringify(t)));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the schema rejects what the code never writes', () => {
    expect(validateBounces({ schemaVersion: '1.0.0' }).valid).toBe(false);
    const example = (
      loadBouncesSchema()['definitions'] as Record<string, { properties: Record<string, unknown> }>
    ).summary?.properties['byCode'] as { items: { properties: { examples: { maxItems: number } } } };
    expect(example.items.properties.examples.maxItems).toBe(MAX_EXAMPLES_PER_BUCKET);
  });

  it('skips records outside since/until, keeps those without a time', async () => {
    const records = [
      record(UNKNOWN, { time: '2026-10-01T00:00:00Z' }),
      record(UNKNOWN, { time: '2026-11-02T00:00:00Z' }),
      record(UNKNOWN, { time: null }),
      record(UNKNOWN, { time: '2026-12-01T00:00:00Z' }),
    ];
    const t = await triageBounces(records, {
      since: new Date('2026-11-01T00:00:00Z'),
      until: new Date('2026-12-01T00:00:00Z'),
    });
    expect(t.summary.total).toBe(2);
    expect(t.skippedByTime).toBe(2);
  });

  it("suppresses another receiver's full mailbox only once it stayed full over repeated bounces", async () => {
    const full = (day: number) =>
      record('552 5.2.2 Mailbox full', {
        time: `2026-11-0${day}T00:00:00Z`,
        recipient: 'Full@example.org',
        remoteMta: 'mx.example.net',
      });
    const soon = await triageBounces([full(1), full(1), full(1)]);
    expect(soon.bounces.map((b) => b.addressAction)).toEqual(['retry', 'retry', 'retry']);
    const later = await triageBounces([full(1), full(2), full(5)]);
    expect(REPEATED_FULL_MAILBOX.bounces).toBe(3);
    expect(later.bounces.map((b) => b.addressAction)).toEqual(['retry', 'retry', 'suppress']);
    expect(later.summary.actions.suppress).toBe(1);
  });
});
