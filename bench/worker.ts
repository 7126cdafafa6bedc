/**
 * Benchmark worker process (forked by bench/fleet.ts), one per measured phase, so each
 * phase's peak RSS (VmHWM) and CPU are its own:
 * - `fleet`: the real fleet path, runFleet() with the probe it makes from probe options, as
 *   the fleet command does (reports, results.ndjson and summary.json written).
 * - `audit`: audits every identity of the seeded world through one shared probe (the fleet
 *   path: one cache for the run), DNS checks only, a bounded number of identities at once.
 * - `replay` (`--probe-replay`): asks the distinct questions the audit needed (a file from the
 *   lab process) through a fresh product probe and no audit logic. The machine's ceiling is
 *   the minimal replayer instead (bench/replay-worker.ts), which uses no product code.
 *
 * The probe is made from ProbeOptions as the fleet command makes it; `dnsConcurrency` (issue
 * 12, the fleet's --dns-concurrency) is given only when the benchmark was given one.
 *
 * With `smtp` (the --smtp scenario, fleet mode) SMTP probing is on as in a fleet run
 * (FLEET_PROBE_DEFAULTS), towards the lab's loopback SMTP servers only, trusting the lab CA;
 * the checks are the DNS checks plus mx-tls. The worker then makes the probe itself (the
 * same options runFleet would use) to read the SMTP prober's counters afterwards.
 *
 * It sends one { type: 'result', ... } message (PhaseResult) to the parent and exits.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeHeapSnapshot } from 'node:v8';
import { tuneHeapForFleet } from '../src/fleet/cli.js';
import { type FleetIdentity, parseDomainsFile } from '../src/fleet/config.js';
import { identityKey } from '../src/fleet/key.js';
import { RESULTS_FILE } from '../src/fleet/outdir.js';
import {
  DEFAULT_FLEET_CONCURRENCY,
  FLEET_DEFAULT_CACHE_ENTRIES,
  FLEET_PROBE_DEFAULTS,
  runFleet,
} from '../src/fleet/run.js';
import { audit, createProbe, type OverallStatus, type ProbeOptions } from '../src/index.js';
import { parseIp } from '../src/ip-bytes.js';
import type { RunSmtpProber } from '../src/probe/smtp.js';
import type { DnsCounters, RRType } from '../src/probe/types.js';
import { normalizeTarget } from '../src/target.js';
import { vmHwm } from './runtime.js';
import { type SmtpLabFigures, SmtpSessionLog } from './smtp-lab.js';
import { planWorld } from './world.js';

export { vmHwm };

export const DNS_CHECKS = ['spf', 'dmarc', 'dkim', 'ptr', 'mx'] as const;
/**
 * The --smtp scenario's checks: the DNS checks and mx-tls, which probes the MX hosts. Not
 * tls: it probes the sending IPs, and the world has no SMTP server there (they are in
 * benchmarking and shared address ranges, outside what the run may contact).
 */
export const SMTP_SCENARIO_CHECKS = [...DNS_CHECKS, 'mx-tls'] as const;
/** The SMTP check whose statuses the --smtp scenario reports. */
export const SMTP_SCENARIO_CHECK = 'mx-tls';
/** RSS sampling period, for the timeline; the peak itself comes from VmHWM. */
const RSS_SAMPLE_MS = 100;
const PROGRESS_EVERY_MS = 5000;
/** Questions handed to the probe at once in `replay` mode without --dns-concurrency. */
const PROBE_REPLAY_LANES = 1000;

export interface WorkerOptions {
  /** fleet: runFleet (reports written); audit: audit() per identity, nothing written. */
  mode: 'fleet' | 'audit' | 'replay';
  host: string;
  port: number;
  identities: number;
  seed: number;
  /** DNS questions in flight (--dns-concurrency); undefined: the product's default (adaptive). */
  dnsConcurrency?: number;
  /** DKIM selector discovery: the identities are a plain domains list (no IPs, no selectors). */
  discovery?: boolean;
  /** Write the identities with `unknown` checks here, one `key<TAB>check,check` per line. */
  unknownsFile?: string;
  /** Identities audited at once (audit mode). */
  /** Identities in flight (--concurrency); undefined: the product's default (adaptive). */
  identityConcurrency?: number;
  /** Audit threads (the fleet's --threads); undefined: the product's default (1). */
  threads?: number;
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
  /** Fleet mode: SMTP probing on, towards the lab's loopback servers (the --smtp scenario). */
  smtp?: WorkerSmtpOptions;
}

