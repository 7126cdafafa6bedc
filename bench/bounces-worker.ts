/**
 * Bounce triage benchmark worker (forked by bench/bounces.ts), one process per measured run, so
 * its peak RSS (VmHWM) is the run's own. Modes:
 * - `triage`: `triageBounces(readBounces([file]))`, the library path the bounces command takes,
 *   keeping the default DEFAULT_MAX_BOUNCES classified bounces in the result;
 * - `triage-count`: the same with `maxBounces: 0` (counts, waves and examples only);
 * - `split`: the machine's ceiling for the same I/O: the same file chunks (readBounces' read size)
 *   split into line strings by the readers' own lineBatches, nothing parsed;
 * - `readline`: node:readline over the file, nothing parsed.
 * It sends one BounceRunResult to the parent and exits.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type ReadSummary, readBounces } from '../src/bounce/read/index.js';
import { lineBatches } from '../src/bounce/read/lines.js';
import { type BounceTriage, triageBounces } from '../src/bounce/triage.js';
import type { BounceCategory } from '../src/bounce/types.js';
import { vmHwm } from './runtime.js';

export type BounceRunMode = 'triage' | 'triage-count' | 'split' | 'readline';
export const BOUNCE_RUN_MODES: readonly BounceRunMode[] = ['readline', 'split', 'triage', 'triage-count'];

/** Read size of the ceiling runs: what readBounces reads a file with (src/bounce/read/index.ts). */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface BounceRunOptions {
  file: string;
  mode: BounceRunMode;
  /** Year of the log's RFC 3164 stamps. */
  year: number;
}

export interface BounceRunResult {
  type: 'result';
  mode: BounceRunMode;
  lines: number;
  /** Bounce records read (0 for the ceiling runs). */
  records: number;
  /** Classified bounces kept in the result. */
  kept: number;
  byCategory: Partial<Record<BounceCategory, number>>;
  waves: { provider: string | null; status: string | null; start: string; size: number }[];
  elapsedMs: number;
  /** User + system CPU time of this process during the run. */
  cpuMs: number;
  /** Kernel high-water mark of this process's RSS (bytes); the sampled RSS at the end off Linux. */
  peakRss: number;
  /** RSS before the run (modules loaded). */
  startRss: number;
  /** V8 heap in use after a full collection at the end, the result still held: what the run retains. */
  liveHeap: number;
}

/** A full garbage collection, without starting the worker with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Lines of the file through node:readline (one string per line, one await per line). */
async function readlineCount(file: string): Promise<number> {
  let lines = 0;
  const input = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
  for await (const _line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) lines++;
  return lines;
}

/** Lines of the file as the log reader gets them (lineBatches: one string per line, one await per chunk). */
async function splitCount(file: string): Promise<number> {
  let lines = 0;
  const chunks = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
  for await (const batch of lineBatches(chunks, () => {})) lines += batch.length;
  return lines;
}

/** Runs `o.mode` over `o.file` and measures this process while it does. */
export async function measureBounces(o: BounceRunOptions): Promise<BounceRunResult> {
  const startRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let lines = 0;
  let triage: BounceTriage | undefined;
  if (o.mode === 'readline') lines = await readlineCount(o.file);
  else if (o.mode === 'split') lines = await splitCount(o.file);
  else {
    let summary: ReadSummary | undefined;
    const records = readBounces([o.file], {
      year: o.year,
      onSummary: (s) => {
        summary = s;
      },
    });
    triage = await triageBounces(records, o.mode === 'triage-count' ? { maxBounces: 0 } : {});
    lines = summary?.lines ?? 0;
  }
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakRss = vmHwm() ?? process.memoryUsage().rss;
  collectGarbage();
  const liveHeap = process.memoryUsage().heapUsed;
  return {
    type: 'result',
    mode: o.mode,
    lines,
    records: triage?.summary.total ?? 0,
    kept: triage?.bounces.length ?? 0,
    byCategory: Object.fromEntries(triage?.summary.byCategory.map((c) => [c.category, c.count]) ?? []),
    waves:
      triage?.waves.waves.map((w) => ({
        provider: w.provider,
        status: w.status,
        start: w.start,
        size: w.size,
      })) ?? [],
    elapsedMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRss,
    startRss,
    liveHeap,
  };
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as BounceRunOptions;
  const result = await measureBounces(o);
  process.send?.(result, () => process.exit(0));
}

if (process.send && process.argv[1]?.includes('bounces-worker')) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
