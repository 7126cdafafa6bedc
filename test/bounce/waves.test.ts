/** Waves: a burst of one provider's reply over its own baseline is an event; steady traffic is not. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/bounce/classify.js';
import type { BounceRecord, ClassifiedBounce } from '../../src/bounce/types.js';
import {
  DEFAULT_WAVE_RULE,
  findWaves,
  medianWithZeros,
  WAVE_BASELINE_FACTOR,
  WAVE_MIN_BOUNCES,
} from '../../src/bounce/waves.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-02T00:00:00Z');

function bounce(
  diagnostic: string,
  ms: number | null,
  remoteMta = 'gmail-smtp-in.l.google.com',
): ClassifiedBounce {
  const record: BounceRecord = {
    source: { path: 'mail.log' },
    kind: 'postfix-log',
    recipient: 'a@example.org',
    action: diagnostic.startsWith('4') ? 'delayed' : 'failed',
    status: diagnostic.match(/\b[245]\.\d+\.\d+\b/)?.[0] ?? null,
    replyCode: Number(diagnostic.slice(0, 3)),
    diagnostic,
    remoteMta,
    time: ms === null ? null : new Date(ms).toISOString(),
    sender: 'news@shop.example',
  };
  return classify(record);
}

const RATE = '421 4.7.28 Unusual rate of unsolicited mail from your IP. gsmtp';
const UNKNOWN = '550 5.1.1 The email account that you tried to reach does not exist. gsmtp';

/** `perHour` bounces in each of `hours` hours from `from`, spread across the hour. */
function steady(
  diagnostic: string,
  perHour: number,
  hours: number,
  from = START,
  mta?: string,
): ClassifiedBounce[] {
  const out: ClassifiedBounce[] = [];
  for (let h = 0; h < hours; h++)
    for (let i = 0; i < perHour; i++)
      out.push(bounce(diagnostic, from + h * HOUR + (i * HOUR) / perHour, mta));
  return out;
}

describe('waves', () => {
  it('40 Gmail 421 4.7.28 within an hour over a quiet day is one wave with its fix', () => {
    const quiet = [0, 6, 18].map((h) => bounce(RATE, START + h * HOUR));
    const burstStart = START + 12 * HOUR + 5 * 60_000;
    const burst = Array.from({ length: 40 }, (_, i) => bounce(RATE, burstStart + i * 60_000));
    const report = findWaves([...quiet, ...steady(UNKNOWN, 3, 24), ...burst]);
    expect(report.waves).toHaveLength(1);
    expect(report.waves[0]).toMatchObject({
      provider: 'gmail',
      replyCode: 421,
      status: '4.7.28',
      category: 'reputation',
      start: new Date(burstStart).toISOString(),
      end: new Date(burstStart + 39 * 60_000).toISOString(),
      size: 40,
      windows: 1,
      peak: 40,
      baseline: 0,
    });
    expect(report.waves[0]?.fix).toMatch(/^Pause, lower the rate, check complaints/);
    expect(report.rule.text).toContain(`at least ${WAVE_MIN_BOUNCES} times`);
  });

  it('a burst across a clock hour is one wave with its whole size', () => {
    const burstStart = START + 12 * HOUR + 50 * 60_000;
    const burst = Array.from({ length: 40 }, (_, i) => bounce(RATE, burstStart + i * 60_000));
    const report = findWaves([...steady(UNKNOWN, 3, 24), ...burst]);
    expect(report.waves.map((w) => [w.windows, w.size, w.peak])).toEqual([[2, 40, 30]]);
  });

  it('steady traffic is no wave, however large', () => {
    expect(findWaves(steady(RATE, 60, 48)).waves).toEqual([]);
    expect(findWaves(steady(UNKNOWN, 25, 24)).waves).toEqual([]);
  });

  it('a burst below WAVE_MIN_BOUNCES is noise', () => {
    const background = steady(UNKNOWN, 1, 24);
    const at = START + 12 * HOUR;
    expect(findWaves([...background, ...steady(RATE, WAVE_MIN_BOUNCES - 1, 1, at)]).waves).toEqual([]);
    expect(findWaves([...background, ...steady(RATE, WAVE_MIN_BOUNCES, 1, at)]).waves).toHaveLength(1);
  });

  it('must reach WAVE_BASELINE_FACTOR times the baseline', () => {
    const base = steady(RATE, 10, 24);
    const under = steady(RATE, 10 * WAVE_BASELINE_FACTOR - 11, 1, START + 30 * HOUR);
    const over = steady(RATE, 10 * WAVE_BASELINE_FACTOR, 1, START + 30 * HOUR);
    expect(findWaves([...base, ...under]).waves).toEqual([]);
    expect(findWaves([...base, ...over]).waves).toHaveLength(1);
  });

  it('merges consecutive wave windows and keeps separate bursts apart', () => {
    const waves = findWaves([
      ...steady(RATE, 30, 3, START),
      ...steady(RATE, 30, 1, START + 10 * HOUR),
      ...steady(UNKNOWN, 1, 30),
    ]).waves;
    expect(waves.map((w) => [w.windows, w.size])).toEqual([
      [3, 90],
      [1, 30],
    ]);
  });

  it('groups by provider: a Yahoo burst does not hide in Gmail traffic', () => {
    const waves = findWaves([
      ...steady(RATE, 30, 24),
      ...steady(
        '421 4.7.0 [TSS04] Messages temporarily deferred due to user complaints',
        40,
        1,
        START + 5 * HOUR,
        'mta5.am0.yahoodns.net',
      ),
    ]).waves;
    expect(waves.map((w) => [w.provider, w.category])).toEqual([['yahoo', 'reputation']]);
  });

  it('records without a time are not in waves', () => {
    const report = findWaves(Array.from({ length: 100 }, () => bounce(RATE, null)));
    expect(report.waves).toEqual([]);
    expect(report.untimed).toBe(100);
  });

  it('medianWithZeros counts the empty windows', () => {
    expect(medianWithZeros([40], 24)).toBe(0);
    expect(medianWithZeros([1, 2, 3], 3)).toBe(2);
    expect(medianWithZeros([4, 2], 4)).toBe(1);
    expect(medianWithZeros([], 0)).toBe(0);
    expect(DEFAULT_WAVE_RULE.windowMs).toBe(HOUR);
  });
});
