/**
 * Benchmark worker process (forked by bench/fleet.ts), one per measured phase, so each
 * phase's peak RSS (VmHWM) is its own:
 * - `audit`: audits every identity of the seeded world through one shared probe (the fleet
 *   path: one cache for the run), DNS checks only, a bounded number of identities at once.
 * - `replay`: asks the distinct questions the audit needed (a file from the lab process)
 *   through a fresh probe with the same DNS concurrency and no audit logic: the ceiling.
 *
 * It sends one { type: 'result', ... } message (PhaseResult) to the parent and exits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { tuneHeapForFleet } from '../src/fleet/cli.js';
import type { FleetIdentity } from '../src/fleet/config.js';
import { identityKey } from '../src/fleet/key.js';
import { FLEET_DEFAULT_CACHE_ENTRIES, runFleet } from '../src/fleet/run.js';
import { audit, createDnsProbe, type OverallStatus } from '../src/index.js';
import type { DnsCounters, Probe, RRType } from '../src/probe/types.js';
import { normalizeTarget } from '../src/target.js';
import { vmHwm } from './runtime.js';
import { planWorld } from './world.js';

export { vmHwm };

export const DNS_CHECKS = ['spf', 'dmarc', 'dkim', 'ptr', 'mx'] as const;
/** RSS sampling period, for the timeline; the peak itself comes from VmHWM. */
const RSS_SAMPLE_MS = 100;
const PROGRESS_EVERY_MS = 5000;

export interface WorkerOptions {
  /** fleet: runFleet (reports written); audit: audit() per identity, nothing written. */
  mode: 'fleet' | 'audit' | 'replay';
  host: string;
  port: number;
  identities: number;
  seed: number;
  /** DNS questions in flight at once (the probe's bound). */
  concurrency: number;
  /** Identities audited at once (audit mode). */
  identityConcurrency: number;
  timeoutMs: number;
  tries: number;
  /** Bound on the probe's cache; undefined: the probe's default. */
  cacheEntries?: number;
  /** Fleet mode: where reports go (default: a temporary directory, removed afterwards). */
  outDir?: string;
  /** Fleet mode: an earlier run's out-dir to compare against (the nightly case). */
  baseline?: string;
  /** Fleet mode: write a V8 heap snapshot here when the run is over (probe and summary alive). */
  heapSnapshot?: string;
  /**
   * Fleet mode: keep V8's default heap growth instead of the fleet command's
   * (FLEET_HEAP_GROWING_PERCENT, which the worker applies as the CLI does).
   */
  v8DefaultGrowth?: boolean;
  /** Replay mode: the distinct questions, "TYPE<TAB>name" per line. */
  questionsFile?: string;
  /** Print progress lines on stderr. */
  progress: boolean;
}

export interface PhaseResult {
  type: 'result';
  /** cli: the real CLI (`dist/src/cli.js fleet`) in its own process, see bench/fleet.ts. */
  mode: 'fleet' | 'audit' | 'replay' | 'cli';
  elapsedMs: number;
  /** Identities audited, or questions replayed. */
  items: number;
  counters: DnsCounters;
  /** Kernel high-water mark of this process's RSS (bytes), or the sampled peak off Linux. */
  peakRss: number;
  /** RSS when the timed part started (world planned, modules loaded). */
  startRss: number;
  statuses?: Record<OverallStatus, number>;
  /** Checks that ended unknown (timeouts, deadline), by check id: measurement trouble. */
  unknownChecks?: Record<string, number>;
  /** Replay: answers that were errors. */
  errors?: number;
}

function sampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, RSS_SAMPLE_MS);
  t.unref();
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/** Runs `count` jobs, at most `lanes` at once, in index order. */
async function lanes(count: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, count)) }, lane));
}

function progressTicker(label: string, total: number, done: () => number, enabled: boolean): () => void {
  if (!enabled) return () => {};
  const t0 = performance.now();
  const t = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    process.stderr.write(
      `  ${label}: ${done()}/${total} in ${s.toFixed(0)} s (${(done() / s).toFixed(0)}/s)\n`,
    );
  }, PROGRESS_EVERY_MS);
  return () => clearInterval(t);
}

function probeFor(o: WorkerOptions): Probe {
  return createDnsProbe({
    servers: [{ host: o.host, port: o.port }],
    timeoutMs: o.timeoutMs,
    tries: o.tries,
    concurrency: o.concurrency,
    maxCacheEntries: o.cacheEntries ?? FLEET_DEFAULT_CACHE_ENTRIES,
  });
}

