/**
 * The fleet run: every identity audited through ONE probe (one cache, so an ESP's include
 * tree or a shared MX is asked once per run), a bounded number of identities in flight,
 * each report written as soon as it is done, and only a small row kept in memory.
 * Library code: never prints, never exits; progress goes to a callback.
 */
import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type AuditOptions, audit } from '../audit.js';
import type { ReputationSettings } from '../check.js';
import { UsageError } from '../errors.js';
import { type OverlayRunOptions, runWhatIf } from '../overlay/audit.js';
import { FLEET_SMTP_CONCURRENCY, type ProbeOptions, withProbe } from '../probe/create.js';
import { loopBusyMeter } from '../probe/loop-load.js';
import type { DnsCounters, Probe } from '../probe/types.js';
import { assertKnownCheckIds } from '../registry.js';
import { type Report, stableStringify } from '../report.js';
import { TOOL_VERSION } from '../version.js';
import type { FleetAuditor, FleetAuditorEnd, FleetAuditResult, FleetResultSink } from './auditor.js';
import type { FleetIdentity } from './config.js';
import { diffRuns, loadRunDir, type RunView } from './diff.js';
import { reportFileOf } from './key.js';
import {
  prepareOutDir,
  RESULTS_FILE,
  ResultsStream,
  readReportFile,
  SUMMARY_FILE,
  writeFileAtomic,
  writeReportFile,
} from './outdir.js';
import type { FleetProgress } from './progress.js';
import { ResolverWarnings } from './resolver.js';
import { errorRow, rowFromReport } from './row.js';
import { indexResults, RowReader, writeSummaryStreaming } from './stream.js';
import {
  FLEET_MAX_ROWS_IN_MEMORY,
  type FleetDiff,
  type FleetIdentityRow,
  type FleetSummary,
  type FleetTotals,
  type InvalidEntry,
  SUMMARY_SCHEMA_VERSION,
} from './summary.js';
import { type AuditThreadData, threadAuditor } from './threads.js';

export { FLEET_MAX_ROWS_IN_MEMORY };

/**
 * Identities in flight with a probe that reports no DNS load (test fakes). A real probe's runs
 * are adaptive (see `admission` below) unless --concurrency fixes the number.
 */
export const DEFAULT_FLEET_CONCURRENCY = 32;
/**
 * Adaptive runs: identities in flight at most, and at least (so a run starts at once). Between
 * the two, a new identity starts while the probe's DNS questions waiting for a slot stay under
 * a share of its limit: the DNS limit (adaptive too, src/probe/limiter.ts) sets the pace and
 * identities follow. More identities than the DNS limit can serve only add memory and CPU.
 */
export const ADAPTIVE_MAX_IDENTITIES = 512;
export const ADAPTIVE_MIN_IDENTITIES = 16;
/** Share of the DNS limit that may wait for a slot before no new identity starts. */
const ADMIT_QUEUE_SHARE = 0.25;
/** Questions in flight per identity assumed at least (identities busy judging ask none). */
const MIN_QUESTIONS_PER_IDENTITY = 0.5;
/** How often a held-back admission looks at the DNS load again, ms. */
const ADMIT_POLL_MS = 2;
/** Window over which the event loop's utilisation is judged, ms. */
const LOOP_WINDOW_MS = 250;
/** Utilisation above which the loop is saturated (the identity cap shrinks), and below which it has room (it grows). */
const LOOP_SATURATED = 0.97;
const LOOP_ROOM = 0.9;

/**
 * Identities in flight that this thread's CPU can serve (adaptive runs). A run bound by its
 * own CPU gains nothing from more identities in flight: they only hold more memory for longer,
 * and each young-generation collection copies more. So while the event loop is saturated the
 * cap shrinks by 10% a window from the identities in flight, and while it has room it grows by
 * 25% (a hard stop at saturation made the identities in flight swing from 34 to 278, with
 * idle windows). Measured at 10,000 identities (bench, 20-50 ms, three runs against three of
 * the previous version, alternating): peak RSS 218-220 MB instead of 270-276, identities/s the
 * same within the machine's noise (344-398 against 372-382), CPU 3.23-3.69 ms per identity
 * against 3.46-3.66.
 */
