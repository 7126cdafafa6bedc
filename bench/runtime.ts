/**
 * How the benchmarks run their measured children: the compiled JavaScript in dist/bench (what
 * users run; tsx costs ~36 MB of RSS more) when it is current, else TypeScript through tsx; and
 * how a child reads its own peak RSS.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;

/** How the children run: compiled JavaScript (what users run) or TypeScript through tsx. */
export interface ChildRuntime {
  kind: 'compiled' | 'tsx';
  dir: string;
  ext: '.js' | '.ts';
  /** Node flags of the children besides --node-flags (tsx's loader, or none). */
  execArgv: string[];
  /** Why tsx runs when it does (no dist/, or dist/ older than the sources). */
  note?: string;
}

/** Newest modification time (ms) of the .ts files under `dirs` (bounded walk). */
function newestSourceMtime(dirs: readonly string[]): number {
  let newest = 0;
  let budget = 20_000;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (--budget < 0) return;
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (name.endsWith('.ts')) newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of dirs) walk(d);
  return newest;
}

/**
 * Compiled JavaScript when this file runs compiled, or when dist/bench (built by
 * `npm run build`) exists and is not older than the sources; else tsx, as this process runs.
 */
export function childRuntime(worker = 'worker'): ChildRuntime {
  if (import.meta.url.endsWith('.js')) return { kind: 'compiled', dir: here, ext: '.js', execArgv: [] };
  const root = join(here, '..');
  const dist = join(root, 'dist', 'bench');
  const tsx: ChildRuntime = { kind: 'tsx', dir: here, ext: '.ts', execArgv: [...process.execArgv] };
  if (!existsSync(join(dist, `${worker}.js`))) return { ...tsx, note: 'no dist/bench: run npm run build' };
  const built = statSync(join(dist, `${worker}.js`)).mtimeMs;
  const sources = newestSourceMtime(['src', 'checks', 'reports', 'bench'].map((d) => join(root, d)));
  if (sources > built) return { ...tsx, note: 'dist/ is older than the sources: run npm run build' };
  return { kind: 'compiled', dir: dist, ext: '.js', execArgv: [] };
}

/** Peak RSS in bytes from /proc/self/status (VmHWM), or undefined off Linux. */
export function vmHwm(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
