/** A fleet run killed outright (SIGKILL, no chance to clean up), then resumed. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateReport, validateSummary } from '../../reports/schema.js';
import { main } from '../../src/cli.js';
import type { FleetSummary } from '../../src/fleet/summary.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { makeWorld } from './world.js';

const COUNT = 20;
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'src', 'cli.ts');
let lab: LabHandle;
let root: string;

beforeAll(async () => {
  // Slow answers, so the kill lands in the middle of the run.
  lab = await startLab(makeWorld(COUNT).zone, { latencyMs: 40 });
  root = mkdtempSync(join(tmpdir(), 'mp-fleet-kill-'));
});
afterAll(async () => {
  await lab.stop();
  rmSync(root, { recursive: true, force: true });
});

function reportsIn(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'reports')).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}

describe('fleet run killed with SIGKILL', () => {
  it('leaves only whole reports, and a second run finishes the rest without rewriting them', async () => {
    const config = join(root, 'fleet.yaml');
    writeFileSync(config, stringify({ identities: makeWorld(COUNT).identities }));
    const dir = join(root, 'out');
    const args = ['fleet', '--config', config, '--out-dir', dir, '--resolver', `${lab.host}:${lab.port}`];
    const child = spawn(TSX, [CLI, ...args, '--no-smtp', '--quiet', '--concurrency', '2'], {
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (reportsIn(dir).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await exited;
    const finished = reportsIn(dir);
    expect(finished.length).toBeGreaterThanOrEqual(4);
    expect(finished.length).toBeLessThan(COUNT);
    for (const f of finished)
      expect(validateReport(JSON.parse(readFileSync(join(dir, 'reports', f), 'utf8'))).errors).toEqual([]);
    const mtimes = new Map(finished.map((f) => [f, statSync(join(dir, 'reports', f)).mtimeMs]));

    lab.server.queries.length = 0;
    const out: string[] = [];
    const io = { stdout: (s: string) => out.push(s), stderr: () => {}, isTty: false, env: {} };
    const code = await main([...args, '--no-smtp', '--quiet', '--concurrency', '8'], io);
    expect([0, 1]).toContain(code);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as FleetSummary;
    expect(validateSummary(summary).errors).toEqual([]);
    expect(summary.run.complete).toBe(true);
    expect(summary.run.resumed).toBe(finished.length);
    expect(summary.totals.done).toBe(COUNT);
    expect(reportsIn(dir)).toHaveLength(COUNT);
    for (const [f, m] of mtimes) expect(statSync(join(dir, 'reports', f)).mtimeMs).toBe(m);
    expect(out.join('')).toContain(`${finished.length} resumed`);
  }, 90_000);
});
