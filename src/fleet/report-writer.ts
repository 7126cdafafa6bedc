/**
 * Report files written by a thread of their own.
 *
 * A fleet run writes one report file per identity. Through `fs.promises.writeFile` each write is
 * an open, a write and a close on libuv's thread pool, and on a 2-core machine the run's main
 * thread spent ~9% of its time in `open` alone: handing work to the pool takes the pool's
 * lock, and with four pool threads, the run's thread, V8's helpers and the DNS server sharing
 * two cores, the thread holding that lock is often preempted (measured: with
 * UV_THREADPOOL_SIZE=1 the share fell to 1.8%). Here one worker thread writes the files with
 * plain synchronous calls, in batches; the main thread only posts the text. The disk's latency
 * never blocks the event loop, and the thread pool is left to the rest of the run.
 *
 * Writes are acknowledged one by one: `write()` resolves once the file is written, rejects
 * with the system's error (EACCES, ENOSPC, ...). If the thread cannot start or dies, the
 * writes waiting on it fail over to `fs.promises.writeFile` and so do all later ones: a run
 * never loses a report to the writer.
 */

import { writeFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

/** One write as posted: its id, the path and the text. */
type Job = [id: number, path: string, data: string];
/** What the thread answers per batch: id and error text ('' when written), in pairs. */
type Acks = (number | string)[];

/**
 * The thread's code, plain JavaScript run with `eval` (no module loading, so it runs the same
 * from TypeScript, the tests and dist/).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { writeFileSync } = require('node:fs');
parentPort.on('message', (jobs) => {
  const acks = [];
  for (const [id, path, data] of jobs) {
    try {
      writeFileSync(path, data);
      acks.push(id, '');
    } catch (err) {
      acks.push(id, (err && (err.code ? err.code + ': ' + err.message : err.message)) || String(err));
    }
  }
  parentPort.postMessage(acks);
});
`;

interface Waiter {
  path: string;
  data: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class ReportWriter {
  private worker: Worker | undefined;
  /** The thread failed: every write goes through fs.promises from now on. */
  private broken = false;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private batch: Job[] = [];
  private flushScheduled = false;

  /** Writes `data` to `path` (created or truncated). */
  write(path: string, data: string): Promise<void> {
    if (this.broken) return writeFile(path, data);
    const worker = this.started();
    if (!worker) return writeFile(path, data);
    return new Promise<void>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { path, data, resolve, reject });
      if (this.waiting.size === 1) worker.ref();
      this.batch.push([id, path, data]);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // One message per turn of the event loop carries every write asked for in it.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes waiting for the thread (tests, diagnostics). */
  get pending(): number {
    return this.waiting.size;
  }

  /** Stops the thread; writes still waiting finish through fs.promises. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.removeAllListeners();
      await worker.terminate();
    }
    this.failOver();
    this.broken = false;
  }

  private started(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        // It holds one batch of texts at a time: a small heap keeps the run's memory down.
        resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 },
      });
      worker.unref();
      worker.on('message', (acks: Acks) => this.acknowledge(acks));
      worker.on('error', () => this.breakDown());
      worker.on('exit', () => this.breakDown());
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.batch;
    this.batch = [];
    if (jobs.length === 0) return;
    if (!this.worker) {
      this.failOver();
      return;
    }
    try {
      this.worker.postMessage(jobs);
    } catch {
      this.breakDown();
    }
  }

  private acknowledge(acks: Acks): void {
    for (let i = 0; i + 1 < acks.length; i += 2) {
      const id = acks[i] as number;
      const error = acks[i + 1] as string;
      const waiter = this.waiting.get(id);
      if (!waiter) continue;
      this.waiting.delete(id);
      if (error === '') waiter.resolve();
      else waiter.reject(new Error(`cannot write ${waiter.path}: ${error}`));
    }
    if (this.waiting.size === 0) this.worker?.unref();
  }

  /** The thread is gone: what it had not confirmed is written again the ordinary way. */
  private breakDown(): void {
    if (this.broken) return;
    this.broken = true;
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners();
    worker?.terminate().catch(() => {});
    this.failOver();
  }

  private failOver(): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    this.batch = [];
    for (const w of waiting) writeFile(w.path, w.data).then(w.resolve, w.reject);
  }
}

/** The process's one report writer (its thread starts with the first write, and never holds the process). */
export const reportWriter = new ReportWriter();
