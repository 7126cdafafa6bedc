/**
 * Fleet benchmark: `npm run bench -- --identities 10000 --latency 20-50 [--seed 1]
 * [--concurrency 64] [--identity-concurrency 32] [--json] [--profile DIR]`
 *
 * Three processes, so that nothing measured shares an event loop with the DNS server:
 * 1. the lab (bench/lab-child.ts) builds the seeded world and serves it on 127.0.0.1 with
 *    the added latency, counting the packets it receives and the distinct questions;
 * 2. the audit worker (bench/worker.ts audit) audits every identity through one shared probe
 *    (the fleet path: one cache for the run), DNS checks only, known DKIM selectors;
 * 3. the replay worker (bench/worker.ts replay) asks exactly the distinct questions of phase
 *    2 through a fresh probe with the same DNS concurrency and no audit logic: the ceiling.
 *
 * Definitions:
 * - minimum = distinct (name, type) questions the lab received during the audit: what the
 *   checks' logic needs answered, each once; what a perfect cache would send.
 * - queries sent = packets the probe sent (UDP and TCP, retries included); the lab's own
 *   packet count is printed beside it as a cross-check.
 * - throughput = identities / wall time of the audit; the replay's is expressed in the same
 *   unit (identities x replayed questions per second / minimum), so the ratio reads
 *   directly as "audit overhead over the DNS ceiling on this machine".
 * - peak RSS = VmHWM of the worker process (the lab's memory is not counted).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FLEET_HEAP_GROWING_PERCENT } from '../src/fleet/cli.js';
import { DEFAULT_FLEET_CONCURRENCY, FLEET_DEFAULT_CACHE_ENTRIES } from '../src/fleet/run.js';
import { childRuntime } from './runtime.js';
import { DNS_CHECKS, type PhaseResult, type WorkerOptions } from './worker.js';
import { planWorld, worldStats } from './world.js';

/** Targets of issue 5 (2-core machine, known selectors, no SMTP). */
export const TARGET_SENT_OVER_MINIMUM = 1.05;
export const TARGET_THROUGHPUT_OF_CEILING = 0.8;
export const TARGET_PEAK_RSS_10K_BYTES = 300 * 1024 * 1024;

interface LabStats {
  packets: number;
  distinct: number;
  udp: number;
  tcp: number;
}

const here = new URL('.', import.meta.url).pathname;

const runtime = childRuntime();