export class LoopCap {
  private cap = ADAPTIVE_MAX_IDENTITIES;
  private at: number;
  private readonly busySince: () => number;

  /**
   * `busySince`: the event loop's utilisation since its previous call (default: this thread's,
   * probe/loop-load.ts); `now`: the clock, ms. Both for tests.
   */
  constructor(
    busySince?: () => number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.at = now();
    this.busySince = busySince ?? loopBusyMeter();
  }

  /** The cap now, with `inFlight` identities in flight (judged once per LOOP_WINDOW_MS). */
  current(inFlight: number): number {
    const now = this.now();
    if (now - this.at >= LOOP_WINDOW_MS) {
      this.at = now;
      const busy = this.busySince();
      if (busy > LOOP_SATURATED)
        this.cap = Math.max(ADAPTIVE_MIN_IDENTITIES, Math.floor(Math.min(this.cap, inFlight) * 0.9));
      else if (busy < LOOP_ROOM) this.cap = Math.min(ADAPTIVE_MAX_IDENTITIES, Math.ceil(this.cap * 1.25));
    }
    return this.cap;
  }
}
/**
 * DNS cache bound of a fleet run's probe (LRU). Measured with the benchmark (bench/README.md):
 * at 100,000 identities 50,000 entries keep queries sent within 1.05 x the minimum (1.04),
 * while 200,000 (one audit's default) held ~450 MB more at peak; 40,000 already gives 1.053
 * there (but 292 MB instead of ~315 MB at 10,000 identities).
 */
export const FLEET_DEFAULT_CACHE_ENTRIES = 50_000;
/**
 * Packets tried per DNS question in a fleet run (an audit's default is 2). Measured with 1% of
 * packets lost at the lab (bench/README.md): with 2 tries 0.13% of 10,000 identities ended
 * with an unknown a loss-free run did not have (both packets of one of their ~9 questions
 * lost); a third try makes that about one question in a million.
 */
export const FLEET_DEFAULT_TRIES = 3;
/** The probe settings every fleet probe starts from (local runs and queue workers). */
export const FLEET_PROBE_DEFAULTS = {
  maxCacheEntries: FLEET_DEFAULT_CACHE_ENTRIES,
  tries: FLEET_DEFAULT_TRIES,
  smtpConcurrency: FLEET_SMTP_CONCURRENCY,
} as const satisfies ProbeOptions;
/** A run directory named like this takes the newest earlier sibling as its baseline. */
const DATED_DIR_RE = /^\d{4}-\d{2}-\d{2}(?:[T_-][0-9:-]+)?$/;

/** An identity's full report, read back from the out-dir for a renderer. */
export type FleetReportEntry =
  | { key: string; report: Report }
  | { key: string; domain: string; error: string };

/** Access to a finished run's reports, one at a time (never all in memory). */
export interface FleetReports {
  /** Every identity's report (or why there is none), in the summary's order. */
  entries(): Iterable<FleetReportEntry>;
  /** One identity's report by key. */
  report(key: string): Report | undefined;
}

/** An extra output made from the finished run (index.html, junit.xml). */
export interface FleetOutput {
  /** File name inside the out-dir. */
  file: string;
  /** The file's text, whole or in pieces (written as they come). */
  render(summary: FleetSummary, reports: FleetReports): string | Iterable<string>;
}

