/**
 * A fleet run on several threads (--threads N): the identities are dealt round robin to N audit
 * threads (src/fleet/audit-thread.ts), each with a probe and a DNS cache of its own, each as
 * a one-thread run audits (adaptive identities in flight, one scope per audit). Every result
 * comes back to the run's thread, which writes reports, rows, the summary and the resume state
 * as for any auditor (the FleetAuditor seam of auditor.ts).
 *
 * What N threads share and what they do not, said in the README:
 * - DNS: a name several threads need is asked once per thread (each has its own cache);
 * - SMTP politeness holds for the run: each thread keeps 1/N of the connections per network
 *   (at least one) and N times the gap between starts, so a /24 sees no more than one thread
 *   does alone; an MX host shared by identities of several threads is probed once per thread.
 */
import { Worker } from 'node:worker_threads';
import type { ReputationSettings } from '../check.js';
import { UsageError } from '../errors.js';
import type { ProbeOptions } from '../probe/create.js';
import { addCounters, newCounters } from '../probe/dns.js';
import { SMTP_DEFAULT_NETWORK_GAP_MS, SMTP_DEFAULT_PER_NETWORK } from '../probe/smtp-politeness.js';
import type { DnsCounters } from '../probe/types.js';
import type { FleetAuditor, FleetAuditorEnd, FleetAuditResult, FleetResultSink } from './auditor.js';
import type { FleetIdentity } from './config.js';
import type { FleetWorkerStats } from './summary.js';

/** Threads at most: beyond the cores of any machine we run on, more only costs memory. */
export const MAX_FLEET_THREADS = 64;

/** How every identity is audited, in one thread or in several. */
export interface AuditSettings {
  probeOptions: ProbeOptions;
  /** Identities in flight, fixed (in several threads: each thread's share); undefined: adaptive. */
  concurrency?: number;
  checks?: readonly string[];
  deadlineMs?: number;
  reputation?: ReputationSettings;
}

/** What an audit thread is started with: its identities and the run's settings. */
export interface AuditThreadData extends AuditSettings {
  identities: FleetIdentity[];
}

/** The run's thread to an audit thread. */
export type ToThread =
  | { type: 'taken'; id: number; taken: boolean; error?: undefined }
  | { type: 'taken'; id: number; taken?: undefined; error: string }
  | { type: 'stop'; id?: undefined };

/** An audit thread to the run's thread. */
export type FromThread =
  | { type: 'result'; id: number; result: FleetAuditResult }
  | { type: 'counters'; dns: DnsCounters; peakInFlight: number }
  | { type: 'done' }
  | { type: 'fatal'; message: string };

export interface ThreadAuditorOptions extends AuditSettings {
  threads: number;
  now?: () => number;
}

/** Each thread's share of the run's SMTP politeness (see the module comment). */
export function threadProbeOptions(options: ProbeOptions, threads: number): ProbeOptions {
  if (options.smtpAllow !== undefined)
    throw new UsageError('--threads cannot carry an SMTP address filter (smtpAllow) to its threads');
  const perNetwork = options.smtpPerNetwork ?? SMTP_DEFAULT_PER_NETWORK;
  const gap = options.smtpGapMs ?? SMTP_DEFAULT_NETWORK_GAP_MS;
  return {
    ...options,
    smtpPerNetwork: Math.max(1, Math.floor(perNetwork / threads)),
    smtpGapMs: gap * threads,
    ...(options.smtpConcurrency !== undefined
      ? { smtpConcurrency: Math.max(1, Math.ceil(options.smtpConcurrency / threads)) }
      : {}),
  };
}

/**
 * The thread script beside this module: compiled JavaScript, or (tests, tsx) the TypeScript
 * source, loaded in the thread after tsx registers its loader there.
 */
function startThread(data: AuditThreadData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./audit-thread.js', import.meta.url), { workerData: data });
  const source = new URL('./audit-thread.ts', import.meta.url).href;
  const code = `(async () => { (await import('tsx/esm/api')).register(); await import(${JSON.stringify(source)}); })().catch((err) => { setImmediate(() => { throw err; }); });`;
  return new Worker(code, { eval: true, workerData: data });
}