export interface WorkerSmtpOptions {
  /** The one port every lab SMTP server listens on (ProbeOptions.smtpPort). */
  port: number;
  /** PEM file of the lab CA (ProbeOptions.caFile): certificates are verified, never waved through. */
  caFile: string;
  /** ProbeOptions smtpPerNetwork, smtpGapMs, smtpConcurrency; undefined: the fleet's defaults. */
  perNetwork?: number;
  gapMs?: number;
  concurrency?: number;
}

/** The SMTP prober's own counters over a run, and the mx-tls statuses of its reports. */
export interface SmtpPhaseFigures {
  /** Probes the prober ran (each one connection attempt). */
  probes: number;
  /** Probe requests answered from the run's probe cache (a host already probed). */
  cacheHits: number;
  /** Statuses of the mx-tls check over the run's reports. */
  statuses: Record<string, number>;
  /**
   * The same per-/24 figures as the lab's servers give, taken in this process when the probe
   * calls connect() (free of the lab's accept delay): connections, most open at once (until
   * the socket closes), least gap between starts.
   */
  client: Pick<SmtpLabFigures, 'connections' | 'maxOpenPerNetwork' | 'minGapMs' | 'networks'>;
}

/**
 * Logs every TCP connect() this process makes to `port` on loopback (the probe's SMTP
 * connections: the DNS lab is on another port) until the returned function is called.
 */
function watchSmtpConnects(port: number): { log: SmtpSessionLog; stop(): void } {
  const log = new SmtpSessionLog([]);
  const original = Socket.prototype.connect;
  const watched = function (this: Socket, ...args: unknown[]) {
    const o = args[0] as { host?: string; port?: number } | undefined;
    if (typeof o === 'object' && o !== null && o.port === port && o.host && isLoopback(o.host)) {
      const host = o.host;
      log.open(host, performance.now());
      this.once('close', () => log.close(host));
    }
    return (original as (...a: unknown[]) => Socket).apply(this, args);
  };
  Socket.prototype.connect = watched as typeof Socket.prototype.connect;
  return {
    log,
    stop: () => {
      Socket.prototype.connect = original;
    },
  };
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
  /** User + system CPU of this process over the timed part, ms. */
  cpuMs: number;
  /** Identities with at least one unknown check. */
  unknownIdentities?: number;
  /** The --smtp scenario's SMTP figures (fleet mode). */
  smtp?: SmtpPhaseFigures;
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

/**
 * The probe options the fleet command would make: the resolver, timeout, tries, no SMTP, and
 * --dns-concurrency (ProbeOptions.concurrency) when given; else the adaptive DNS limit.
 */
export function probeOptionsFor(o: WorkerOptions): ProbeOptions {
  const options: ProbeOptions = {
    resolvers: [`${o.host}:${o.port}`],
    timeoutMs: o.timeoutMs,
    tries: o.tries,
    noSmtp: true,
    maxCacheEntries: o.cacheEntries ?? FLEET_DEFAULT_CACHE_ENTRIES,
  };
  if (o.dnsConcurrency !== undefined) options.concurrency = o.dnsConcurrency;
  if (o.smtp) {
    const s = o.smtp;
    delete options.noSmtp;
    Object.assign(options, {
      smtpPort: s.port,
      caFile: s.caFile,
      // As the demo does: a benchmark contacts nothing but its own loopback servers.
      smtpAllow: isLoopback,
      ...(s.perNetwork !== undefined ? { smtpPerNetwork: s.perNetwork } : {}),
      ...(s.gapMs !== undefined ? { smtpGapMs: s.gapMs } : {}),
      ...(s.concurrency !== undefined ? { smtpConcurrency: s.concurrency } : {}),
    } satisfies ProbeOptions);
  }
  return options;
}

/** 127.0.0.0/8 or ::1 (RFC 6890 2.2.2, 2.2.3). */
export function isLoopback(address: string): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  if (ip.family === 4) return ip.bytes[0] === 127;
  return ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

/** CPU (user + system) of this process since `from`, ms. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** Writes `key<TAB>check,check` per identity with unknown checks (the --loss comparison). */
export function writeUnknowns(file: string | undefined, unknowns: Map<string, string[]>): void {
  if (file === undefined) return;
  const lines = [...unknowns].map(([key, checks]) => `${key}\t${checks.join(',')}\n`);
  writeFileSync(file, lines.join(''));
}

function unknownChecksOfReport(checks: Record<string, { status: string }>): string[] {
  return Object.entries(checks)
    .filter(([, c]) => c.status === 'unknown')
    .map(([id]) => id)
    .sort();
}

export async function runAuditPhase(o: WorkerOptions): Promise<PhaseResult> {
  const identities = fleetIdentities(o);
  const probe = createProbe(probeOptionsFor(o));
  const statuses: Record<OverallStatus, number> = { pass: 0, warn: 0, fail: 0, unknown: 0 };
  const unknownChecks: Record<string, number> = {};
  const unknowns = new Map<string, string[]>();
  let done = 0;
  const startRss = process.memoryUsage().rss;
  const rss = sampler();
  const stopTicker = progressTicker('audit', identities.length, () => done, o.progress);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await lanes(identities.length, o.identityConcurrency ?? DEFAULT_FLEET_CONCURRENCY, async (i) => {
    const id = identities[i]!;
    const report = await audit(id.target, { probe, checks: DNS_CHECKS });
    statuses[report.status]++;
    const unknown = unknownChecksOfReport(report.checks);
    for (const c of unknown) unknownChecks[c] = (unknownChecks[c] ?? 0) + 1;
    if (unknown.length > 0) unknowns.set(id.key, unknown);
    done++;
  });
  const elapsedMs = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  stopTicker();
  const sampled = rss.stop();
  probe.close();
  writeUnknowns(o.unknownsFile, unknowns);
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
    unknownIdentities: unknowns.size,
    cpuMs,
  };
}

