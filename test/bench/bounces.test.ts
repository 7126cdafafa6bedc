/**
 * The bounce triage benchmark's parts, small and fast (no timing assertions): the Postfix log
 * generator writes exactly the asked lines, in time order, the same bytes for the same seed, with
 * a realistic mix; read and triaged, its log gives the records and categories of the generator's
 * own tally and one wave, the burst's; the measurement returns figures, in this process and from a
 * forked worker; the verdicts apply the targets.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BounceRow,
  formatTable,
  rowOf,
  runBounceWorker,
  TARGET_LINES_PER_SECOND,
  verdicts,
  withCeiling,
} from '../../bench/bounces.js';
import { measureBounces } from '../../bench/bounces-worker.js';
import { LOG_YEAR, type PostfixLogTally, writePostfixLog } from '../../bench/postfix-log-gen.js';
import { type ReadSummary, readBounces } from '../../src/bounce/read/index.js';
import { triageBounces } from '../../src/bounce/triage.js';
import type { ClassifiedBounce } from '../../src/bounce/types.js';

const LINES = 20_000;
const SYSLOG_POSTFIX = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d mx1 postfix\/[a-z]+\[\d+\]: \S/;

let dir: string;
let file: string;
let tally: PostfixLogTally;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mp-bench-bounces-test-'));
  file = join(dir, 'postfix.log');
  tally = await writePostfixLog(file, { lines: LINES, seed: 1 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('Postfix log generator', () => {
  it('writes exactly the asked lines, each a syslog line of a Postfix daemon, in time order over a day', () => {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(LINES);
    expect(tally).toMatchObject({ lines: LINES, bytes: Buffer.byteLength(text) });
    for (const l of lines) expect(l).toMatch(SYSLOG_POSTFIX);
    const stamps = lines.map((l) => l.slice(0, 15));
    expect(stamps.every((s, i) => i === 0 || s >= stamps[i - 1]!)).toBe(true);
    expect(tally.firstTime.slice(0, 10)).toBe('2026-03-02');
    expect(Date.parse(tally.lastTime) - Date.parse(tally.firstTime)).toBeGreaterThan(23 * 3_600_000);
    for (const daemon of ['smtpd', 'cleanup', 'qmgr', 'smtp', 'bounce']) {
      expect(text).toContain(`postfix/${daemon}[`);
    }
    for (const state of ['sent', 'bounced', 'deferred']) expect(text).toContain(`status=${state} (`);
    expect(text).toContain('status=expired, returned to sender');
    expect(text).toContain(': removed\n');
  });

  it('is seeded: the same seed gives the same bytes, another seed another log', async () => {
    const again = join(dir, 'again.log');
    const other = join(dir, 'other.log');
    expect(await writePostfixLog(again, { lines: LINES, seed: 1 })).toEqual(tally);
    await writePostfixLog(other, { lines: LINES, seed: 2 });
    expect(sha256(again)).toBe(sha256(file));
    expect(sha256(other)).not.toBe(sha256(file));
  });

  it('has a realistic mix: mostly sent, a few percent bounced, more deferred, most of the burst at Gmail', () => {
    expect(tally.messages).toBeGreaterThan(2_000);
    expect(tally.failed / tally.messages).toBeGreaterThan(0.015);
    expect(tally.failed / tally.messages).toBeLessThan(0.05);
    expect(tally.records / tally.messages).toBeGreaterThan(0.05);
    expect(tally.records / tally.messages).toBeLessThan(0.15);
    expect(tally.records).toBe(tally.failed + tally.delayed);
    expect(Object.keys(tally.byCategory).length).toBeGreaterThanOrEqual(10);
    expect(tally.burst.windows).toHaveLength(1);
    expect(tally.burst.windows[0]!.inWindow).toBeGreaterThanOrEqual(40);
    expect(tally.burst).toMatchObject({ provider: 'gmail', replyCode: 421, status: '4.7.28' });
  });

  it('a log of several days at the same rate has a burst each day', async () => {
    const days = join(dir, 'days.log');
    const t = await writePostfixLog(days, { lines: 6_000, days: 3, seed: 3 });
    expect(t.burst.windows.map((w) => w.start)).toEqual([
      '2026-03-02T14:00:00.000Z',
      '2026-03-03T14:00:00.000Z',
      '2026-03-04T14:00:00.000Z',
    ]);
    expect(t.burst.windows.every((w) => w.inWindow > 0)).toBe(true);
    expect(t.lastTime.slice(0, 10)).toBe('2026-03-04');
  });
});

describe('read and triaged', () => {
  it('gives the records and categories of the generator tally, and one wave: the burst', async () => {
    let summary: ReadSummary | undefined;
    const actions = { failed: 0, delayed: 0 };
    const triage = await triageBounces(
      readBounces([file], {
        year: LOG_YEAR,
        onSummary: (s) => {
          summary = s;
        },
      }),
      {
        maxBounces: 0,
        onBounce: (b: ClassifiedBounce) => {
          if (b.action === 'failed' || b.action === 'delayed') actions[b.action]++;
        },
      },
    );
    expect(summary).toMatchObject({ files: 1, lines: LINES, records: tally.records, problems: 0 });
    expect(triage.summary.total).toBe(tally.records);
    expect(actions).toEqual({ failed: tally.failed, delayed: tally.delayed });
    expect(Object.fromEntries(triage.summary.byCategory.map((c) => [c.category, c.count]))).toEqual(
      tally.byCategory,
    );
    const domains = triage.summary.bySendingDomain.map((d) => d.domain);
    expect(domains).toEqual(expect.arrayContaining(['shop.example', 'mail.shop.example', 'billing.example']));

    const [window] = tally.burst.windows;
    expect(triage.waves.waves).toHaveLength(1);
    const [wave] = triage.waves.waves;
    expect(wave).toMatchObject({
      provider: 'gmail',
      replyCode: 421,
      status: '4.7.28',
      category: 'reputation',
    });
    expect(wave!.start >= window!.start && wave!.start < window!.end).toBe(true);
    expect(wave!.size).toBeGreaterThanOrEqual(window!.inWindow);
    expect(wave!.size).toBeLessThanOrEqual(tally.burst.total);
  });
});

describe('measurement', () => {
  it('measureBounces reads and triages in this process, and reads the lines alone for the ceiling', async () => {
    const triage = await measureBounces({ file, mode: 'triage', year: LOG_YEAR });
    expect(triage).toMatchObject({ type: 'result', mode: 'triage', lines: LINES, records: tally.records });
    expect(triage.kept).toBe(tally.records);
    expect(triage.byCategory).toEqual(tally.byCategory);
    expect(triage.waves).toHaveLength(1);
    for (const n of [triage.elapsedMs, triage.cpuMs, triage.peakRss, triage.startRss, triage.liveHeap]) {
      expect(Number.isFinite(n) && n > 0).toBe(true);
    }
    const counted = await measureBounces({ file, mode: 'triage-count', year: LOG_YEAR });
    expect(counted).toMatchObject({ lines: LINES, records: tally.records, kept: 0 });
    for (const mode of ['split', 'readline'] as const) {
      const ceiling = await measureBounces({ file, mode, year: LOG_YEAR });
      expect(ceiling).toMatchObject({ mode, lines: LINES, records: 0, kept: 0, waves: [] });
    }
    const row = rowOf(triage, tally);
    expect(row.tallyMatches).toBe(true);
    expect(rowOf({ ...triage, records: triage.records - 1 }, tally).tallyMatches).toBe(false);
    expect(rowOf({ ...triage, mode: 'split' }, tally).tallyMatches).toBeUndefined();
  });

  it('a forked worker measures its own process and reports back', async () => {
    const r = await runBounceWorker({ file, mode: 'triage-count', year: LOG_YEAR }, ['--import', 'tsx']);
    expect(r).toMatchObject({ lines: LINES, records: tally.records });
    expect(r.peakRss).toBeGreaterThan(0);
  });

  it('the verdicts apply the rate target and flat memory; the table shows each row against the ceiling', () => {
    const MB = 1024 * 1024;
    const row = (
      mode: BounceRow['mode'],
      lines: number,
      linesPerSecond: number,
      peakRss: number,
    ): BounceRow => ({
      mode,
      lines,
      bytes: lines * 140,
      records: mode === 'split' ? 0 : lines / 60,
      elapsedMs: (lines / linesPerSecond) * 1000,
      cpuMs: (lines / linesPerSecond) * 1000,
      linesPerSecond,
      recordsPerSecond: mode === 'split' ? 0 : linesPerSecond / 60,
      peakRss,
      startRss: 100 * MB,
      liveHeap: 20 * MB,
      ...(mode === 'split' ? {} : { tallyMatches: true }),
    });
    const good = [
      ...withCeiling([row('split', 1e6, 3e6, 150 * MB), row('triage', 1e6, 6e5, 210 * MB)]),
      ...withCeiling([row('split', 5e6, 3e6, 160 * MB), row('triage', 5e6, 6e5, 230 * MB)]),
    ];
    expect(good[1]!.ofCeiling).toBeCloseTo(0.2);
    expect(verdicts(good).met).toBe(true);
    const slow = [row('triage', 1e6, TARGET_LINES_PER_SECOND - 1, 210 * MB)];
    expect(verdicts(slow)).toMatchObject({ met: false });
    expect(verdicts(slow).text[0]).toContain('MISSED');
    const growing = [row('triage', 1e6, 6e5, 210 * MB), row('triage', 5e6, 6e5, 600 * MB)];
    expect(verdicts(growing).met).toBe(false);
    expect(verdicts(growing).text.join('\n')).toContain('GROWS');
    const retaining = [
      row('triage', 1e6, 6e5, 210 * MB),
      { ...row('triage', 5e6, 6e5, 215 * MB), liveHeap: 60 * MB },
    ];
    expect(verdicts(retaining).met).toBe(false);
    const table = formatTable(good);
    expect(table).toContain('| 1,000,000 | 133.5 MB | triage |');
    expect(table).toContain('| 20% |');
  });
});
