/**
 * Fleet benchmark: `npm run bench -- --identities 10000 --latency 20-50 [--discovery]
 * [--loss 0.01] [--resolver lab|unbound] [--dns-concurrency N] [--smtp [--smtp-per-network N]
 * [--smtp-gap MS] [--smtp-concurrency N]] [--json] ...` (bench/README.md).
 *
 * Processes, so that nothing measured shares an event loop with the DNS server:
 * 1. the lab (bench/lab-child.ts) builds the seeded world and serves it on 127.0.0.1 with
 *    the added latency (and, with --loss, drops that share of the UDP queries), counting the
 *    packets it receives and the distinct questions;
 * 2. with --resolver unbound, Debian's unbound as a caching forwarder to the lab
 *    (bench/unbound.ts), started afresh (cold cache) for each measured phase;
 * 3. the fleet worker (bench/worker.ts fleet, or audit with --no-write, or the CLI itself with
 *    --cli) audits every identity, DNS checks only; with --loss a loss-free run first, as
 *    the reference for the unknown comparison; with --smtp, SMTP probing on (mx-tls added)
 *    towards real SMTP servers the lab starts on loopback at the world's MX addresses;
 * 4. the minimal replayer (bench/replay-worker.ts): a plain UDP client with 1,000 questions in
 *    flight asks exactly the distinct questions of phase 3, through the same resolver: the
 *    machine's DNS ceiling. `--probe-replay` also replays them through the product's probe.
 *
 * Definitions:
 * - distinct (minimum) = distinct (name, type) questions the lab received during the fleet
 *   run: what the checks' logic needs answered, each once; what a perfect cache would send.
 * - fleet q/s = distinct / the fleet run's wall time; replayer q/s = questions answered / its
 *   wall time. Their ratio is the headline (issue 12: at least 0.8).
 * - queries sent = packets the product's probe sent (UDP and TCP, retries included).
 * - CPU ms per identity = user + system CPU of the measured process over its timed part /
 *   identities (the CLI: over its whole life).
 * - peak RSS = VmHWM of the measured process (the lab's and unbound's memory is not counted).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FLEET_HEAP_GROWING_PERCENT } from '../src/fleet/cli.js';
import { FLEET_DEFAULT_CACHE_ENTRIES, FLEET_DEFAULT_TRIES, FLEET_PROBE_DEFAULTS } from '../src/fleet/run.js';
import { SMTP_DEFAULT_NETWORK_GAP_MS, SMTP_DEFAULT_PER_NETWORK } from '../src/probe/smtp-politeness.js';
import {
  type BenchResult,
  type BenchSettings,
  type BenchSmtpSettings,
  compareUnknowns,
  type ExtraUnknowns,
  type FleetRunFigures,
  fleetFigures,
  type LabStats,
  markdownRow,
  parseUnknowns,
  type ReplayerFigures,
  render,
  replayerFigures,
  scenarioName,
  smtpMarkdownRow,
} from './fleet-report.js';
import type { ReplayerOptions, ReplayerPhaseResult } from './replay-worker.js';
import {
  DEFAULT_REPLAY_IN_FLIGHT,
  DEFAULT_REPLAY_SOCKETS,
  DEFAULT_REPLAY_TIMEOUT_MS,
  DEFAULT_REPLAY_TIMEOUT_VIA_RESOLVER_MS,
  DEFAULT_REPLAY_TRIES,
} from './replayer.js';
import { childRuntime } from './runtime.js';
import { type RunningUnbound, startUnbound } from './unbound.js';
import {
  countUnknownChecks,
  DNS_CHECKS,
  type PhaseResult,
  unknownsOfRun,
  type WorkerOptions,
  type WorkerSmtpOptions,
} from './worker.js';
import { planWorld, worldStats } from './world.js';

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
 * with a YAML config of the world's identities (known selectors, `dkimDiscovery: false`) or,
 * with --discovery, a plain domains file; the DNS checks only and no SMTP, writing reports,
 * results.ndjson, summary.json and index.html. Its peak RSS and CPU come from a --require hook
 * (hwm-hook.cjs); wall time includes Node's start, reading the input and writing the page.
 * DNS counters come from its summary.json.
 */
