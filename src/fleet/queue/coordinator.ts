/**
 * The coordinator of a run spread over a queue: a FleetAuditor that enqueues the run's
 * identities on Redis (BullMQ) and collects the workers' results from the run's results
 * queue, handing each to the out-dir sink, so the out-dir, summary, pages, diff and exit code
 * are those of a local run. It never loses an identity silently: jobs that vanished from Redis
 * (a restart without persistence) are enqueued again, jobs the queue gave up on become error
 * rows, and a Redis gone for too long ends the run incomplete with the reason.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { newCounters } from '../../probe/dns.js';
import type { DnsCounters } from '../../probe/types.js';
import type { FleetAuditor, FleetAuditorEnd, FleetAuditResult, FleetResultSink } from '../auditor.js';
import type { FleetIdentity } from '../config.js';
import { writeFileAtomic } from '../outdir.js';
import type { FleetWorkerStats } from '../summary.js';
import { type RedisTarget, redactSecrets } from './connection.js';
import {
  AUDIT_QUEUE,
  type AuditJobData,
  auditJobId,
  decodeReport,
  resultJobDataOf,
  resultsQueueOf,
} from './protocol.js';
import { DEFAULT_LOCK_DURATION_MS } from './worker.js';

/** The file in the out-dir that keeps the run id, so a restarted coordinator joins its own jobs. */
export const QUEUE_RUN_FILE = 'queue-run.json';
/** Jobs added to Redis per round trip. */
export const ENQUEUE_BATCH = 500;
/** Results written to the out-dir at once. */
const COLLECT_CONCURRENCY = 8;
/** Tries of an audit job that fails outright (not a stall: a worker error while posting). */
const JOB_ATTEMPTS = 3;
const JOB_BACKOFF_MS = 1000;
/** Finished audit jobs stay this long (their ids keep a second enqueue idempotent). */
const KEEP_DONE_JOBS_S = 7 * 24 * 3600;
/** Default: the run ends incomplete after Redis has been unreachable this long. */
export const DEFAULT_REDIS_LOST_MS = 60_000;
/** Default: after this long without a result, look for jobs lost or given up on. */
export const DEFAULT_RECONCILE_MS = 10_000;
/** Outstanding identities whose jobs are looked at per reconciliation round. */
const RECONCILE_BATCH = 500;
/** How often the coordinator checks Redis and its progress. */
const TICK_MS = 250;
/** Closing the queue's connections waits at most this long (Redis may be gone). */
const CLOSE_TIMEOUT_MS = 5_000;
/** Hex digits of a run id. */
const RUN_ID_HEX = 16;

export interface QueueCoordinatorOptions {
  redis: RedisTarget;
  outDir: string;
  /** The run's input files (part of a new run id). */
  inputs?: readonly string[];
  checks?: readonly string[];
  deadlineMs?: number;
  /** Reported as the run's concurrency (the workers choose their own). */
  concurrency: number;
  /** Lock of the results jobs this coordinator holds (a dead coordinator's are retaken after it). */
  lockDurationMs?: number;
  redisLostMs?: number;
  reconcileMs?: number;
  /** What the coordinator does, for the CLI (never carries a secret). */
  onEvent?: (event: string) => void;
}

/** The run id of an out-dir: read from QUEUE_RUN_FILE, or made and written there. */
export async function runIdOf(
  outDir: string,
  identities: readonly FleetIdentity[],
  inputs: readonly string[],
) {
  const file = join(outDir, QUEUE_RUN_FILE);
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as { runId?: unknown };
    if (typeof value.runId === 'string' && /^[0-9a-f]{16}$/.test(value.runId)) return value.runId;
  } catch {
    // none yet (or unreadable: a new id; the old run's jobs are then simply not reused)
  }
  const hash = createHash('sha256').update(resolve(outDir)).update('\n').update(inputs.join('\n'));
  for (const id of identities) hash.update(`\n${id.key}`);
  // A fresh nonce: an out-dir deleted and made again is a new run, not the old one's leftovers.
  hash.update(randomBytes(16));
  const runId = hash.digest('hex').slice(0, RUN_ID_HEX);
  await writeFileAtomic(file, `${JSON.stringify({ runId })}\n`);
  return runId;
}

interface WorkerTally {
  identities: number;
  firstStart: number;
  lastEnd: number;
}

