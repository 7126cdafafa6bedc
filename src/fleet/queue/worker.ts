/**
 * A queue worker: takes audit jobs from Redis, audits each identity through its own probe
 * (one per run: a long-lived worker does not carry yesterday's SMTP answers into tonight's
 * run), and posts the report on the run's results queue. Library code: events go to a
 * callback, never to a terminal.
 */

import { hostname } from 'node:os';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { audit } from '../../audit.js';
import type { ReputationSettings } from '../../check.js';
import { createProbe, type ProbeOptions } from '../../probe/create.js';
import { addCounters, newCounters } from '../../probe/dns.js';
import type { ClosableProbe, DnsCounters, Probe } from '../../probe/types.js';
import { countersSince, DEFAULT_FLEET_CONCURRENCY, FLEET_PROBE_DEFAULTS } from '../run.js';
import { type RedisTarget, redactSecrets } from './connection.js';
import { limitBlocklists, limitSmtp, RedisRateLimiter, redisBlocklistBudget } from './limiter.js';
import {
  AUDIT_QUEUE,
  auditJobDataOf,
  encodeReport,
  MAX_RESULT_BYTES,
  type ResultJobData,
  resultSize,
  resultsQueueOf,
} from './protocol.js';

/** A job's lock lasts this long unless renewed (BullMQ renews it at half): a dead worker's job is retaken after it. */
export const DEFAULT_LOCK_DURATION_MS = 30_000;
/** SMTP probes per MX host per minute across the whole run, by default. */
export const DEFAULT_SMTP_HOST_PER_MINUTE = 10;
const MINUTE_MS = 60_000;
/** Runs whose probe a worker keeps at once (a run's last jobs may overlap the next run's first). */
const MAX_PROBES_KEPT = 4;
/** Results queues a worker keeps open at once. */
const MAX_RESULT_QUEUES_KEPT = 4;
/** A shutdown waits this long for the jobs in hand before it lets them go. */
const SHUTDOWN_GRACE_MS = 60_000;
/** How often an idle worker (--idle-exit) looks at its clock, within these bounds. */
const IDLE_POLL_MIN_MS = 50;
const IDLE_POLL_MAX_MS = 1000;

export interface QueueWorkerOptions {
  redis: RedisTarget;
  /** Identities audited at once (default DEFAULT_FLEET_CONCURRENCY, as a local run). */
  concurrency?: number;
  probeOptions?: ProbeOptions;
  /**
   * The reputation check's settings (a Spamhaus DQS key, the lists): given to each worker,
   * never carried through Redis (a DQS key is a secret).
   */
  reputation?: ReputationSettings;
  /** SMTP probes per MX host per minute, across every worker (Redis-backed). */
  smtpHostPerMinute?: number;
  lockDurationMs?: number;
  /**
   * Aborted: stop now, without waiting for the jobs in hand (a second Ctrl-C). Their locks
   * expire and another worker retakes them.
   */
  force?: AbortSignal;
  /** Stop after this long without a job (tests, batch machines); default: run until the signal. */
  idleExitMs?: number;
  signal?: AbortSignal;
  /** What the worker does, for the CLI's log lines (never carries a secret). */
  onEvent?: (event: string) => void;
  /** This worker's id in results (default hostname:pid). */
  id?: string;
}

export interface QueueWorkerResult {
  /** Identities this worker audited (results posted). */
  audited: number;
  /** Why it stopped: the signal, idle, or a fatal error's message. */
  reason: 'signal' | 'idle' | 'error';
  error?: string;
}

/** One probe per run id, closed when a newer run pushes it out and none of its audits is left. */
class ProbePerRun {
  private readonly probes = new Map<string, { probe: ClosableProbe; limited: Probe; inFlight: number }>();

  constructor(
    private readonly make: () => { probe: ClosableProbe; limited: Probe },
    private readonly counters: DnsCounters,
  ) {}

  async use<T>(runId: string, work: (probe: Probe) => Promise<T>): Promise<T> {
    let entry = this.probes.get(runId);
    if (!entry) {
      entry = { ...this.make(), inFlight: 0 };
      this.probes.set(runId, entry);
      this.evict();
    }
    entry.inFlight++;
    try {
      return await work(entry.limited);
    } finally {
      entry.inFlight--;
      this.evict();
    }
  }

  /** DNS counters summed over every probe this worker made (closed ones included). */
  total(): DnsCounters {
    const sum = { ...this.counters };
    for (const { probe } of this.probes.values()) addCounters(sum, probe.counters());
    return sum;
  }

  private evict(): void {
    for (const [runId, entry] of this.probes) {
      if (this.probes.size <= MAX_PROBES_KEPT) return;
      if (entry.inFlight > 0) continue;
      addCounters(this.counters, entry.probe.counters());
      entry.probe.close();
      this.probes.delete(runId);
    }
  }

  closeAll(): void {
    for (const { probe } of this.probes.values()) probe.close();
    this.probes.clear();
  }
}