/**
 * The world's identities as a fleet config gives them (known selectors), or with `discovery`
 * as a plain domains list gives them (read by the fleet's own domains-file parser); the plan
 * itself is dropped.
 */
function fleetIdentities(o: WorkerOptions): FleetIdentity[] {
  const plan = planWorld(o.identities, o.seed);
  if (o.discovery) {
    const text = plan.identities.map((id) => id.target.domain).join('\n');
    return parseDomainsFile(text, 'bench-domains').identities;
  }
  return plan.identities.map((id) => {
    const target = normalizeTarget(id.target);
    return { key: identityKey(target), target, file: 'bench-world', line: id.index + 1 };
  });
}

/** The real fleet path: runFleet writes each report, the NDJSON stream and summary.json. */
export async function runFleetPhase(o: WorkerOptions): Promise<PhaseResult> {
  // As `mail-preflight fleet` does when it is the process (src/cli.ts).
  if (!o.v8DefaultGrowth) tuneHeapForFleet();
  const identities = fleetIdentities(o);
  const outDir = o.outDir ?? mkdtempSync(join(tmpdir(), 'mp-bench-fleet-'));
  let done = 0;
  const startRss = process.memoryUsage().rss;
  const rss = sampler();
  const stopTicker = progressTicker('fleet', identities.length, () => done, o.progress);
  // --smtp: the probe runFleet would make (its defaults, then ours), made here to read the
  // SMTP prober's counters at the end.
  const smtpProbe = o.smtp ? createProbe({ ...FLEET_PROBE_DEFAULTS, ...probeOptionsFor(o) }) : undefined;
  const connects = o.smtp ? watchSmtpConnects(o.smtp.port) : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    // Else the probe is the one runFleet makes from these options, as in the fleet command.
    const { summary } = await runFleet(identities, {
      outDir,
      ...(smtpProbe ? { probe: smtpProbe } : { probeOptions: probeOptionsFor(o) }),
      ...(o.identityConcurrency !== undefined ? { concurrency: o.identityConcurrency } : {}),
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      checks: o.smtp ? SMTP_SCENARIO_CHECKS : DNS_CHECKS,
      baseline: o.baseline ?? false,
      onProgress: (p) => {
        done = p.done;
      },
    });
    const elapsedMs = performance.now() - t0;
    const cpuMs = cpuMsSince(cpu0);
    stopTicker();
    const sampled = rss.stop();
    const peakRss = vmHwm() ?? sampled;
    // After the peak is read: writing a snapshot takes a lot of memory itself.
    if (o.heapSnapshot !== undefined) writeHeapSnapshot(o.heapSnapshot);
    // summary.identities keeps only the worst rows: count over every row of results.ndjson.
    const unknowns = await unknownsOfRun(join(outDir, RESULTS_FILE));
    writeUnknowns(o.unknownsFile, unknowns);
    // createProbe's SMTP prober is a RunSmtpProber (src/probe/create.ts); Probe types it narrower.
    const smtpStats = (smtpProbe?.smtp as Partial<RunSmtpProber> | undefined)?.stats?.();
    const client = connects?.log.figures();
    const smtp: SmtpPhaseFigures | undefined = smtpStats &&
      client && {
        ...smtpStats,
        statuses: await checkStatusesOfRun(join(outDir, RESULTS_FILE), SMTP_SCENARIO_CHECK),
        client: {
          connections: client.connections,
          maxOpenPerNetwork: client.maxOpenPerNetwork,
          minGapMs: client.minGapMs,
          networks: client.networks,
        },
      };
    const t = summary.totals;
    return {
      type: 'result',
      mode: 'fleet',
      elapsedMs,
      items: t.done,
      counters: summary.dns,
      peakRss,
      startRss,
      statuses: { pass: t.pass, warn: t.warn, fail: t.fail, unknown: t.unknown },
      unknownChecks: countUnknownChecks(unknowns),
      unknownIdentities: unknowns.size,
      cpuMs,
      ...(smtp ? { smtp } : {}),
    };
  } finally {
    stopTicker();
    connects?.stop();
    smtpProbe?.close();
    if (o.outDir === undefined) rmSync(outDir, { recursive: true, force: true });
  }
}

