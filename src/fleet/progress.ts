/**
 * Progress of a fleet run on stderr: a bar redrawn in place on a TTY, one line every few
 * seconds otherwise (CI logs), nothing with --quiet. The clock and the stream are injected
 * so tests can drive them; the library itself never prints (the CLI owns the reporter).
 */

/** Redraws of the TTY bar at most this often. */
export const PROGRESS_TTY_INTERVAL_MS = 100;
/** One plain line at most this often without a TTY or in CI. */
export const PROGRESS_LINE_INTERVAL_MS = 5000;
const BAR_WIDTH = 24;

export interface FleetProgress {
  /** Identities in the run (resumed ones included). */
  total: number;
  /** Finished, resumed ones included. */
  done: number;
  /** Finished in an earlier attempt (not counted in the rate). */
  resumed: number;
  /** Identities whose status is fail or error so far. */
  failures: number;
  /** When this attempt started (ms, the reporter's clock). */
  startedAtMs: number;
}

export type ProgressMode = 'tty' | 'lines' | 'quiet';

export function progressMode(options: {
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  quiet?: boolean;
}): ProgressMode {
  if (options.quiet) return 'quiet';
  const ci = options.env['CI'];
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') return 'lines';
  return options.isTty ? 'tty' : 'lines';
}

export interface ProgressReporterOptions {
  write: (s: string) => void;
  mode: ProgressMode;
  now?: () => number;
  ttyIntervalMs?: number;
  lineIntervalMs?: number;
  /** What the line starts with and calls a failure (default: "fleet", "failed"; recipients: "not ok"). */
  labels?: ProgressLabels;
}

export interface ProgressLabels {
  name: string;
  failed: string;
}

const FLEET_LABELS: ProgressLabels = { name: 'fleet', failed: 'failed' };

/** Rate (identities per second, this attempt) and ETA (seconds; undefined until measurable). */
export function progressFigures(p: FleetProgress, nowMs: number): { rate: number; etaSeconds?: number } {
  const elapsed = Math.max(0, nowMs - p.startedAtMs) / 1000;
  const doneNow = Math.max(0, p.done - p.resumed);
  const rate = elapsed > 0 ? doneNow / elapsed : 0;
  const remaining = Math.max(0, p.total - p.done);
  if (remaining === 0) return { rate, etaSeconds: 0 };
  return rate > 0 ? { rate, etaSeconds: remaining / rate } : { rate };
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/** "fleet: 120/1000 (12%), 35.2/s, 3 failed, ETA 0:25" */
export function formatProgressLine(
  p: FleetProgress,
  nowMs: number,
  labels: ProgressLabels = FLEET_LABELS,
): string {
  const { rate, etaSeconds } = progressFigures(p, nowMs);
  const pct = p.total > 0 ? Math.floor((p.done / p.total) * 100) : 100;
  const eta = etaSeconds === undefined ? 'ETA ?' : `ETA ${formatDuration(etaSeconds)}`;
  const resumed = p.resumed > 0 ? `, ${p.resumed} resumed` : '';
  return `${labels.name}: ${p.done}/${p.total} (${pct}%), ${rate.toFixed(1)}/s, ${p.failures} ${labels.failed}${resumed}, ${eta}`;
}

function formatBar(p: FleetProgress, nowMs: number, labels: ProgressLabels): string {
  const filled = p.total > 0 ? Math.round((p.done / p.total) * BAR_WIDTH) : BAR_WIDTH;
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
  return `[${bar}] ${formatProgressLine(p, nowMs, labels).slice(labels.name.length + 2)}`;
}

export class ProgressReporter {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private readonly now: () => number;
  private readonly interval: number;

  constructor(private readonly options: ProgressReporterOptions) {
    this.now = options.now ?? Date.now;
    this.interval =
      options.mode === 'tty'
        ? (options.ttyIntervalMs ?? PROGRESS_TTY_INTERVAL_MS)
        : (options.lineIntervalMs ?? PROGRESS_LINE_INTERVAL_MS);
  }

  /** Call as often as wanted: output is rate-limited. */
  update(p: FleetProgress): void {
    if (this.options.mode === 'quiet') return;
    const now = this.now();
    if (now - this.lastDraw < this.interval) return;
    this.lastDraw = now;
    this.draw(p, now);
  }

  /** The final state, always shown (unless quiet); ends the TTY line. */
  finish(p: FleetProgress): void {
    if (this.options.mode === 'quiet') return;
    const now = this.now();
    this.draw(p, now);
    if (this.options.mode === 'tty' && this.drawn) this.options.write('\n');
  }

  private draw(p: FleetProgress, now: number): void {
    if (this.options.mode === 'tty') {
      this.options.write(`\r${formatBar(p, now, this.options.labels ?? FLEET_LABELS)}\x1b[K`);
      this.drawn = true;
    } else {
      this.options.write(`${formatProgressLine(p, now, this.options.labels)}\n`);
    }
  }
}