export interface FleetRunOptions {
  outDir: string;
  /** The run's probe; default: one made from probeOptions (resolvers, timeout, SMTP options). */
  probe?: Probe;
  probeOptions?: ProbeOptions;
  /** Identities in flight, fixed; default: adaptive to the probe's DNS load (at most ADAPTIVE_MAX_IDENTITIES). */
  concurrency?: number;
  checks?: readonly string[];
  deadlineMs?: number;
  signal?: AbortSignal;
  /** The reputation check's settings (a Spamhaus DQS key, the blocklists), for every audit. */
  reputation?: ReputationSettings;
  /** A previous run directory; undefined: auto-detect (dated sibling); false: none. */
  baseline?: string | false;
  /** Entries of the input that were skipped, for the summary. */
  invalid?: readonly InvalidEntry[];
  invalidCount?: number;
  /** The input files, for the summary. */
  inputs?: readonly string[];
  onProgress?: (progress: FleetProgress) => void;
  outputs?: readonly FleetOutput[];
  /** Clock (ms) for progress and timings; tests inject their own. */
  now?: () => number;
  /**
   * Where the identities are audited (the queue of src/fleet/queue/); default: here, through
   * the run's probe, `concurrency` at a time. probe, probeOptions and concurrency are then unused.
   */
  auditor?: FleetAuditor;
  /** Applied to each report before it is written (the policy file: expectations, waivers). */
  finishReport?: (report: Report, key: string) => Report;
  /**
   * Proposed DNS records (--overlay): each identity is audited live and with them through the
   * run's probe, and its report is the proposed one with the comparison (`diff`). Local runs only.
   */
  overlay?: OverlayRunOptions;
  /**
   * Audit threads (src/fleet/threads.ts), each with a probe of its own; default 1: the run's
   * own thread audits. Not with a given `probe`, an `auditor` or an `overlay`.
   */
  threads?: number;
}

export interface FleetRunResult {
  /**
   * The run's summary. summary.json on disk lists every identity; to keep memory flat, this
   * object's `identities` holds at most FLEET_MAX_ROWS_IN_MEMORY rows: the worst ones
   * (regressed, then error, fail, unknown, warn, pass), sorted by key. `totals` counts all.
   */
  summary: FleetSummary;
  /** Identities with at least one finding at error / at warning (all of them, not only those kept). */
  identitiesWithErrors: number;
  identitiesWithWarnings: number;
  /** The baseline compared against, when one was found. */
  baseline?: string;
  /** True when the signal stopped the run before every identity finished. */
  aborted: boolean;
  /** Why the auditor stopped before every identity was audited (e.g. the queue was lost). */
  stopped?: string;
}

/**
 * The newest earlier run next to `outDir` in a dated layout (`reports/2026-05-01/`,
 * `reports/2026-05-02/`...): the sibling with the greatest name below outDir's that holds a
 * summary.json. Undefined when outDir is not dated or there is none.
 */
export function findPreviousRun(outDir: string): string | undefined {
  const abs = resolve(outDir);
  const name = basename(abs);
  if (!DATED_DIR_RE.test(name)) return undefined;
  const parent = dirname(abs);
  let siblings: string[];
  try {
    siblings = readdirSync(parent);
  } catch {
    return undefined;
  }
  const earlier = siblings.filter((s) => DATED_DIR_RE.test(s) && s < name).sort();
  for (let i = earlier.length - 1; i >= 0; i--) {
    const dir = join(parent, earlier[i] as string);
    if (existsSync(join(dir, SUMMARY_FILE))) return dir;
  }
  return undefined;
}

