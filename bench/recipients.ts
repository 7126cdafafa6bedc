/**
 * Recipient list benchmark: `npm run bench:recipients -- --addresses 1000000 --domains 50000
 * --latency 20-50 [--seed 1] [--dns-concurrency N] [--json]`.
 *
 * The lab child (bench/lab-child.ts, world "recipients", bench/recipients-world.ts) serves D
 * domains on 127.0.0.1 with the added latency per query; this process checks a generated list
 * of N addresses over them (Zipf-like: the big providers hold most addresses, a long tail the
 * rest; ~3% NXDOMAIN, 1% null MX, 2% implicit MX, 0.5% private MX, 0.4% provider typos) with
 * checkRecipients() and one probe, and prints:
 * - addresses/s (wall time of the check);
 * - DNS queries sent by the probe vs the distinct (name, type) questions the lab received
 *   (the minimum a perfect cache sends; sent/distinct above 1 is retries or cache evictions);
 * - peak RSS of this process (VmHWM; the lab's memory is not counted; the list is generated
 *   as it is read, never held).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createProbe } from '../src/probe/create.js';
import type { Probe } from '../src/probe/types.js';
import { checkRecipients } from '../src/recipients/index.js';
import { recipientList } from './recipients-world.js';
import type { ReplayerOptions, ReplayerPhaseResult } from './replay-worker.js';
import {
  DEFAULT_REPLAY_IN_FLIGHT,
  DEFAULT_REPLAY_SOCKETS,
  DEFAULT_REPLAY_TIMEOUT_MS,
  DEFAULT_REPLAY_TRIES,
} from './replayer.js';
import { childRuntime, vmHwm } from './runtime.js';

interface LabStats {
  type: 'stats';
  packets: number;
  distinct: number;
}

const runtime = childRuntime('lab-child');

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string }) => {
      if (msg.type === type) {
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(msg as T);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`lab exited with ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const mb = (bytes: number | undefined) =>
  bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      addresses: { type: 'string', default: '1000000' },
      domains: { type: 'string', default: '50000' },
      latency: { type: 'string', default: '20-50' },
      seed: { type: 'string', default: '1' },
      'dns-concurrency': { type: 'string' },
      'no-prefetch': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const addresses = Number(values.addresses);
  const domains = Number(values.domains);
  const lab = fork(
    join(runtime.dir, `lab-child${runtime.ext}`),
    [String(domains), values.seed, values.latency, 'recipients'],
    {
      execArgv: runtime.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ready = await next<{ host: string; port: number; nodes: number; buildMs: number }>(lab, 'ready');
  const probe = createProbe({
    resolvers: [`${ready.host}:${ready.port}`],
    // The product's default (adaptive) unless given, as `mail-preflight recipients` runs.
    ...(values['dns-concurrency'] !== undefined ? { concurrency: Number(values['dns-concurrency']) } : {}),
    noSmtp: true,
  });
  // The list as users give it: a file, written before the clock starts.
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-recipients-'));
  const listFile = join(dir, 'list.txt');
  const out = createWriteStream(listFile);
  for await (const chunk of recipientList(addresses, domains, Number(values.seed)))
    if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  // When the last DNS answer came back (the DNS span of the run), through a wrapper of the probe.
  // (One shared callback and no async frame per question: the wrapper costs the run ~nothing.)
  let lastAnswer = 0;
  const markAnswer = <T>(r: T): T => {
    lastAnswer = performance.now();
    return r;
  };
  const timed: Probe = {
    ...probe,
    dns: { query: (name, type, options) => probe.dns.query(name, type, options).then(markAnswer) },
  };
  const rssStart = process.memoryUsage().rss;
  const started = performance.now();
  let results = 0;
  const summary = await checkRecipients(createReadStream(listFile), {
    probe: timed,
    ...(values['no-prefetch'] ? {} : { prefetchFile: listFile }),
    onResult: () => {
      results++;
    },
  });
  const elapsedMs = performance.now() - started;
  const dnsSpanMs = lastAnswer - started;
  const peak = vmHwm();
  const counters = probe.counters();
  probe.close();
  // The machine's ceiling, in the same run: the minimal UDP replayer (bench/replayer.ts, no
  // product code) asks the same distinct questions of the same lab, 1,000 in flight.
  const questionsFile = join(dir, 'questions.tsv');
  lab.send({ type: 'stats', reset: true, dump: questionsFile });
  const stats = await next<LabStats>(lab, 'stats');
  const replayOptions: ReplayerOptions = {
    host: ready.host,
    port: ready.port,
    questionsFile,
    inFlight: DEFAULT_REPLAY_IN_FLIGHT,
    sockets: DEFAULT_REPLAY_SOCKETS,
    timeoutMs: DEFAULT_REPLAY_TIMEOUT_MS,
    tries: DEFAULT_REPLAY_TRIES,
    progress: false,
  };
  const replayer = fork(join(runtime.dir, `replay-worker${runtime.ext}`), [JSON.stringify(replayOptions)], {
    execArgv: runtime.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replayed = await next<ReplayerPhaseResult>(replayer, 'result');
  rmSync(dir, { recursive: true, force: true });
  lab.send({ type: 'stop' });
  // Questions answered per second over the run's DNS span (its start to its last answer),
  // against the replayer's (its first question to its last answer).
  const questionsPerSecond = stats.distinct / (dnsSpanMs / 1000);
  const replayerQuestionsPerSecond = replayed.answered / (replayed.elapsedMs / 1000);
  const figures = {
    addresses,
    domains,
    latency: values.latency,
    runtime: runtime.kind,
    prefetch: !values['no-prefetch'],
    elapsedMs: Math.round(elapsedMs),
    dnsSpanMs: Math.round(dnsSpanMs),
    replayerMs: Math.round(replayed.elapsedMs),
    addressesPerSecond: Math.round((results / elapsedMs) * 1000),
    domainsLookedUp: summary.domainsChecked,
    queriesSent: counters.queriesSent,
    labReceived: stats.packets,
    distinctQuestions: stats.distinct,
    sentOverDistinct: Number((counters.queriesSent / Math.max(1, stats.distinct)).toFixed(3)),
    timeouts: counters.timeouts,
    questionsPerSecond: Math.round(questionsPerSecond),
    replayerQuestionsPerSecond: Math.round(replayerQuestionsPerSecond),
    replayerUnanswered: replayed.unanswered,
    overReplayer: Number((questionsPerSecond / replayerQuestionsPerSecond).toFixed(3)),
    peakRss: peak,
    rssAtStart: rssStart,
    byStatus: summary.byStatus,
    byReason: summary.byReason,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `recipients: ${addresses} addresses over ${domains} domains, latency ${values.latency} ms, workers ${runtime.kind}\n` +
      `  wall ${(elapsedMs / 1000).toFixed(1)} s, ${figures.addressesPerSecond} addresses/s, ${summary.domainsChecked} domains looked up, prefetch ${figures.prefetch ? 'on' : 'off'}\n` +
      `  DNS: ${counters.queriesSent} queries sent, lab received ${stats.packets}, ${stats.distinct} distinct questions (sent/distinct ${figures.sentOverDistinct}), ${counters.timeouts} timeouts\n` +
      `  DNS span (start to last answer) ${(dnsSpanMs / 1000).toFixed(2)} s, replayer ${(replayed.elapsedMs / 1000).toFixed(2)} s\n` +
      `  DNS questions/s ${figures.questionsPerSecond} against ${figures.replayerQuestionsPerSecond} for the minimal replayer (same questions, same lab, 1,000 in flight; ${replayed.unanswered} unanswered): ${figures.overReplayer} of the ceiling\n` +
      `  peak RSS ${mb(peak)} (at start ${mb(rssStart)})\n` +
      `  statuses: ${Object.entries(summary.byStatus)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