export async function runAuditPhase(o: WorkerOptions): Promise<PhaseResult> {
  const plan = planWorld(o.identities, o.seed);
  const probe = probeFor(o);
  const statuses: Record<OverallStatus, number> = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  const unknownChecks: Record<string, number> = {};
  let done = 0;
  const startRss = process.memoryUsage().rss;
  const rss = sampler();
  const stopTicker = progressTicker('audit', o.identities, () => done, o.progress);
  const t0 = performance.now();
  await lanes(plan.identities.length, o.identityConcurrency, async (i) => {
    const id = plan.identities[i]!;
    const report = await audit(id.target, { probe, checks: DNS_CHECKS });
    statuses[report.status]++;
    for (const c of Object.values(report.checks)) {
      if (c.status === 'unknown') unknownChecks[c.id] = (unknownChecks[c.id] ?? 0) + 1;
    }
    done++;
  });
  const elapsedMs = performance.now() - t0;
  stopTicker();
  const sampled = rss.stop();
  return {
    type: 'result',
    mode: 'audit',
    elapsedMs,
    items: done,
    counters: probe.counters(),
    peakRss: vmHwm() ?? sampled,
    startRss,
    statuses,
    unknownChecks,
  };
}

/** The world's identities as a fleet config gives them; the plan itself is dropped. */
function fleetIdentities(o: WorkerOptions): FleetIdentity[] {
  return planWorld(o.identities, o.seed).identities.map((id) => {
    const target = normalizeTarget(id.target);
    return { key: identityKey(target), target, file: 'bench-world', line: id.index + 1 };
  });
}

/** The real fleet path: runFleet writes each report, the NDJSON stream and summary.json. */
export async function runFleetPhase(o: WorkerOptions): Promise<PhaseResult> {
  // As `mail-preflight fleet` does when it is the process (src/cli.ts).
  if (!o.v8DefaultGrowth) tuneHeapForFleet();
  const identities = fleetIdentities(o);
  const probe = probeFor(o);
  const outDir = o.outDir ?? mkdtempSync(join(tmpdir(), 'mp-bench-fleet-'));
  let done = 0;
  const startRss = process.memoryUsage().rss;
  const rss = sampler();
  const stopTicker = progressTicker('fleet', o.identities, () => done, o.progress);
  const t0 = performance.now();
  try {
    const { summary } = await runFleet(identities, {
      outDir,
      probe,
      concurrency: o.identityConcurrency,
      checks: DNS_CHECKS,
      baseline: o.baseline ?? false,
      onProgress: (p) => {
        done = p.done;
      },
    });
    const elapsedMs = performance.now() - t0;
    stopTicker();
    const sampled = rss.stop();
    const peakRss = vmHwm() ?? sampled;
    // After the peak is read: writing a snapshot takes a lot of memory itself.
    if (o.heapSnapshot !== undefined) writeHeapSnapshot(o.heapSnapshot);
    const t = summary.totals;
    return {
      type: 'result',
      mode: 'fleet',
      elapsedMs,
      items: t.done,
      counters: probe.counters(),
      peakRss,
      startRss,
      statuses: { pass: t.pass, warn: t.warn, fail: t.fail, unknown: t.unknown },
      unknownChecks: unknownChecksOf(summary.identities),
    };
  } finally {
    stopTicker();
    if (o.outDir === undefined) rmSync(outDir, { recursive: true, force: true });
  }
}

function unknownChecksOf(rows: readonly { checks: Record<string, string> }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) {
    for (const [id, status] of Object.entries(row.checks))
      if (status === 'unknown') out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

export async function runReplayPhase(o: WorkerOptions): Promise<PhaseResult> {
  if (!o.questionsFile) throw new Error('replay needs questionsFile');
  const questions = readFileSync(o.questionsFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const tab = l.indexOf('\t');
      return { type: l.slice(0, tab) as RRType, name: l.slice(tab + 1) };
    });
  const probe = probeFor(o);
  let done = 0;
  let errors = 0;
  const startRss = process.memoryUsage().rss;
  const rss = sampler();
  const stopTicker = progressTicker('replay', questions.length, () => done, o.progress);
  const t0 = performance.now();
  // As many lanes as the probe lets through: the probe's own limit is the only bound.
  await lanes(questions.length, o.concurrency, async (i) => {
    const q = questions[i]!;
    const r = await probe.dns.query(q.name, q.type);
    if (r.kind === 'error') errors++;
    done++;
  });
  const elapsedMs = performance.now() - t0;
  stopTicker();
  const sampled = rss.stop();
  return {
    type: 'result',
    mode: 'replay',
    elapsedMs,
    items: done,
    counters: probe.counters(),
    peakRss: vmHwm() ?? sampled,
    startRss,
    errors,
  };
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
  const result =
    o.mode === 'replay'
      ? await runReplayPhase(o)
      : o.mode === 'fleet'
        ? await runFleetPhase(o)
        : await runAuditPhase(o);
  process.send?.(result, () => process.exit(0));
}

if (process.send) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