/** Audits every identity into `options.outDir`, resuming what an earlier attempt finished. */
export async function runFleet(
  identities: readonly FleetIdentity[],
  options: FleetRunOptions,
): Promise<FleetRunResult> {
  const now = options.now ?? Date.now;
  const startedAtMs = now();
  const startedAt = new Date().toISOString();
  const concurrency = options.concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
    throw new UsageError('concurrency must be at least 1');
  assertKnownCheckIds(options.checks);
  const baselineDir =
    options.baseline === false ? undefined : (options.baseline ?? findPreviousRun(options.outDir));
  if (baselineDir !== undefined && resolve(baselineDir) === resolve(options.outDir))
    throw new UsageError('the baseline is the out-dir itself; give the previous run with --baseline');
  // Load the baseline first: a bad --baseline should fail before hours of work.
  const baseline = baselineDir !== undefined ? await loadRunDir(baselineDir) : undefined;

  const run = { now, startedAtMs, startedAt };
  const threads = options.threads ?? 1;
  if (options.auditor) {
    if (threads !== 1) throw new UsageError('--threads is for a local run: with --queue, start more workers');
    return runWithAuditor(identities, options, options.auditor, baseline, baselineDir, run);
  }
  if (threads !== 1) {
    if (options.probe)
      throw new UsageError('threads: each thread makes its own probe; give probeOptions, not a probe');
    if (options.overlay)
      throw new UsageError('--threads does not take --overlay: audit proposed records on one thread');
    const auditor = threadAuditor({
      threads,
      probeOptions: { ...FLEET_PROBE_DEFAULTS, ...options.probeOptions },
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(options.checks ? { checks: options.checks } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
      ...(options.reputation ? { reputation: options.reputation } : {}),
      now,
    });
    return runWithAuditor(identities, options, auditor, baseline, baselineDir, run);
  }
  // A probe made here ends with the run: SMTP probes still in flight are aborted.
  const probeOptions = { ...FLEET_PROBE_DEFAULTS, ...options.probeOptions };
  return withProbe(options.probe, probeOptions, (probe, ownsProbe) =>
    runWithAuditor(
      identities,
      options,
      localAuditor(probe, options, concurrency, now, ownsProbe),
      baseline,
      baselineDir,
      run,
    ),
  );
}

/** How often an audit thread tells the run's thread its DNS counters. */
const THREAD_COUNTERS_MS = 500;

/**
 * An audit thread's work (src/fleet/audit-thread.ts): its identities through a probe of its
 * own, as localAuditor audits them; `onCounters` hears its DNS counters and peak of identities
 * in flight every THREAD_COUNTERS_MS and at the end.
 */
export async function auditLocally(
  data: AuditThreadData,
  sink: FleetResultSink,
  signal: AbortSignal,
  onCounters: (progress: { dns: DnsCounters; peakInFlight: number }) => void,
): Promise<FleetAuditorEnd> {
  // data.probeOptions are the run's, its defaults included (runFleet), shared out (threads.ts).
  return withProbe(undefined, data.probeOptions, async (probe) => {
    const auditor = localAuditor(probe, data, data.concurrency, Date.now, true);
    const tell = (): void => onCounters({ dns: auditor.dnsCounters(), peakInFlight: auditor.concurrency });
    const timer = setInterval(tell, THREAD_COUNTERS_MS);
    try {
      return await auditor.audit(data.identities, sink, signal);
    } finally {
      clearInterval(timer);
      tell();
    }
  });
}

/**
 * The local auditor: every identity through one probe (one cache), `concurrency` in flight
 * (undefined: adaptive to the probe's DNS load, see `admission`). A probe made for the run
 * (`ownsProbe`) drops its cache once the audits are done.
 */
function localAuditor(
  probe: Probe,
  options: Pick<FleetRunOptions, 'checks' | 'deadlineMs' | 'reputation' | 'overlay'>,
  concurrency: number | undefined,
  now: () => number,
  ownsProbe: boolean,
): FleetAuditor {
  const dnsAtStart = probe.counters();
  let inFlight = 0;
  let peakInFlight = 0;
  return {
    // The summary's concurrency: the fixed number, or the most identities an adaptive run had in flight.
    get concurrency() {
      return concurrency ?? peakInFlight;
    },
    dnsCounters: () => countersSince(dnsAtStart, probe.counters()),
    async audit(todo, sink, signal): Promise<FleetAuditorEnd> {
      // Our own controller stops the workers on a fatal error (e.g. the disk is full).
      const internal = new AbortController();
      const stop = AbortSignal.any([signal, internal.signal]);
      // Every audit in flight (and its DNS queries) listens on this one signal.
      setMaxListeners(0, stop);
      const auditOptions: AuditOptions = {
        probe,
        signal: stop,
        ...(options.checks ? { checks: options.checks } : {}),
        ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
        ...(options.reputation ? { reputation: options.reputation } : {}),
      };
      let fatal: unknown;
      let next = 0;
      const auditOne = async (id: FleetIdentity): Promise<void> => {
        const t0 = now();
        let result: FleetAuditResult;
        try {
          const report = options.overlay
            ? (
                await runWhatIf(probe, options.overlay, (p) =>
                  audit(id.target, { ...auditOptions, probe: p }),
                )
              ).proposed
            : await audit(id.target, auditOptions);
          // An audit cut short by the abort is partial: leave it for the next attempt.
          if (stop.aborted) return;
          result = { key: id.key, target: id.target, report, startedAtMs: t0 };
        } catch (err) {
          if (stop.aborted) return;
          if (isFileSystemError(err)) throw err;
          result = {
            key: id.key,
            target: id.target,
            error: err instanceof Error ? err.message : String(err),
            startedAtMs: t0,
          };
        }
        await sink.accept(result);
      };
      const admit = admission(probe, concurrency, () => inFlight, stop);
      const worker = async (): Promise<void> => {
        while (!stop.aborted) {
          await admit();
          if (stop.aborted) return;
          const id = todo[next++];
          if (id === undefined) return;
          inFlight++;
          if (inFlight > peakInFlight) peakInFlight = inFlight;
          try {
            await auditOne(id);
          } catch (err) {
            fatal ??= err;
            internal.abort();
            return;
          } finally {
            inFlight--;
          }
        }
      };
      const workers = Math.min(concurrency ?? ADAPTIVE_MAX_IDENTITIES, todo.length);
      await Promise.all(Array.from({ length: workers }, worker));
      if (fatal) throw fatal;
      // The audits are over: a cache this run made is not needed for the diff, summary or pages.
      if (ownsProbe) probe.clearCache?.();
      return {};
    },
  };
}

/**
 * The out-dir as a result sink: each accepted result's report written atomically, then its
 * row appended to results.ndjson; a key already finished (or not of this run) is discarded.
 */
class OutDirSink implements FleetResultSink {
  failures = 0;
  readonly resolverWarnings = new ResolverWarnings();

  constructor(
    private readonly outDir: string,
    private readonly wanted: ReadonlySet<string>,
    readonly done: Set<string>,
    private readonly results: ResultsStream,
    private readonly now: () => number,
    private readonly onDone: () => void,
    private readonly finishReport?: (report: Report, key: string) => Report,
  ) {}

  has(key: string): boolean {
    return this.done.has(key);
  }

  async accept(result: FleetAuditResult): Promise<boolean> {
    const { key } = result;
    if (this.done.has(key) || !this.wanted.has(key)) return false;
    // Taken before the first await: a second result for this key arriving meanwhile is a duplicate.
    this.done.add(key);
    let row: FleetIdentityRow;
    try {
      if (result.report) {
        const report = this.finishReport ? this.finishReport(result.report, key) : result.report;
        // The JSON report's form (reports/json.ts renders the same): sorted keys, one trailing newline.
        await writeReportFile(join(this.outDir, reportFileOf(key)), `${stableStringify(report)}\n`);
        row = rowFromReport(key, report, this.durationOf(result));
        this.resolverWarnings.add(report);
      } else {
        row = errorRow(key, result.target, result.error ?? 'no report');
        row.durationMs = Math.max(0, Math.round(this.durationOf(result)));
      }
      await this.results.append(row);
    } catch (err) {
      this.done.delete(key);
      throw err;
    }
    if (row.status === 'fail' || row.status === 'error') this.failures++;
    this.onDone();
    return true;
  }

  private durationOf(result: FleetAuditResult): number {
    return result.durationMs ?? (result.startedAtMs !== undefined ? this.now() - result.startedAtMs : 0);
  }
}

async function runWithAuditor(
  identities: readonly FleetIdentity[],
  options: FleetRunOptions,
  auditor: FleetAuditor,
  baseline: RunView | undefined,
  baselineDir: string | undefined,
  clock: { now: () => number; startedAtMs: number; startedAt: string },
): Promise<FleetRunResult> {
  const { now, startedAtMs, startedAt } = clock;

  // Only the keys of finished identities stay in memory; their rows are in results.ndjson.
  const done = new Set<string>();
  let failuresBefore = 0;
  for (const [key, status] of await prepareOutDir(options.outDir, identities)) {
    done.add(key);
    if (status === 'fail' || status === 'error') failuresBefore++;
  }
  const resumed = done.size;
  const todo = identities.filter((id) => !done.has(id.key));
  const results = await ResultsStream.open(options.outDir);
  const progress = (): FleetProgress => ({
    total: identities.length,
    done: done.size,
    resumed,
    failures: failuresBefore + sink.failures,
    startedAtMs,
  });
  const sink: OutDirSink = new OutDirSink(
    options.outDir,
    new Set(identities.map((i) => i.key)),
    done,
    results,
    now,
    () => options.onProgress?.(progress()),
    options.finishReport,
  );
  options.onProgress?.(progress());
  let end: FleetAuditorEnd;
  try {
    end = await auditor.audit(todo, sink, options.signal ?? new AbortController().signal);
  } finally {
    await results.close();
  }
  const resolverWarnings = sink.resolverWarnings;
  const concurrency = auditor.concurrency;
  const aborted = done.size < identities.length;
  const resultsPath = join(options.outDir, RESULTS_FILE);

  const { index, checks } = await indexResults(resultsPath, done);
  let regressions: FleetDiff | undefined;
  if (baseline) {
    // Both runs' rows are read one pair at a time, through their results.ndjson indexes.
    const rows = new RowReader(resultsPath, index);
    const current: RunView = {
      kind: 'run',
      path: options.outDir,
      rows,
      report: async (row) => (row.file ? readReportFile(join(options.outDir, row.file)) : undefined),
    };
    try {
      regressions = await diffRuns(baseline, current, { expected: new Set(identities.map((i) => i.key)) });
    } finally {
      rows.close();
      baseline.close?.();
    }
  }
  const regressed = new Set((regressions?.identities ?? []).filter((d) => d.regression).map((d) => d.key));
  const keys = [...index.keys()].sort();
  const finishedAtMs = now();
  const summary: FleetSummary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    kind: 'mail-preflight-fleet-summary',
    tool: { name: 'mail-preflight', version: TOOL_VERSION },
    run: {
      startedAt,
      finishedAt: new Date().toISOString(),
      durationMs: Math.max(0, Math.round(finishedAtMs - startedAtMs)),
      concurrency,
      resumed,
      complete: !aborted,
      inputs: [...(options.inputs ?? [])],
    },
    totals: totalsOf([], identities.length, options.invalidCount ?? options.invalid?.length ?? 0),
    checks,
    invalidEntries: [...(options.invalid ?? [])],
    identities: [],
    dns: auditor.dnsCounters(),
  };
  const workers = auditor.workerStats?.();
  if (workers) summary.workers = workers;
  if (regressions) summary.regressions = regressions;
  const warnings = resolverWarnings.list();
  if (warnings.length > 0) summary.resolverWarnings = warnings;
  const reader = new RowReader(resultsPath, index);
  try {
    const streamed = await writeSummaryStreaming(
      join(options.outDir, SUMMARY_FILE),
      summary,
      reader,
      keys,
      FLEET_MAX_ROWS_IN_MEMORY,
      regressed,
    );
    summary.totals = streamed.totals;
    summary.identities = streamed.rows;
    const reports = indexedReports(options.outDir, reader, keys);
    for (const output of options.outputs ?? []) {
      const text = output.render(summary, reports);
      await writeFileAtomic(join(options.outDir, output.file), text);
    }
    const result: FleetRunResult = {
      summary,
      aborted,
      identitiesWithErrors: streamed.withErrors,
      identitiesWithWarnings: streamed.withWarnings,
    };
    if (baselineDir !== undefined) result.baseline = baselineDir;
    if (end.stopped !== undefined) result.stopped = end.stopped;
    return result;
  } finally {
    reader.close();
  }
}

