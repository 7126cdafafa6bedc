/**
 * How busy this thread's event loop has been: the share of time it spent running code rather
 * than waiting for I/O. The DNS limit (limiter.ts) reads it to tell its own slowness from the
 * resolver's, and a fleet run (src/fleet/run.ts LoopCap) to stop adding identities the CPU
 * cannot serve.
 */
import { performance } from 'node:perf_hooks';

/**
 * A meter: each call returns the event loop's utilisation (0-1) since the previous call (the
 * first: since the meter was made). One sample is both the end of a window and the start of
 * the next, so no stretch of time is counted twice or missed.
 */
export function loopBusyMeter(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const sample = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(sample, last).utilization;
    last = sample;
    return busy;
  };
}
