/**
 * How many DNS questions a run keeps in flight: fixed (`--dns-concurrency N`) or adaptive.
 *
 * The adaptive limit is sized to the work, like a congestion window: it grows while the
 * resolver's answers come back as fast as they did at the lightest load (latency holds) and
 * questions are waiting for a slot, and it backs off when questions time out or come back
 * SERVFAIL (the resolver, or something between, is shedding load), or when latency climbs
 * well above its floor (queues are building up somewhere). A fixed limit of 64 capped a fleet
 * run near 1,800 questions/s at 35 ms per answer.
 *
 * Latency is timed on this process's event loop, so a loop kept busy by the run's own work
 * (parsing, judging, writing) delays answers that the resolver gave in time. When the loop was
 * busy for most of a window, a latency rise says nothing about the resolver and does not
 * count: the limit grows while questions wait (answers then queue in the socket's receive
 * buffer, which keeps a busy process fed; a limit of 1,000 answered 11,300 questions/s where
 * the latency rule held it near 160 and 4,300/s). Timeouts and SERVFAIL still back off.
 */
import { performance } from 'node:perf_hooks';
import { loopBusyMeter } from './loop-load.js';

/** Adaptive start: what a single resolver serves comfortably. */
export const ADAPTIVE_START = 128;
/** Adaptive floor: never fewer questions in flight than this. */
export const ADAPTIVE_MIN = 16;
/**
 * Adaptive ceiling. Recursive resolvers cap the questions they work on at once (unbound:
 * num-queries-per-thread, 1024 by default per thread with libevent; BIND: recursive-clients
 * 1000); more only queues there.
 */
export const ADAPTIVE_MAX = 2048;
/** Upper bound of --dns-concurrency. */
export const MAX_DNS_CONCURRENCY = 10_000;
/**
 * Latency above this multiple of the floor, and at least CONGESTION_MARGIN_MS above it, counts
 * as congestion (the margin keeps a loopback resolver's sub-millisecond floor and the event
 * loop's own jitter from reading as congestion).
 */
const CONGESTED_LATENCY_FACTOR = 2;
const CONGESTION_MARGIN_MS = 10;
/** Share of timeouts/SERVFAIL in a window above which the limit backs off. */
const FAILURE_SHARE_BACKOFF = 0.02;
/**
 * Multiplicative growth per clean window, and back-off on congestion. Until the first sign of
 * congestion the limit doubles per window (as TCP's slow start does): from 128 it reaches 2,048
 * in 4 windows instead of 13, which at 35 ms per answer were ~0.5 s of a short run.
 */
const GROWTH = 1.25;
const SLOW_START_GROWTH = 2;
const BACKOFF = 0.7;
/** Event-loop utilisation over a window above which this process, not the resolver, is the bottleneck. */
export const BUSY_LOOP_UTILIZATION = 0.9;
/** Questions per adjustment window, at least. */
const MIN_WINDOW = 64;
/** The latency floor forgets slowly, so a run that moves to a slower zone can settle. */
const FLOOR_DECAY = 1.01;

export type Outcome = 'ok' | 'failure';

export interface LimiterLoad {
  /** Questions in flight now. */
  active: number;
  /** Questions waiting for a slot. */
  queued: number;
  /** The current limit. */
  limit: number;
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private head = 0;
  private current: number;
  private readonly adaptive: boolean;
  // The adjustment window.
  private windowDone = 0;
  private windowFailures = 0;
  private windowLatency = 0;
  private windowSaturated = false;
  private floorMs = Number.POSITIVE_INFINITY;
  /** No congestion seen yet: grow by SLOW_START_GROWTH. */
  private slowStart = true;
  private readonly loopBusy = loopBusyMeter();

  /** `fixed`: a set limit; undefined: adaptive. */
  constructor(fixed?: number) {
    if (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 1))
      throw new Error('DNS concurrency must be an integer >= 1');
    this.adaptive = fixed === undefined;
    this.current = fixed ?? ADAPTIVE_START;
  }

  load(): LimiterLoad {
    return { active: this.active, queued: this.queue.length - this.head, limit: Math.floor(this.current) };
  }

  /** Runs `task` when a slot is free; `judge` says how the question went, for the adaptive limit. */
  async run<T>(task: () => Promise<T>, judge: (result: T) => Outcome): Promise<T> {
    if (this.active >= Math.floor(this.current)) {
      this.windowSaturated = true;
      // The slot is counted by whoever wakes us (release), so none is lost in between.
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.active++;
    const started = this.adaptive ? performance.now() : 0;
    let outcome: Outcome = 'failure';
    try {
      const result = await task();
      outcome = judge(result);
      return result;
    } finally {
      this.active--;
      if (this.adaptive) this.observe(performance.now() - started, outcome);
      this.release();
    }
  }

  /** Hands free slots to waiting questions, oldest first. */
  private release(): void {
    const limit = Math.floor(this.current);
    while (this.active < limit && this.head < this.queue.length) {
      const wake = this.queue[this.head]!;
      this.head++;
      this.active++;
      wake();
    }
    // Drop the consumed front of the queue now and then (amortised O(1)).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private observe(latencyMs: number, outcome: Outcome): void {
    this.windowDone++;
    this.windowLatency += latencyMs;
    if (outcome === 'failure') this.windowFailures++;
    if (this.windowDone < Math.max(MIN_WINDOW, Math.floor(this.current))) return;
    const mean = this.windowLatency / this.windowDone;
    this.floorMs = Math.min(this.floorMs * FLOOR_DECAY, mean);
    const failing = this.windowFailures / this.windowDone > FAILURE_SHARE_BACKOFF;
    const congested =
      mean > this.floorMs * CONGESTED_LATENCY_FACTOR && mean - this.floorMs > CONGESTION_MARGIN_MS;
    const busy = this.loopBusy() > BUSY_LOOP_UTILIZATION;
    // The limit was in the way: a question waited during the window, or is waiting now (all
    // of a run's questions may have been queued before the window began).
    const saturated = this.windowSaturated || this.head < this.queue.length;
    // Failures always count; latency only when the limit was in the way (questions waited),
    // so a quiet stretch of a run never shrinks it, and only when this process's own event
    // loop had time to read the answers as they came (else the delay is ours).
    if (failing || (saturated && congested && !busy)) {
      this.current = Math.max(ADAPTIVE_MIN, this.current * BACKOFF);
      this.slowStart = false;
    } else if (saturated && (!congested || busy))
      this.current = Math.min(ADAPTIVE_MAX, this.current * (this.slowStart ? SLOW_START_GROWTH : GROWTH));
    this.windowDone = 0;
    this.windowFailures = 0;
    this.windowLatency = 0;
    this.windowSaturated = false;
  }
}