/**
 * The gate a worker passes before it takes the next identity. Fixed concurrency: always open
 * (the number of workers is the limit). Adaptive: admissions are serialised (one waiter looks
 * at the load, the others queue behind it) and an identity starts while the identities in flight
 * are fewer than the probe's DNS limit can keep busy: the limit (plus ADMIT_QUEUE_SHARE of it
 * waiting) over the questions each identity has in flight now, and while the questions waiting
 * for a slot stay under that share.
 */
function admission(
  probe: Probe,
  fixed: number | undefined,
  inFlight: () => number,
  signal: AbortSignal,
): () => Promise<void> {
  if (fixed !== undefined) return () => Promise.resolve();
  let turn: Promise<void> = Promise.resolve();
  const loop = new LoopCap();
  const open = (): boolean => {
    const n = inFlight();
    if (n < ADAPTIVE_MIN_IDENTITIES) return true;
    if (n >= loop.current(n)) return false;
    const load = probe.dnsLoad?.();
    if (!load) return n < DEFAULT_FLEET_CONCURRENCY;
    const waitingShare = load.limit * ADMIT_QUEUE_SHARE;
    if (load.queued > waitingShare) return false;
    const perIdentity = Math.max((load.active + load.queued) / n, MIN_QUESTIONS_PER_IDENTITY);
    return n < (load.limit + waitingShare) / perIdentity;
  };
  const pass = async (): Promise<void> => {
    while (!signal.aborted && !open()) await sleep(ADMIT_POLL_MS);
  };
  return () => {
    turn = turn.then(pass);
    return turn;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every identity's report of this run, by the results index (rows read one at a time). */
function indexedReports(outDir: string, reader: RowReader, keys: readonly string[]): FleetReports {
  const readReport = (file: string): Report | undefined => {
    try {
      return JSON.parse(readFileSync(join(outDir, file), 'utf8')) as Report;
    } catch {
      return undefined;
    }
  };
  return {
    *entries() {
      for (const key of keys) {
        const row = reader.read(key);
        if (row) yield entryOf(outDir, row);
      }
    },
    report: (key) => {
      const file = reader.read(key)?.file;
      return file ? readReport(file) : undefined;
    },
  };
}

/** One identity's report read from the out-dir, or why it could not be. */
function entryOf(outDir: string, row: FleetIdentityRow): FleetReportEntry {
  if (!row.file) return { key: row.key, domain: row.domain, error: row.error ?? 'no report' };
  try {
    return { key: row.key, report: JSON.parse(readFileSync(join(outDir, row.file), 'utf8')) as Report };
  } catch (err) {
    return { key: row.key, domain: row.domain, error: `cannot read ${row.file}: ${(err as Error).message}` };
  }
}

/** A finished run's reports, read from its out-dir on demand. */
export function fleetReports(outDir: string, summary: FleetSummary): FleetReports {
  const files = new Map(summary.identities.map((r) => [r.key, r.file]));
  return {
    entries: () => reportEntries(outDir, summary),
    report: (key) => {
      const file = files.get(key);
      if (!file) return undefined;
      try {
        return JSON.parse(readFileSync(join(outDir, file), 'utf8')) as Report;
      } catch {
        return undefined;
      }
    },
  };
}

/** Reads the run's reports one at a time (renderers stream over them). */
export function* reportEntries(outDir: string, summary: FleetSummary): Generator<FleetReportEntry> {
  for (const row of summary.identities) yield entryOf(outDir, row);
}

function totalsOf(rows: readonly FleetIdentityRow[], identities: number, invalid: number): FleetTotals {
  const totals: FleetTotals = {
    identities,
    done: rows.length,
    pass: 0,
    warn: 0,
    fail: 0,
    unknown: 0,
    error: 0,
    invalid,
  };
  for (const row of rows) totals[row.status]++;
  return totals;
}

/** The DNS traffic between two readings of a probe's counters. */
export function countersSince(start: DnsCounters, end: DnsCounters): DnsCounters {
  return {
    queriesSent: end.queriesSent - start.queriesSent,
    cacheHits: end.cacheHits - start.cacheHits,
    cacheMisses: end.cacheMisses - start.cacheMisses,
    timeouts: end.timeouts - start.timeouts,
    tcpRetries: end.tcpRetries - start.tcpRetries,
    errors: end.errors - start.errors,
  };
}

function isFileSystemError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && 'syscall' in (err as object);
}
