/**
 * Waves: a burst of one provider's reply that stands out from that reply's own baseline, such as
 * 40 `421 4.7.28` from Gmail within an hour over a quiet day. The rule (waveRuleText()):
 * bounces are grouped by provider x basic code x enhanced code x category and counted per clock
 * window of WAVE_WINDOW_MS. The baseline of a group is the median of its counts over every
 * window of the run, from the first to the last timed bounce of the whole input, empty windows
 * included (a code that shows up only in a burst has baseline 0). A window starts a wave when it
 * holds at least WAVE_MIN_BOUNCES of the group and at least WAVE_BASELINE_FACTOR times the
 * baseline; the wave spans the consecutive windows around it that stay above that factor times
 * the baseline (a burst straddling a clock hour stays one wave), and hot windows next to each
 * other are one wave. Bounces without a time cannot be placed and are never in a wave (`untimed`).
 */
import type { BounceCategory, ClassifiedBounce } from './types.js';

/** Width of a counting window: one hour, the scale at which providers throttle and report. */
export const WAVE_WINDOW_MS = 3_600_000;
/** Fewest bounces of one group in a window for a wave: fewer is noise, not an event. */
export const WAVE_MIN_BOUNCES = 20;
/** How many times its baseline a window must reach to stand out. */
export const WAVE_BASELINE_FACTOR = 5;
/** Groups tracked; beyond it new groups are not placed in windows (counted in `untracked`). */
export const MAX_WAVE_GROUPS = 1_000;
/** Non-empty (group, window) cells kept in all: a year of hourly windows for a hundred groups. */
export const MAX_WAVE_CELLS = 1_000_000;

export interface WaveRule {
  windowMs: number;
  minBounces: number;
  baselineFactor: number;
}

export const DEFAULT_WAVE_RULE: WaveRule = {
  windowMs: WAVE_WINDOW_MS,
  minBounces: WAVE_MIN_BOUNCES,
  baselineFactor: WAVE_BASELINE_FACTOR,
};

/** The rule in words, for reports. */
export function waveRuleText(rule: WaveRule = DEFAULT_WAVE_RULE): string {
  const minutes = rule.windowMs / 60_000;
  return (
    `A wave is a run of consecutive ${minutes}-minute windows in which one provider's reply ` +
    `(basic code, enhanced code, category) bounced at least ${rule.minBounces} times and at least ` +
    `${rule.baselineFactor} times its baseline (the median count per window of that reply over the run), ` +
    `together with the adjacent windows still above ${rule.baselineFactor} times the baseline.`
  );
}

export interface Wave {
  provider: string | null;
  replyCode: number | null;
  status: string | null;
  category: BounceCategory;
  /** Time of the first and last bounce in the wave (ISO 8601). */
  start: string;
  end: string;
  size: number;
  windows: number;
  /** Largest count in one window of the wave. */
  peak: number;
  /** The group's median count per window over the run. */
  baseline: number;
  fix: string;
  checks: string[];
  findings: string[];
}

export interface WaveReport {
  rule: WaveRule & { text: string };
  waves: Wave[];
  /** Bounces without a usable time: not in any wave. */
  untimed: number;
  /** Timed bounces not placed because the group or cell caps were reached. */
  untracked: number;
}

interface Cell {
  count: number;
  firstMs: number;
  lastMs: number;
}

interface Group {
  provider: string | null;
  replyCode: number | null;
  status: string | null;
  category: BounceCategory;
  fix: string;
  checks: string[];
  findings: string[];
  cells: Map<number, Cell>;
}

/** Collects timed bounces per group and window; `result()` finds the waves. */
export class WaveDetector {
  private readonly groups = new Map<string, Group>();
  private cellCount = 0;
  private untimed = 0;
  private untracked = 0;
  private firstWindow = Number.POSITIVE_INFINITY;
  private lastWindow = Number.NEGATIVE_INFINITY;

  constructor(private readonly rule: WaveRule = DEFAULT_WAVE_RULE) {}