/** The auditor that spreads a run over the workers of a Redis queue. */
export function queueAuditor(options: QueueCoordinatorOptions): FleetAuditor {
  const dns: DnsCounters = newCounters();
  const tallies = new Map<string, WorkerTally>();
  return {
    concurrency: options.concurrency,
    dnsCounters: () => ({ ...dns }),
    workerStats: () =>
      [...tallies.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, t]): FleetWorkerStats => {
          const seconds = Math.max(0.001, (t.lastEnd - t.firstStart) / 1000);
          return {
            id,
            identities: t.identities,
            identitiesPerSecond: Math.round((t.identities / seconds) * 100) / 100,
          };
        }),
    audit: (todo, sink, signal) => coordinate(todo, sink, signal, options, { dns, tallies }),
  };
}

async function coordinate(
  todo: readonly FleetIdentity[],
  sink: FleetResultSink,
  signal: AbortSignal,
  options: QueueCoordinatorOptions,
  stats: { dns: DnsCounters; tallies: Map<string, WorkerTally> },
): Promise<FleetAuditorEnd> {
  const say = (text: string): void => options.onEvent?.(redactSecrets(text, options.redis.secrets));
  const secretFree = (err: unknown): string =>
    redactSecrets(err instanceof Error ? err.message : String(err), options.redis.secrets);
  const { connection, display } = options.redis;
  const runId = await runIdOf(options.outDir, todo, options.inputs ?? []);
  const outstanding = new Map(todo.map((id) => [id.key, id]));
  if (outstanding.size === 0) return {};

  const lockDuration = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const redisLostMs = options.redisLostMs ?? DEFAULT_REDIS_LOST_MS;
  const reconcileMs = options.reconcileMs ?? DEFAULT_RECONCILE_MS;
  let lastRedisError: string | undefined;
  const noteError = (err: unknown): void => {
    lastRedisError = secretFree(err);
  };
  const auditQueue = new Queue(AUDIT_QUEUE, { connection });
  auditQueue.on('error', noteError);
  const resultsQueue = new Queue(resultsQueueOf(runId), { connection });
  resultsQueue.on('error', noteError);
  // Fails fast while Redis is away, so the coordinator can tell how long it has been gone.
  const watch = new Redis({ ...connection, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  watch.on('error', noteError);

  let fatal: unknown;
  let lastProgress = Date.now();
  let wake: () => void = () => {};
  const woken = (): Promise<void> =>
    new Promise((r) => {
      wake = r;
    });

  const accept = async (result: FleetAuditResult): Promise<void> => {
    if (await sink.accept(result)) {
      outstanding.delete(result.key);
      lastProgress = Date.now();
      if (outstanding.size === 0) wake();
    }
  };

  const collect = async (job: Job): Promise<void> => {
    const data = resultJobDataOf(job.data);
    if (!data) return; // not ours: dropped
    for (const k of Object.keys(stats.dns) as (keyof DnsCounters)[])
      stats.dns[k] += Number(data.dns[k as keyof typeof data.dns]) || 0;
    const identity = outstanding.get(data.key);
    if (!identity || sink.has(data.key)) return; // a duplicate (a job done twice): discarded by key
    let result: FleetAuditResult;
    const decoded = data.report ? decodeReport(data.report) : undefined;
    if (decoded && !('invalid' in decoded))
      result = { key: data.key, target: identity.target, report: decoded, durationMs: data.durationMs };
    else
      result = {
        key: data.key,
        target: identity.target,
        error: decoded ? `worker ${data.worker}: ${decoded.invalid}` : (data.error ?? 'no report'),
        durationMs: data.durationMs,
      };
    try {
      await accept(result);
    } catch (err) {
      // The disk is full or gone: stop; the result stays in Redis for the next attempt.
      fatal ??= err;
      wake();
      throw err;
    }
    const tally = stats.tallies.get(data.worker);
    if (tally) {
      tally.identities++;
      tally.firstStart = Math.min(tally.firstStart, data.startedAt);
      tally.lastEnd = Math.max(tally.lastEnd, data.finishedAt);
    } else
      stats.tallies.set(data.worker, { identities: 1, firstStart: data.startedAt, lastEnd: data.finishedAt });
  };

  const jobOf = (id: FleetIdentity) => {
    const data: AuditJobData = {
      runId,
      key: id.key,
      target: id.target,
      ...(options.checks ? { checks: [...options.checks] } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    };
    return {
      name: 'audit',
      data,
      opts: {
        jobId: auditJobId(runId, id.key),
        attempts: JOB_ATTEMPTS,
        backoff: { type: 'fixed', delay: JOB_BACKOFF_MS },
        removeOnComplete: { age: KEEP_DONE_JOBS_S },
        removeOnFail: { age: KEEP_DONE_JOBS_S },
      },
    };
  };
  const enqueue = async (ids: readonly FleetIdentity[]): Promise<void> => {
    for (let i = 0; i < ids.length; i += ENQUEUE_BATCH)
      await auditQueue.addBulk(ids.slice(i, i + ENQUEUE_BATCH).map(jobOf));
  };

  /** Looks at a batch of outstanding jobs: re-enqueues the vanished, records the given up. */
  let cursor: string[] = [];
  const reconcile = async (): Promise<void> => {
    if (cursor.length === 0) cursor = [...outstanding.keys()];
    const batch = cursor.splice(0, RECONCILE_BATCH);
    const again: FleetIdentity[] = [];
    for (const key of batch) {
      const id = outstanding.get(key);
      if (!id || sink.has(key)) continue;
      const jobId = auditJobId(runId, key);
      const state = await auditQueue.getJobState(jobId);
      if (state === 'unknown') again.push(id);
      else if (state === 'failed') {
        const job = await auditQueue.getJob(jobId);
        if (sink.has(key)) continue;
        await accept({
          key,
          target: id.target,
          error: `the queue gave up on it: ${secretFree(job?.failedReason ?? 'failed')}`,
          durationMs: 0,
        });
      } else if (state === 'completed') {
        // Done, but its result is nowhere (lost with Redis's memory, or dropped): do it again.
        const resultState = await resultsQueue.getJobState(jobId);
        if ((resultState === 'unknown' || resultState === 'failed') && !sink.has(key)) {
          await auditQueue.remove(jobId).catch(() => 0);
          await resultsQueue.remove(jobId).catch(() => 0);
          again.push(id);
        }
      }
    }
    if (again.length > 0) {
      await enqueue(again);
      say(`${again.length} jobs had vanished from the queue (Redis restarted?): enqueued again`);
    }
  };

  const collector = new Worker(resultsQueueOf(runId), collect, {
    connection,
    concurrency: COLLECT_CONCURRENCY,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: 10,
    autorun: false,
  });
  collector.on('error', noteError);

  let stopped: string | undefined;
  const onAbort = (): void => wake();
  signal.addEventListener('abort', onAbort, { once: true });
  let lastRedisOk = Date.now();
  const collecting = collector.run().catch((err: unknown) => {
    fatal ??= err;
    wake();
  });
  try {
    // Enqueuing waits for Redis like everything else; a Redis that never answers ends the run.
    let enqueuedAll = false;
    const enqueued = enqueue([...outstanding.values()]).then(
      () => {
        enqueuedAll = true;
        lastProgress = Date.now();
        say(`enqueued ${todo.length} identities on ${display} (run ${runId})`);
      },
      (err: unknown) => {
        fatal ??= err;
      },
    );
    while (outstanding.size > 0 && !signal.aborted && fatal === undefined) {
      await Promise.race([woken(), new Promise((r) => setTimeout(r, TICK_MS))]);
      if (outstanding.size === 0 || signal.aborted || fatal !== undefined) break;
      const now = Date.now();
      try {
        await watch.ping();
        lastRedisOk = now;
        lastRedisError = undefined;
      } catch (err) {
        // The drivers' own error (WRONGPASS, ECONNREFUSED) says more than the failed ping.
        lastRedisError ??= secretFree(err);
        if (now - lastRedisOk >= redisLostMs) {
          stopped = `lost the queue's Redis (${display}) for ${Math.round((now - lastRedisOk) / 1000)} s${
            lastRedisError ? `: ${lastRedisError}` : ''
          }`;
          break;
        }
        continue;
      }
      if (enqueuedAll && now - lastProgress >= reconcileMs) {
        lastProgress = now;
        await reconcile().catch(noteError);
      }
    }
    await Promise.race([enqueued, new Promise((r) => setTimeout(r, 0))]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    // A Redis that is gone would make a graceful close wait for it: force, and bound the wait.
    await within(CLOSE_TIMEOUT_MS, collector.close(stopped !== undefined || fatal !== undefined));
    await within(CLOSE_TIMEOUT_MS, collecting);
    if (outstanding.size === 0 && fatal === undefined)
      await within(CLOSE_TIMEOUT_MS, resultsQueue.obliterate({ force: true }));
    await within(CLOSE_TIMEOUT_MS, Promise.all([auditQueue.close(), resultsQueue.close()]));
    watch.disconnect();
    // Connections a bounded close left behind must not keep the process alive.
    for (const q of [auditQueue, resultsQueue]) void q.disconnect().catch(() => {});
    void collector.disconnect().catch(() => {});
  }
  if (fatal !== undefined) throw fatal;
  if (stopped !== undefined) say(stopped);
  return stopped !== undefined ? { stopped } : {};
}

/** Waits for `work` (its failure ignored) at most `ms`. */
async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise<void>((r) => {
      timer = setTimeout(r, ms);
    }),
  ]);
  clearTimeout(timer);
}
