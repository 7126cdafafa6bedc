/** Shared pieces of the queue tests: a fleet config over the lab world, worker processes, out-dir readers. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FleetIdentityRow } from '../../../src/fleet/summary.js';
import { makeWorld } from '../world.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'src', 'cli.ts');
/**
 * Keys whose values differ from run to run: timings, and a report's `timing` block (its DNS
 * counters depend on what the shared cache held when the audit ran).
 */
const TIMING_KEYS = /^(timing|durationMs|elapsedMs|generatedAt|measuredAt|checkedAt|startedAt|finishedAt)$/;

export function writeConfig(dir: string, count: number): string {
  const path = join(dir, `fleet-${count}.yaml`);
  writeFileSync(path, stringify({ identities: makeWorld(count).identities }));
  return path;
}

export function readRows(outDir: string): FleetIdentityRow[] {
  const path = join(outDir, 'results.ndjson');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as FleetIdentityRow];
      } catch {
        return [];
      }
    });
}

export function reportFiles(outDir: string): string[] {
  try {
    return readdirSync(join(outDir, 'reports'))
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
}

/** A value with every timing field replaced, for comparing two runs. */
export function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, TIMING_KEYS.test(k) ? '<timing>' : withoutTimings(v)]),
    );
  return value;
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** The CLI as a separate process (a worker or a coordinator on "another machine"). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(TSX, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Waits until `ready()` or the deadline; returns whether it became true. */
export async function waitFor(ready: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Every key of `rows` exactly once, and the set of keys equal to `expected`. */
export function keysOnce(rows: readonly FleetIdentityRow[]): { keys: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const r of rows) {
    if (seen.has(r.key)) duplicates.push(r.key);
    seen.add(r.key);
  }
  return { keys: [...seen].sort(), duplicates };
}

/** `mail-preflight worker` arguments against the lab, no SMTP, plus `extra`. */
export function workerArgs(url: string, resolver: string, ...extra: string[]): string[] {
  return ['worker', '--queue', url, '--resolver', resolver, '--no-smtp', ...extra];
}