export function threadAuditor(options: ThreadAuditorOptions): FleetAuditor {
  const { threads } = options;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_FLEET_THREADS)
    throw new UsageError(`threads must be 1 to ${MAX_FLEET_THREADS}`);
  const now = options.now ?? Date.now;
  const probeOptions = threadProbeOptions(options.probeOptions, threads);
  const dns: DnsCounters[] = [];
  const peaks: number[] = [];
  const stats: { identities: number; first?: number; last?: number }[] = [];
  return {
    get concurrency() {
      return peaks.reduce((a, b) => a + b, 0);
    },
    dnsCounters() {
      const total = newCounters();
      for (const c of dns) addCounters(total, c);
      return total;
    },
    workerStats(): FleetWorkerStats[] {
      return stats.map((s, i) => ({
        id: `thread ${i + 1}`,
        identities: s.identities,
        identitiesPerSecond:
          s.first !== undefined && s.last !== undefined && s.last > s.first
            ? Math.round((s.identities / ((s.last - s.first) / 1000)) * 10) / 10
            : 0,
      }));
    },
    async audit(todo, sink: FleetResultSink, signal): Promise<FleetAuditorEnd> {
      const count = Math.min(threads, Math.max(1, todo.length));
      const shares: FleetIdentity[][] = Array.from({ length: count }, () => []);
      for (let i = 0; i < todo.length; i++) shares[i % count]!.push(todo[i]!);
      const { threads: _, now: __, ...common } = options;
      const settings: AuditSettings = {
        ...common,
        probeOptions,
        ...(options.concurrency !== undefined
          ? { concurrency: Math.max(1, Math.ceil(options.concurrency / count)) }
          : {}),
      };
      const workers: Worker[] = [];
      let fatal: Error | undefined;
      const stopAll = (): void => {
        for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToThread);
      };
      const fail = (err: Error): void => {
        fatal ??= err;
        stopAll();
      };
      /** One thread, from its start to its exit; a failure stops every thread. */
      const runThread = (index: number, identities: FleetIdentity[]): Promise<void> =>
        new Promise((resolve) => {
          dns[index] = newCounters();
          peaks[index] = 0;
          const s: (typeof stats)[number] = { identities: 0 };
          stats[index] = s;
          const worker = startThread({ ...settings, identities });
          workers.push(worker);
          if (signal.aborted) worker.postMessage({ type: 'stop' } satisfies ToThread);
          let done = false;
          const end = (err?: Error): void => {
            if (err) fail(err);
            if (done) return;
            done = true;
            void worker.terminate();
          };
          const accept = (id: number, result: FleetAuditResult): void => {
            const t = now();
            s.first ??= result.startedAtMs ?? t;
            s.last = t;
            sink.accept(result).then(
              (taken) => {
                if (taken) s.identities++;
                worker.postMessage({ type: 'taken', id, taken } satisfies ToThread);
              },
              (err: unknown) => {
                const e = err instanceof Error ? err : new Error(String(err));
                worker.postMessage({ type: 'taken', id, error: e.message } satisfies ToThread);
                end(e);
              },
            );
          };
          worker.on('message', (message: FromThread) => {
            if (message.type === 'counters') {
              dns[index] = message.dns;
              peaks[index] = message.peakInFlight;
            } else if (message.type === 'result') accept(message.id, message.result);
            else if (message.type === 'done') end();
            else end(new Error(`audit thread ${index + 1}: ${message.message}`));
          });
          worker.on('error', (err) => end(err));
          worker.on('exit', (code) => {
            if (!done) end(new Error(`audit thread ${index + 1} exited with code ${code}`));
            resolve();
          });
        });
      const onAbort = (): void => stopAll();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await Promise.all(shares.map((identities, index) => runThread(index, identities)));
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
      if (fatal) throw fatal;
      return {};
    },
  };
}