/** Identities with unknown checks in a run's results.ndjson (read line by line). */
export async function unknownsOfRun(resultsFile: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const lines = createInterface({ input: createReadStream(resultsFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const row = JSON.parse(line) as { key: string; checks?: Record<string, string> };
    const unknown = Object.entries(row.checks ?? {})
      .filter(([, status]) => status === 'unknown')
      .map(([id]) => id)
      .sort();
    if (unknown.length > 0) out.set(row.key, unknown);
  }
  return out;
}

/** How many reports of a run's results.ndjson gave `check` each status (absent: not run). */
export async function checkStatusesOfRun(
  resultsFile: string,
  check: string,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const lines = createInterface({ input: createReadStream(resultsFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const row = JSON.parse(line) as { checks?: Record<string, string> };
    const status = row.checks?.[check] ?? 'not run';
    out[status] = (out[status] ?? 0) + 1;
  }
  return out;
}

export function countUnknownChecks(unknowns: Map<string, string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const checks of unknowns.values()) for (const id of checks) out[id] = (out[id] ?? 0) + 1;
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
  const probe = createProbe(probeOptionsFor(o));
  let done = 0;
  let errors = 0;
  const startRss = process.memoryUsage().rss;
  const rss = sampler();
  const stopTicker = progressTicker('replay', questions.length, () => done, o.progress);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // More lanes than the probe lets through: the probe's own limit is the only bound.
  await lanes(questions.length, o.dnsConcurrency ?? PROBE_REPLAY_LANES, async (i) => {
    const q = questions[i]!;
    const r = await probe.dns.query(q.name, q.type);
    if (r.kind === 'error') errors++;
    done++;
  });
  const elapsedMs = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  stopTicker();
  const sampled = rss.stop();
  probe.close();
  return {
    type: 'result',
    mode: 'replay',
    elapsedMs,
    items: done,
    counters: probe.counters(),
    peakRss: vmHwm() ?? sampled,
    startRss,
    errors,
    cpuMs,
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

// Only as the forked worker itself (tests import this module from a forked test runner).
if (process.send && /bench[/\\]worker\.[jt]s$/.test(process.argv[1] ?? '')) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