/** Runs a worker until the signal, idleness or a fatal error; closes everything it opened. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerResult> {
  const id = options.id ?? `${hostname()}:${process.pid}`;
  const say = (text: string): void => options.onEvent?.(redactSecrets(text, options.redis.secrets));
  const connection = options.redis.connection;
  const limiterRedis = new Redis({ ...connection, lazyConnect: true });
  limiterRedis.on('error', () => {});
  const smtpLimiter = new RedisRateLimiter(limiterRedis, {
    limit: options.smtpHostPerMinute ?? DEFAULT_SMTP_HOST_PER_MINUTE,
    windowMs: MINUTE_MS,
    scope: 'smtp-host',
  });
  const blocklistBudget = redisBlocklistBudget(limiterRedis);
  const probeOptions = { ...FLEET_PROBE_DEFAULTS, ...options.probeOptions };
  const probes = new ProbePerRun(() => {
    const probe = createProbe(probeOptions);
    return { probe, limited: limitBlocklists(limitSmtp(probe, smtpLimiter), blocklistBudget) };
  }, newCounters());
  // Every result carries the DNS traffic since the previous one, so the run's sum counts each query once.
  let reported = newCounters();
  const resultQueues = new Map<string, Queue>();
  const resultsQueue = (runId: string): Queue => {
    let q = resultQueues.get(runId);
    if (!q) {
      q = new Queue(resultsQueueOf(runId), { connection });
      q.on('error', () => {});
      resultQueues.set(runId, q);
      for (const [old, oldQueue] of resultQueues) {
        if (resultQueues.size <= MAX_RESULT_QUEUES_KEPT) break;
        resultQueues.delete(old);
        void oldQueue.close().catch(() => {});
      }
    }
    return q;
  };
  let audited = 0;
  /** Jobs in hand (an idle exit waits for none). */
  let active = 0;
  let lastActivity = Date.now();

  const processJob = async (job: Job, token?: string, signal?: AbortSignal): Promise<null> => {
    active++;
    lastActivity = Date.now();
    try {
      return await auditJob(job, token, signal);
    } finally {
      active--;
      lastActivity = Date.now();
    }
  };
  const auditJob = async (job: Job, _token?: string, signal?: AbortSignal): Promise<null> => {
    const data = auditJobDataOf(job.data);
    if (!data) throw new Error('not a mail-preflight audit job');
    const startedAt = Date.now();
    let result: Pick<ResultJobData, 'report' | 'error'>;
    try {
      const report = await probes.use(data.runId, (probe) =>
        audit(data.target, {
          probe,
          ...(data.checks ? { checks: data.checks } : {}),
          ...(data.deadlineMs !== undefined ? { deadlineMs: data.deadlineMs } : {}),
          ...(options.reputation ? { reputation: options.reputation } : {}),
          ...(signal ? { signal } : {}),
        }),
      );
      result = { report: encodeReport(report) };
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    // A forced shutdown cut the audit short: leave the job to another worker.
    if (signal?.aborted) throw new Error('the worker shut down during the audit');
    const finishedAt = Date.now();
    const total = probes.total();
    let payload: ResultJobData = {
      key: data.key,
      ...result,
      durationMs: finishedAt - startedAt,
      worker: id,
      startedAt,
      finishedAt,
      dns: countersSince(reported, total),
    };
    reported = total;
    if (resultSize(payload) > MAX_RESULT_BYTES) {
      const { report: _dropped, ...rest } = payload;
      payload = { ...rest, error: `the report is larger than ${MAX_RESULT_BYTES} bytes even compressed` };
    }
    // The result's id is the job's: a job done twice (its worker died after posting) posts once
    // while the first result waits; the coordinator discards any later one by key.
    await resultsQueue(data.runId).add('result', payload, {
      jobId: job.id ?? `${data.runId}-${data.key}`,
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 1,
    });
    audited++;
    lastActivity = Date.now();
    return null;
  };

  const worker = new Worker(AUDIT_QUEUE, processJob, {
    connection,
    concurrency: options.concurrency ?? DEFAULT_FLEET_CONCURRENCY,
    lockDuration: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
    stalledInterval: options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
    // A job whose worker died is retaken (its stalled count grows); only a job that kills
    // every worker that takes it ends failed, and the coordinator records it as an error.
    maxStalledCount: 3,
    autorun: false,
  });
  let lastError: string | undefined;
  worker.on('error', (err) => {
    const text = redactSecrets(err.message, options.redis.secrets);
    if (text !== lastError) say(`queue error: ${text}`);
    lastError = text;
  });
  worker.on('ready', () => say(`worker ${id} connected to ${options.redis.display}`));

  let reason = 'signal' as QueueWorkerResult['reason'];
  let idleTimer: NodeJS.Timeout | undefined;
  const stopped = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
    const idleMs = options.idleExitMs;
    if (idleMs === undefined) return;
    idleTimer = setInterval(
      () => {
        if (active === 0 && Date.now() - lastActivity >= idleMs) {
          reason = 'idle';
          resolve();
        }
      },
      Math.max(IDLE_POLL_MIN_MS, Math.min(IDLE_POLL_MAX_MS, idleMs / 4)),
    );
  });
  const running = worker.run().catch((err: unknown) => {
    reason = 'error';
    lastError = redactSecrets(err instanceof Error ? err.message : String(err), options.redis.secrets);
  });
  await Promise.race([stopped, running]);
  clearInterval(idleTimer);
  say(`worker ${id} stopping (${reason}): finishing the jobs it holds`);
  // close() waits for the jobs in hand to finish; their results are posted before it returns.
  // A Redis that is gone would make it wait forever: then force (the jobs are retaken later).
  const forced = new Promise<void>((resolve) => {
    if (options.force?.aborted) resolve();
    options.force?.addEventListener('abort', () => resolve(), { once: true });
  });
  const graceful = settlesWithin(SHUTDOWN_GRACE_MS, worker.close());
  if (!(await Promise.race([graceful, forced.then(() => false)]))) await worker.close(true).catch(() => {});
  await settlesWithin(SHUTDOWN_GRACE_MS, running);
  for (const q of resultQueues.values()) await q.close().catch(() => {});
  limiterRedis.disconnect();
  probes.closeAll();
  return { audited, reason, ...(reason === 'error' && lastError ? { error: lastError } : {}) };
}

/** True when `work` settled (either way) within `ms`. */
async function settlesWithin(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return settled;
}