  add(b: ClassifiedBounce): void {
    const ms = b.time ? Date.parse(b.time) : Number.NaN;
    if (Number.isNaN(ms)) {
      this.untimed++;
      return;
    }
    const window = Math.floor(ms / this.rule.windowMs);
    this.firstWindow = Math.min(this.firstWindow, window);
    this.lastWindow = Math.max(this.lastWindow, window);
    const group = this.groupOf(b);
    const cell = group?.cells.get(window);
    if (cell) {
      cell.count++;
      cell.firstMs = Math.min(cell.firstMs, ms);
      cell.lastMs = Math.max(cell.lastMs, ms);
    } else if (group && this.cellCount < MAX_WAVE_CELLS) {
      group.cells.set(window, { count: 1, firstMs: ms, lastMs: ms });
      this.cellCount++;
    } else {
      this.untracked++;
    }
  }

  private groupOf(b: ClassifiedBounce): Group | undefined {
    const key = JSON.stringify([b.provider, b.replyCode, b.status, b.category]);
    let group = this.groups.get(key);
    if (!group && this.groups.size < MAX_WAVE_GROUPS) {
      group = {
        provider: b.provider,
        replyCode: b.replyCode,
        status: b.status,
        category: b.category,
        fix: b.fix,
        checks: [...b.checks],
        findings: [...(b.findings ?? [])],
        cells: new Map(),
      };
      this.groups.set(key, group);
    }
    return group;
  }

  result(): WaveReport {
    const span = this.lastWindow >= this.firstWindow ? this.lastWindow - this.firstWindow + 1 : 0;
    const waves = [...this.groups.values()].flatMap((g) => this.wavesOf(g, span));
    waves.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : b.size - a.size));
    return {
      rule: { ...this.rule, text: waveRuleText(this.rule) },
      waves,
      untimed: this.untimed,
      untracked: this.untracked,
    };
  }

  /**
   * Hot windows (at least max(min, factor x baseline)) seed a wave; the wave spans the run of
   * consecutive windows above factor x baseline around them, so a burst that straddles a clock
   * hour is one wave with its whole size, not a hot hour and a lost tail.
   */
  private wavesOf(group: Group, span: number): Wave[] {
    const baseline = medianWithZeros(
      [...group.cells.values()].map((c) => c.count),
      span,
    );
    const elevated = this.rule.baselineFactor * baseline;
    const threshold = Math.max(this.rule.minBounces, elevated);
    const above = [...group.cells.entries()]
      .filter(([, c]) => c.count > elevated || c.count >= threshold)
      .sort(([a], [b]) => a - b);
    const waves: Wave[] = [];
    let run: [number, Cell][] = [];
    const flush = () => {
      if (run.some(([, c]) => c.count >= threshold)) waves.push(toWave(group, run, baseline));
      run = [];
    };
    for (const entry of above) {
      const previous = run[run.length - 1];
      if (previous && entry[0] !== previous[0] + 1) flush();
      run.push(entry);
    }
    flush();
    return waves;
  }
}

function toWave(group: Group, run: readonly [number, Cell][], baseline: number): Wave {
  const cells = run.map(([, c]) => c);
  return {
    provider: group.provider,
    replyCode: group.replyCode,
    status: group.status,
    category: group.category,
    start: new Date(Math.min(...cells.map((c) => c.firstMs))).toISOString(),
    end: new Date(Math.max(...cells.map((c) => c.lastMs))).toISOString(),
    size: cells.reduce((n, c) => n + c.count, 0),
    windows: cells.length,
    peak: Math.max(...cells.map((c) => c.count)),
    baseline,
    fix: group.fix,
    checks: [...group.checks],
    findings: [...group.findings],
  };
}

/** Median of `span` values of which `nonZero` are given and the rest are 0 (no array of the span is built). */
export function medianWithZeros(nonZero: readonly number[], span: number): number {
  const n = Math.max(span, nonZero.length);
  if (n === 0) return 0;
  const sorted = [...nonZero].sort((a, b) => a - b);
  const zeros = n - sorted.length;
  const nth = (k: number): number => (k < zeros ? 0 : (sorted[k - zeros] ?? 0));
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? nth(mid) : (nth(mid - 1) + nth(mid)) / 2;
}

/** The waves in a finite set of classified bounces. */
export function findWaves(
  classified: Iterable<ClassifiedBounce>,
  rule: WaveRule = DEFAULT_WAVE_RULE,
): WaveReport {
  const d = new WaveDetector(rule);
  for (const b of classified) d.add(b);
  return d.result();
}
