/**
 * The replayer's process (forked by bench/fleet.ts): replays the distinct questions the fleet
 * run needed (the lab's dump, `TYPE<TAB>name` per line) with the minimal replayer
 * (bench/replayer.ts) and sends one { type: 'result', ... } message (ReplayerPhaseResult).
 * Its own process, so that its CPU and peak RSS are its own; it loads nothing from `src/`.
 */
import { readFileSync } from 'node:fs';
import { parseQuestions, type ReplayResult, replay } from './replayer.js';
import { vmHwm } from './runtime.js';

const PROGRESS_EVERY_MS = 5000;

export interface ReplayerOptions {
  host: string;
  port: number;
  questionsFile: string;
  inFlight: number;
  sockets: number;
  timeoutMs: number;
  tries: number;
  progress: boolean;
}

export interface ReplayerPhaseResult extends ReplayResult {
  type: 'result';
  mode: 'replayer';
  /** User + system CPU of this process over the timed part, ms. */
  cpuMs: number;
  /** Kernel high-water mark of this process's RSS (bytes). */
  peakRss: number;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as ReplayerOptions;
  const questions = parseQuestions(readFileSync(o.questionsFile, 'utf8'));
  let finished = 0;
  const t0 = performance.now();
  const ticker = o.progress
    ? setInterval(() => {
        const s = (performance.now() - t0) / 1000;
        process.stderr.write(
          `  replayer: ${finished}/${questions.length} in ${s.toFixed(0)} s (${(finished / s).toFixed(0)}/s)\n`,
        );
      }, PROGRESS_EVERY_MS)
    : undefined;
  const cpu0 = process.cpuUsage();
  const r = await replay(questions, {
    host: o.host,
    port: o.port,
    inFlight: o.inFlight,
    sockets: o.sockets,
    timeoutMs: o.timeoutMs,
    tries: o.tries,
    onProgress: (n) => {
      finished = n;
    },
  });
  const cpu = process.cpuUsage(cpu0);
  if (ticker) clearInterval(ticker);
  const result: ReplayerPhaseResult = {
    ...r,
    type: 'result',
    mode: 'replayer',
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRss: vmHwm() ?? process.memoryUsage().rss,
  };
  process.send?.(result, () => process.exit(0));
}

if (process.send) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