async function runCli(
  o: WorkerOptions,
  dir: string,
  outDir: string,
  progress: (s: string) => void,
): Promise<PhaseResult> {
  const root = existsSync(join(here, '..', 'package.json')) ? join(here, '..') : join(here, '..', '..');
  const cli = join(root, 'dist', 'src', 'cli.js');
  if (runtime.kind !== 'compiled' || !existsSync(cli))
    throw new Error('--cli needs a current build: npm run build');
  const identities = planWorld(o.identities, o.seed).identities;
  let input: string[];
  if (o.discovery) {
    const file = join(dir, 'domains.txt');
    writeFileSync(file, `${identities.map((id) => id.target.domain).join('\n')}\n`);
    input = ['--domains-file', file];
  } else {
    const config = join(dir, 'fleet.yaml');
    const lines = ['defaults:', '  dkimDiscovery: false', 'identities:'];
    for (const { target: t } of identities) {
      lines.push(`  - domain: ${JSON.stringify(t.domain)}`);
      if (t.ips.length > 0) lines.push(`    ips: ${JSON.stringify(t.ips)}`);
      if (t.helo !== undefined) lines.push(`    helo: ${JSON.stringify(t.helo)}`);
      if (t.dkimSelectors.length > 0) lines.push(`    dkimSelectors: ${JSON.stringify(t.dkimSelectors)}`);
      lines.push(`    profile: ${t.profile}`);
    }
    writeFileSync(config, `${lines.join('\n')}\n`);
    input = ['--config', config];
  }
  const hwmFile = join(dir, 'cli-hwm');
  rmSync(hwmFile, { force: true });
  const args = [
    // 0 is V8's own dynamic factor; giving it keeps the CLI from setting its own.
    ...(o.v8DefaultGrowth ? ['--heap-growing-percent=0'] : []),
    '--require',
    join(root, 'bench', 'hwm-hook.cjs'),
    cli,
    'fleet',
    ...input,
    '--out-dir',
    outDir,
    '--resolver',
    `${o.host}:${o.port}`,
    '--timeout',
    String(o.timeoutMs),
    ...(o.identityConcurrency !== undefined ? ['--concurrency', String(o.identityConcurrency)] : []),
    ...(o.threads !== undefined ? ['--threads', String(o.threads)] : []),
    ...(o.dnsConcurrency !== undefined ? ['--dns-concurrency', String(o.dnsConcurrency)] : []),
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
  const [peakKb, cpuMs] = existsSync(hwmFile)
    ? readFileSync(hwmFile, 'utf8').split(' ').map(Number)
    : [Number.NaN, Number.NaN];
  const unknowns = await unknownsOfRun(join(outDir, 'results.ndjson'));
  if (o.unknownsFile !== undefined)
    writeFileSync(o.unknownsFile, [...unknowns].map(([k, c]) => `${k}\t${c.join(',')}\n`).join(''));
  return {
    type: 'result',
    mode: 'cli',
    elapsedMs,
    items: summary.totals.done,
    counters: summary.dns,
    peakRss: (peakKb ?? Number.NaN) * 1024,
    startRss: Number.NaN,
    statuses: {
      pass: summary.totals.pass,
      warn: summary.totals.warn,
      fail: summary.totals.fail,
      unknown: summary.totals.unknown,
    },
    unknownChecks: countUnknownChecks(unknowns),
    unknownIdentities: unknowns.size,
    cpuMs: cpuMs ?? Number.NaN,
  };
}

async function labStats(lab: ChildProcess, dump?: string): Promise<LabStats> {
  const reply = nextMessage<LabStats>(lab, 'stats');
  lab.send({ type: 'stats', reset: true, ...(dump ? { dump } : {}) });
  return reply;
}

async function setLoss(lab: ChildProcess, rate: number): Promise<void> {
  const reply = nextMessage(lab, 'loss');
  lab.send({ type: 'loss', rate });
  await reply;
}

async function runWorker<T>(name: string, o: object, extraFlags: string[] = []): Promise<T> {
  const child = startChild(name, [JSON.stringify(o)], extraFlags);
  return nextMessage<T>(child, 'result');
}

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      identities: { type: 'string', default: '1000' },
      latency: { type: 'string', default: '20-50' },
      seed: { type: 'string', default: '1' },
      'dns-concurrency': { type: 'string' },
      // Before issue 12 the DNS bound was --concurrency (default 64): the same option now.
      concurrency: { type: 'string' },
      'identity-concurrency': { type: 'string' },
      threads: { type: 'string' },
      'timeout-ms': { type: 'string', default: '2000' },
      tries: { type: 'string' },
      discovery: { type: 'boolean', default: false },
      loss: { type: 'string', default: '0' },
      resolver: { type: 'string', default: 'lab' },
      'replay-in-flight': { type: 'string', default: String(DEFAULT_REPLAY_IN_FLIGHT) },
      'replay-sockets': { type: 'string', default: String(DEFAULT_REPLAY_SOCKETS) },
      'replay-tries': { type: 'string', default: String(DEFAULT_REPLAY_TRIES) },
      'replay-timeout-ms': { type: 'string' },
      'skip-replay': { type: 'boolean', default: false },
      'probe-replay': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      profile: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      'out-dir': { type: 'string' },
      baseline: { type: 'string' },
      'heap-snapshot': { type: 'string' },
      cli: { type: 'boolean', default: false },
      'v8-default-growth': { type: 'boolean', default: false },
      'cache-entries': { type: 'string' },
      'node-flags': { type: 'string', default: '' },
      smtp: { type: 'boolean', default: false },
      'smtp-per-network': { type: 'string' },
      'smtp-gap': { type: 'string' },
      'smtp-concurrency': { type: 'string' },
    },
  });
  const identities = positiveInt('identities', values.identities) ?? 1;
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a non-negative integer');
  if (values['dns-concurrency'] !== undefined && values.concurrency !== undefined)
    throw new Error('give --dns-concurrency (or its old name --concurrency), not both');
  const dnsConcurrency =
    positiveInt('dns-concurrency', values['dns-concurrency']) ??
    positiveInt('concurrency', values.concurrency);
  const identityConcurrency = positiveInt('identity-concurrency', values['identity-concurrency']);
  const threads = positiveInt('threads', values.threads);
  const replayInFlight =
    positiveInt('replay-in-flight', values['replay-in-flight']) ?? DEFAULT_REPLAY_IN_FLIGHT;
  const replaySockets = positiveInt('replay-sockets', values['replay-sockets']) ?? DEFAULT_REPLAY_SOCKETS;
  const replayTries = positiveInt('replay-tries', values['replay-tries']) ?? DEFAULT_REPLAY_TRIES;
  const replayTimeoutMs =
    positiveInt('replay-timeout-ms', values['replay-timeout-ms']) ??
    (values.resolver === 'unbound' ? DEFAULT_REPLAY_TIMEOUT_VIA_RESOLVER_MS : DEFAULT_REPLAY_TIMEOUT_MS);
  const timeoutMs = positiveInt('timeout-ms', values['timeout-ms']) ?? 2000;
  const tries = positiveInt('tries', values.tries) ?? FLEET_DEFAULT_TRIES;
  if (!/^\d+(-\d+)?$/.test(values.latency)) throw new Error('--latency must be MS or MIN-MAX');
  const loss = Number(values.loss);
  if (!(loss >= 0 && loss < 1)) throw new Error('--loss must be a share from 0 to below 1, e.g. 0.01');
  const resolver = values.resolver;
  if (resolver !== 'lab' && resolver !== 'unbound') throw new Error('--resolver must be lab or unbound');
  const log = (s: string) => {
    if (!values.quiet) process.stderr.write(`${s}\n`);
  };
  const smtpGiven = ['smtp-per-network', 'smtp-gap', 'smtp-concurrency'].some(
    (k) => values[k as keyof typeof values] !== undefined,
  );
  if (smtpGiven && !values.smtp)
    throw new Error('--smtp-per-network, --smtp-gap and --smtp-concurrency need --smtp');
  if (values.smtp && (values.cli || values['no-write']))
    throw new Error('--smtp measures the fleet worker (no --cli, no --no-write)');
  const smtpGapText = values['smtp-gap'];
  const smtpGapMs = smtpGapText === undefined ? SMTP_DEFAULT_NETWORK_GAP_MS : Number(smtpGapText);
  if (!(Number.isInteger(smtpGapMs) && smtpGapMs >= 0)) throw new Error('--smtp-gap must be ms, 0 or more');
  const smtpSettings: BenchSmtpSettings | undefined = values.smtp
    ? {
        concurrency:
          positiveInt('smtp-concurrency', values['smtp-concurrency']) ?? FLEET_PROBE_DEFAULTS.smtpConcurrency,
        perNetwork: positiveInt('smtp-per-network', values['smtp-per-network']) ?? SMTP_DEFAULT_PER_NETWORK,
        gapMs: smtpGapMs,
        defaults: !smtpGiven,
      }
    : undefined;

  const stats = worldStats(planWorld(identities, seed));
  log(
    `world: ${identities} identities, seed ${seed}, ${stats.ips} sending IPs, ${stats.selectors} DKIM selectors` +
      (values.discovery ? ' (not given: --discovery audits a plain domains list)' : ''),
  );
  const lab = startChild('lab-child', [
    String(identities),
    String(seed),
    values.latency,
    ...(values.smtp ? ['fleet', 'smtp'] : []),
  ]);
  const ready = await nextMessage<{
    host: string;
    port: number;
    nodes: number;
    buildMs: number;
    smtp?: { port: number; caPem: string; servers: number; names: number };
  }>(lab, 'ready');
  log(
    `lab: ${ready.nodes} names on ${ready.host}:${ready.port}, built in ${(ready.buildMs / 1000).toFixed(1)} s, latency ${values.latency} ms`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-'));
  let smtp: WorkerSmtpOptions | undefined;
  if (smtpSettings) {
    if (!ready.smtp) throw new Error('the lab started no SMTP servers');
    const caFile = join(dir, 'lab-ca.pem');
    writeFileSync(caFile, ready.smtp.caPem);
    // Only what was given: the worker's probe starts from the fleet's defaults, as runFleet's does.
    smtp = {
      port: ready.smtp.port,
      caFile,
      ...(values['smtp-per-network'] !== undefined ? { perNetwork: smtpSettings.perNetwork } : {}),
      ...(smtpGapText !== undefined ? { gapMs: smtpSettings.gapMs } : {}),
      ...(values['smtp-concurrency'] !== undefined ? { concurrency: smtpSettings.concurrency } : {}),
    };
    log(
      `lab SMTP: ${ready.smtp.servers} servers (STARTTLS, certificates from the lab CA ${caFile}) on port ${ready.smtp.port} for ${ready.smtp.names} MX hosts`,
    );
  }
  let unbound: RunningUnbound | undefined;
  /** The resolver a phase asks: the lab, or a fresh unbound (cold cache) in front of it. */
  const target = async (): Promise<{ host: string; port: number }> => {
    if (resolver === 'lab') return { host: ready.host, port: ready.port };
    await unbound?.stop();
    unbound = await startUnbound({ forwardHost: ready.host, forwardPort: ready.port });
    log(`unbound: ${unbound.host}:${unbound.port}, forwarding to the lab (config ${unbound.configFile})`);
    return { host: unbound.host, port: unbound.port };
  };
  try {
    const base: WorkerOptions = {
      mode: values['no-write'] ? 'audit' : 'fleet',
      host: ready.host,
      port: ready.port,
      identities,
      seed,
      ...(dnsConcurrency !== undefined ? { dnsConcurrency } : {}),
      ...(values.discovery ? { discovery: true } : {}),
      ...(identityConcurrency !== undefined ? { identityConcurrency } : {}),
      ...(threads !== undefined ? { threads } : {}),
      timeoutMs,
      tries,
      progress: !values.quiet,
      ...(values['cache-entries'] !== undefined ? { cacheEntries: Number(values['cache-entries']) } : {}),
      ...(values['out-dir'] !== undefined ? { outDir: values['out-dir'] } : {}),
      ...(values.baseline !== undefined ? { baseline: values.baseline } : {}),
      ...(values['heap-snapshot'] !== undefined ? { heapSnapshot: values['heap-snapshot'] } : {}),
      ...(values['v8-default-growth'] ? { v8DefaultGrowth: true } : {}),
      ...(smtp ? { smtp } : {}),
    };
    if ((base.baseline ?? base.heapSnapshot) !== undefined && base.mode !== 'fleet')
      throw new Error('--baseline and --heap-snapshot need the fleet mode (not --no-write)');
    if (values.cli && (values['no-write'] || base.heapSnapshot !== undefined || values.profile !== undefined))
      throw new Error('--cli runs the CLI as it is: no --no-write, --heap-snapshot or --profile');
    const settings: BenchSettings = {
      identities,
      seed,
      latency: values.latency,
      selectors: values.discovery ? 'discovery' : 'known',
      resolver,
      loss,
      ...(dnsConcurrency !== undefined ? { dnsConcurrency } : {}),
      ...(identityConcurrency !== undefined ? { identityConcurrency } : {}),
      ...(threads !== undefined ? { threads } : {}),
      cacheEntries: base.cacheEntries ?? FLEET_DEFAULT_CACHE_ENTRIES,
      timeoutMs,
      tries,
      replayInFlight,
      replaySockets,
      replayTries,
      replayTimeoutMs,
      runtime: runtime.kind,
      heapGrowth: values['v8-default-growth']
        ? 'V8 default'
        : `${FLEET_HEAP_GROWING_PERCENT}% (the fleet command's)`,
      node: process.version,
      ...(smtpSettings ? { smtp: smtpSettings } : {}),
    };
    const scenario = scenarioName(settings);
    log(
      `workers: ${runtime.kind === 'compiled' ? `compiled JavaScript (${runtime.dir})` : `tsx (${runtime.note ?? ''})`}`,
    );
    log(
      `${base.mode}: ${scenario}; ${identityConcurrency ?? 'adaptive'} identities at once, DNS in flight ${dnsConcurrency ?? "the product's default"}` +
        (base.mode === 'fleet' ? `, reports written to ${base.outDir ?? 'a temporary directory'}` : '') +
        (base.baseline !== undefined ? `, compared with ${base.baseline}` : ''),
    );
    const nodeFlags = values['node-flags'].split(/\s+/).filter((f) => f !== '');
    const profileFlags = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
    const runFleetPhase = async (
      o: WorkerOptions,
      outDir: string,
      measured: boolean,
    ): Promise<PhaseResult> =>
      values.cli
        ? runCli(o, dir, outDir, log)
        : runWorker<PhaseResult>('worker', o, [...nodeFlags, ...(measured ? profileFlags : [])]);

    // --loss: the same run without loss first, the reference for the unknown comparison. Its
    // reports go to a temporary directory (never --out-dir, never compared with --baseline).
    let reference: FleetRunFigures | undefined;
    let extraUnknowns: ExtraUnknowns | undefined;
    const referenceUnknowns = join(dir, 'unknowns-reference.tsv');
    if (loss > 0) {
      log('reference run: no loss');
      const { outDir: _o, baseline: _b, heapSnapshot: _h, ...plain } = base;
      const o: WorkerOptions = { ...plain, ...(await target()), unknownsFile: referenceUnknowns };
      const phase = await runFleetPhase(o, join(dir, 'reference-out'), false);
      reference = fleetFigures(phase, await labStats(lab));
      await setLoss(lab, loss);
      log(`measured run: the lab drops ${loss * 100}% of UDP queries`);
    }
    const unknownsFile = join(dir, 'unknowns.tsv');
    const measuredOptions: WorkerOptions = { ...base, ...(await target()), unknownsFile };
    const phase = await runFleetPhase(measuredOptions, base.outDir ?? join(dir, 'cli-out'), true);
    const questions = join(dir, 'questions.tsv');
    const fleet = fleetFigures(phase, await labStats(lab, questions));
    if (reference)
      extraUnknowns = compareUnknowns(
        parseUnknowns(readFileSync(referenceUnknowns, 'utf8')),
        parseUnknowns(readFileSync(unknownsFile, 'utf8')),
        identities,
      );

    let replayer: ReplayerFigures | undefined;
    if (!values['skip-replay']) {
      log(
        `replayer: ${fleet.minimum} distinct questions, ${replayInFlight} in flight over ${replaySockets} sockets`,
      );
      const o: ReplayerOptions = {
        ...(await target()),
        questionsFile: questions,
        inFlight: replayInFlight,
        sockets: replaySockets,
        timeoutMs: replayTimeoutMs,
        tries: replayTries,
        progress: !values.quiet,
      };
      const r = await runWorker<ReplayerPhaseResult>('replay-worker', o, nodeFlags);
      replayer = replayerFigures(r, await labStats(lab));
    }
    let probeReplay: BenchResult['probeReplay'];
    if (values['probe-replay']) {
      log('probe replay: the same questions through the product probe');
      const o: WorkerOptions = { ...base, ...(await target()), mode: 'replay', questionsFile: questions };
      const r = await runWorker<PhaseResult>('worker', o, nodeFlags);
      const l = await labStats(lab);
      probeReplay = { ...r, lab: l, questionsPerSecond: r.items / (r.elapsedMs / 1000) };
    }
    lab.send({ type: 'stop' });

    const markdownRows = [
      ...(reference
        ? [markdownRow(scenarioName({ ...settings, loss: 0 }), settings, reference, undefined, undefined)]
        : []),
      markdownRow(scenario, settings, fleet, replayer, extraUnknowns),
    ];
    const smtpRow = smtpMarkdownRow(scenario, settings, fleet);
    const result: BenchResult = {
      scenario,
      settings,
      fleet,
      ...(smtpRow !== undefined ? { smtpMarkdownRow: smtpRow } : {}),
      ...(reference ? { reference } : {}),
      ...(extraUnknowns ? { extraUnknowns } : {}),
      ...(replayer
        ? { replayer, fleetOverReplayer: fleet.questionsPerSecond / replayer.questionsPerSecond }
        : {}),
      ...(probeReplay ? { probeReplay } : {}),
      markdownRows,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(render(result));
  } finally {
    await unbound?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (lab.connected) lab.disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