function startChild(name: string, args: string[], execArgv: string[] = []): ChildProcess {
  return fork(join(runtime.dir, `${name}${runtime.ext}`), args, {
    execArgv: [...runtime.execArgv, ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string }) => {
      if (msg.type !== type) return;
      cleanup();
      resolve(msg as T);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${type}: child exited with ${code} before answering`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * `--cli`: the measured process is the CLI itself, as a user runs it: `dist/src/cli.js fleet`
 * with a YAML config of the world's identities (known selectors, `dkimDiscovery: false`), the
 * DNS checks only and no SMTP, writing reports, results.ndjson, summary.json and index.html.
 * Its peak RSS comes from a --require hook (hwm-hook.cjs); wall time includes Node's start,
 * reading the config and writing the page. DNS counters come from its summary.json.
 */
async function runCli(o: WorkerOptions, dir: string, progress: (s: string) => void): Promise<PhaseResult> {
  const root = existsSync(join(here, '..', 'package.json')) ? join(here, '..') : join(here, '..', '..');
  const cli = join(root, 'dist', 'src', 'cli.js');
  if (runtime.kind !== 'compiled' || !existsSync(cli))
    throw new Error('--cli needs a current build: npm run build');
  const config = join(dir, 'fleet.yaml');
  const lines = ['defaults:', '  dkimDiscovery: false', 'identities:'];
  for (const { target: t } of planWorld(o.identities, o.seed).identities) {
    lines.push(`  - domain: ${JSON.stringify(t.domain)}`);
    if (t.ips.length > 0) lines.push(`    ips: ${JSON.stringify(t.ips)}`);
    if (t.helo !== undefined) lines.push(`    helo: ${JSON.stringify(t.helo)}`);
    if (t.dkimSelectors.length > 0) lines.push(`    dkimSelectors: ${JSON.stringify(t.dkimSelectors)}`);
    lines.push(`    profile: ${t.profile}`);
  }
  writeFileSync(config, `${lines.join('\n')}\n`);
  const outDir = o.outDir ?? join(dir, 'cli-out');
  const hwmFile = join(dir, 'cli-hwm');
  const args = [
    // 0 is V8's own dynamic factor; giving it keeps the CLI from setting its own.
    ...(o.v8DefaultGrowth ? ['--heap-growing-percent=0'] : []),
    '--require',
    join(root, 'bench', 'hwm-hook.cjs'),
    cli,
    'fleet',
    '--config',
    config,
    '--out-dir',
    outDir,
    '--resolver',
    `${o.host}:${o.port}`,
    '--timeout',
    String(o.timeoutMs),
    '--concurrency',
    String(o.identityConcurrency),
    '--no-smtp',
    '--quiet',
    ...(o.baseline !== undefined ? ['--baseline', o.baseline] : ['--no-baseline']),
    ...DNS_CHECKS.flatMap((c) => ['--check', c]),
  ];
  progress(`cli: ${process.execPath} ${args.join(' ')}`);
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, MP_BENCH_HWM_FILE: hwmFile },
    });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  const elapsedMs = performance.now() - t0;
  if (code === null || code === 64 || !existsSync(join(outDir, 'summary.json')))
    throw new Error(`the CLI failed (exit ${code})`);
  const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')) as {
    totals: { done: number; pass: number; warn: number; fail: number; unknown: number };
    dns: PhaseResult['counters'];
  };
  const peakKb = existsSync(hwmFile) ? Number(readFileSync(hwmFile, 'utf8')) : Number.NaN;
  return {
    type: 'result',
    mode: 'cli',
    elapsedMs,
    items: summary.totals.done,
    counters: summary.dns,
    peakRss: peakKb * 1024,
    startRss: Number.NaN,
    statuses: {
      pass: summary.totals.pass,
      warn: summary.totals.warn,
      fail: summary.totals.fail,
      unknown: summary.totals.unknown,
    },
  };
}

async function labStats(lab: ChildProcess, dump?: string): Promise<LabStats> {
  const reply = nextMessage<LabStats>(lab, 'stats');
  lab.send({ type: 'stats', reset: true, ...(dump ? { dump } : {}) });
  return reply;
}

async function runWorker(
  o: WorkerOptions,
  profileDir?: string,
  nodeFlags: string[] = [],
): Promise<PhaseResult> {
  const extra = [...nodeFlags, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const child = startChild('worker', [JSON.stringify(o)], extra);
  return nextMessage<PhaseResult>(child, 'result');
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const fixed = (x: number, d = 2) => x.toFixed(d);

export interface BenchResult {
  identities: number;
  seed: number;
  latency: string;
  concurrency: number;
  identityConcurrency: number;
  cacheEntries: number;
  /** compiled (dist/, as users run the CLI) or tsx. */
  runtime: 'compiled' | 'tsx';
  /** V8 heap growing: the fleet command's FLEET_HEAP_GROWING_PERCENT, or V8's default. */
  heapGrowth: string;
  minimum: number;
  audit: PhaseResult & { labPackets: number; identitiesPerSecond: number; sentOverMinimum: number };
  /** Absent with --skip-replay. */
  replay?: PhaseResult & { labPackets: number; identitiesPerSecond: number; sentOverMinimum: number };
  /** Absent with --skip-replay. */
  throughputOfCeiling?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      identities: { type: 'string', default: '1000' },
      latency: { type: 'string', default: '20-50' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '64' },
      'identity-concurrency': { type: 'string' },
      'timeout-ms': { type: 'string', default: '2000' },
      tries: { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'skip-replay': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      'out-dir': { type: 'string' },
      baseline: { type: 'string' },
      'heap-snapshot': { type: 'string' },
      cli: { type: 'boolean', default: false },
      'v8-default-growth': { type: 'boolean', default: false },
      'cache-entries': { type: 'string' },
      'node-flags': { type: 'string', default: '' },
    },
  });
  const identities = Number(values.identities);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  const identityConcurrency = Number(values['identity-concurrency'] ?? DEFAULT_FLEET_CONCURRENCY);
  for (const [k, v] of Object.entries({ identities, seed, concurrency, identityConcurrency })) {
    if (!Number.isInteger(v) || v < (k === 'seed' ? 0 : 1))
      throw new Error(`--${k} must be a positive integer`);
  }
  if (!/^\d+(-\d+)?$/.test(values.latency)) throw new Error('--latency must be MS or MIN-MAX');
  const log = (s: string) => {
    if (!values.quiet) process.stderr.write(`${s}\n`);
  };

  const stats = worldStats(planWorld(identities, seed));
  log(
    `world: ${identities} identities, seed ${seed}, ${stats.ips} sending IPs, ${stats.selectors} DKIM selectors`,
  );
  const lab = startChild('lab-child', [String(identities), String(seed), values.latency]);
  const ready = await nextMessage<{ host: string; port: number; nodes: number; buildMs: number }>(
    lab,
    'ready',
  );
  log(
    `lab: ${ready.nodes} names on ${ready.host}:${ready.port}, built in ${fixed(ready.buildMs / 1000, 1)} s, latency ${values.latency} ms`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-'));
  try {
    const base: WorkerOptions = {
      mode: values['no-write'] ? 'audit' : 'fleet',
      host: ready.host,
      port: ready.port,
      identities,
      seed,
      concurrency,
      identityConcurrency,
      timeoutMs: Number(values['timeout-ms']),
      tries: Number(values.tries),
      progress: !values.quiet,
      ...(values['cache-entries'] !== undefined ? { cacheEntries: Number(values['cache-entries']) } : {}),
      ...(values['out-dir'] !== undefined ? { outDir: values['out-dir'] } : {}),
      ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
      ...(values['heap-snapshot'] !== undefined ? { heapSnapshot: values['heap-snapshot'] } : {}),
      ...(values['v8-default-growth'] ? { v8DefaultGrowth: true } : {}),
    };
    if ((base.baseline ?? base.heapSnapshot) !== undefined && base.mode !== 'fleet')
      throw new Error('--baseline and --heap-snapshot need the fleet mode (not --no-write)');
    if (values.cli && (values['no-write'] || base.heapSnapshot !== undefined || values.profile !== undefined))
      throw new Error('--cli runs the CLI as it is: no --no-write, --heap-snapshot or --profile');
    log(
      `workers: ${runtime.kind === 'compiled' ? `compiled JavaScript (${runtime.dir})` : `tsx (${runtime.note ?? ''})`}`,
    );
    log(
      `${base.mode}: ${identityConcurrency} identities at once, ${concurrency} DNS questions in flight` +
        (base.mode === 'fleet' ? `, reports written to ${base.outDir ?? 'a temporary directory'}` : '') +
        (base.baseline !== undefined ? `, compared with ${base.baseline}` : ''),
    );
    const nodeFlags = values['node-flags'].split(/\s+/).filter((f) => f !== '');
    const audit = values.cli
      ? await runCli(base, dir, log)
      : await runWorker(base, values.profile, nodeFlags);
    const questions = join(dir, 'questions.tsv');
    const auditLab = await labStats(lab, questions);
    log(`replay: ${auditLab.distinct} distinct questions, ${concurrency} in flight`);
    const replay = values['skip-replay']
      ? undefined
      : await runWorker({ ...base, mode: 'replay', questionsFile: questions }, undefined, nodeFlags);
    const replayLab = await labStats(lab);
    lab.send({ type: 'stop' });

    const minimum = auditLab.distinct;
    const auditIps = (audit.items * 1000) / audit.elapsedMs;
    const replayIps = replay
      ? (identities * ((replay.items * 1000) / replay.elapsedMs)) / Math.max(1, minimum)
      : undefined;
    const result: BenchResult = {
      identities,
      seed,
      latency: values.latency,
      concurrency,
      identityConcurrency,
      cacheEntries: base.cacheEntries ?? FLEET_DEFAULT_CACHE_ENTRIES,
      runtime: runtime.kind,
      heapGrowth: values['v8-default-growth']
        ? 'V8 default'
        : `${FLEET_HEAP_GROWING_PERCENT}% (the fleet command's)`,
      minimum,
      audit: {
        ...audit,
        labPackets: auditLab.packets,
        identitiesPerSecond: auditIps,
        sentOverMinimum: audit.counters.queriesSent / Math.max(1, minimum),
      },
      ...(replay && replayIps !== undefined
        ? {
            replay: {
              ...replay,
              labPackets: replayLab.packets,
              identitiesPerSecond: replayIps,
              sentOverMinimum: replay.counters.queriesSent / Math.max(1, minimum),
            },
            throughputOfCeiling: auditIps / replayIps,
          }
        : {}),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(render(result));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (lab.connected) lab.disconnect();
  }
}

function render(r: BenchResult): string {
  const row = (name: string, p: BenchResult['audit'] | undefined) =>
    p === undefined
      ? `${name.padEnd(8)} not run (--skip-replay)\n`
      : `${name.padEnd(8)} ${fixed(p.elapsedMs / 1000, 1).padStart(8)} s ${fixed(p.identitiesPerSecond, 1).padStart(10)} ` +
        `${String(p.counters.queriesSent).padStart(9)} ${String(p.labPackets).padStart(9)} ` +
        `${fixed(p.sentOverMinimum, 3).padStart(8)} ${mb(p.peakRss).padStart(9)} ${String(p.counters.timeouts).padStart(8)}\n`;
  const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  const statuses = r.audit.statuses ?? {};
  const unknown = Object.entries(r.audit.unknownChecks ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return (
    `mail-preflight fleet benchmark: ${r.identities} identities, seed ${r.seed}, latency ${r.latency} ms, ` +
    `${r.concurrency} DNS questions in flight, ${r.identityConcurrency} identities at once, ` +
    `cache ${r.cacheEntries} entries, ${r.audit.mode === 'cli' ? 'measured: the CLI (dist/src/cli.js fleet, index.html written)' : `workers run ${r.runtime === 'compiled' ? 'compiled JavaScript (dist/)' : 'TypeScript through tsx'}`}\n` +
    `V8 heap growing factor: ${r.heapGrowth}\n` +
    `minimum (distinct questions a perfect cache asks): ${r.minimum}\n\n` +
    `phase        wall  ident./s       sent  lab rcvd  sent/min  peak RSS  timeouts\n` +
    row(r.audit.mode, r.audit) +
    row('replay', r.replay) +
    `\naudit statuses: ${Object.entries(statuses)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}${unknown ? `; unknown checks: ${unknown}` : ''}\n` +
    (r.throughputOfCeiling === undefined
      ? 'throughput / replay ceiling: not measured (--skip-replay)\n'
      : `throughput / replay ceiling: ${fixed(r.throughputOfCeiling)} (target >= ${TARGET_THROUGHPUT_OF_CEILING}: ${verdict(r.throughputOfCeiling >= TARGET_THROUGHPUT_OF_CEILING)})\n`) +
    `queries sent / minimum:      ${fixed(r.audit.sentOverMinimum, 3)} (target <= ${TARGET_SENT_OVER_MINIMUM}: ${verdict(r.audit.sentOverMinimum <= TARGET_SENT_OVER_MINIMUM)})\n` +
    `peak RSS (${r.audit.mode === 'cli' ? 'the CLI' : 'audit worker'}):${r.audit.mode === 'cli' ? '        ' : '     '}${mb(r.audit.peakRss)}` +
    (Number.isNaN(r.audit.startRss) ? '' : ` (start ${mb(r.audit.startRss)})`) +
    (r.identities === 10_000
      ? ` (target < 300 MB: ${verdict(r.audit.peakRss < TARGET_PEAK_RSS_10K_BYTES)})`
      : '') +
    '\n'
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
