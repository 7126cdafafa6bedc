/**
 * One fleet over several worker processes through a real redis-server (started by the test on
 * loopback): the same out-dir as a local run, nothing lost or doubled when a worker or the
 * coordinator is killed outright.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSummary } from '../../../reports/schema.js';
import { main } from '../../../src/cli.js';
import { redisTargetOf } from '../../../src/fleet/queue/connection.js';
import { runQueueWorker } from '../../../src/fleet/queue/worker.js';
import type { FleetSummary } from '../../../src/fleet/summary.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { makeWorld } from '../world.js';
import {
  keysOnce,
  readRows,
  reportFiles,
  spawnCli,
  waitFor,
  withoutTimings,
  workerArgs,
  writeConfig,
} from './helpers.js';
import { type RedisHandle, startRedis } from './redis.js';

const COUNT = 20;
const SLOW_COUNT = 16;
/** Short locks: a killed process's jobs go to another within about a second. */
const LOCK_MS = '1000';
let redis: RedisHandle;
let lab: LabHandle;
let slowLab: LabHandle;
let root: string;

beforeAll(async () => {
  [redis, lab, slowLab] = await Promise.all([
    startRedis(),
    startLab(makeWorld(COUNT).zone),
    // Slow answers, so a kill lands in the middle of audits.
    startLab(makeWorld(SLOW_COUNT).zone, { latencyMs: 20 }),
  ]);
  root = mkdtempSync(join(tmpdir(), 'mp-queue-'));
});
afterAll(async () => {
  await Promise.all([redis.stop(), lab.stop(), slowLab.stop()]);
  rmSync(root, { recursive: true, force: true });
});

function quietIo() {
  let text = '';
  const write = (s: string) => {
    text += s;
  };
  return { io: { stdout: write, stderr: write, isTty: false, env: {} }, text: () => text };
}

function readSummary(dir: string): FleetSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as FleetSummary;
}

describe('fleet --queue over worker processes', () => {
  it('three worker processes give the local run’s reports, rows and summary (timings apart)', async () => {
    const config = writeConfig(root, COUNT);
    const resolver = `${lab.host}:${lab.port}`;
    const common = ['--config', config, '--no-smtp', '--no-baseline', '--quiet'];
    const workers = [0, 1, 2].map(() => spawnCli(workerArgs(redis.url, resolver, '--idle-exit', '2')));
    const queueDir = join(root, 'queued');
    const code = await main(['fleet', ...common, '--out-dir', queueDir, '--queue', redis.url], quietIo().io);
    // The local run goes on while the idle workers wind down.
    const localDir = join(root, 'local');
    const localCode = await main(
      ['fleet', ...common, '--resolver', resolver, '--out-dir', localDir],
      quietIo().io,
    );
    const exits = await Promise.all(workers.map((w) => w.exited));

    expect(code).toBe(localCode);
    expect(exits).toEqual([0, 0, 0]);
    expect(reportFiles(queueDir)).toEqual(reportFiles(localDir));
    expect(reportFiles(queueDir)).toHaveLength(COUNT);
    for (const f of reportFiles(localDir)) {
      const a = JSON.parse(readFileSync(join(localDir, 'reports', f), 'utf8'));
      const b = JSON.parse(readFileSync(join(queueDir, 'reports', f), 'utf8'));
      expect(withoutTimings(b), f).toEqual(withoutTimings(a));
    }
    const byKey = (rows: ReturnType<typeof readRows>) =>
      withoutTimings([...rows].sort((x, y) => (x.key < y.key ? -1 : 1)));
    expect(byKey(readRows(queueDir))).toEqual(byKey(readRows(localDir)));
    const [s1, s2] = [readSummary(localDir), readSummary(queueDir)];
    expect(validateSummary(s2).errors).toEqual([]);
    expect(s2.totals).toEqual(s1.totals);
    expect(withoutTimings(s2.identities)).toEqual(withoutTimings(s1.identities));
    // Per-worker throughput: every identity came from one of the three processes (hostname:pid).
    expect(s1.workers).toBeUndefined();
    expect(s2.workers?.reduce((n, w) => n + w.identities, 0)).toBe(COUNT);
    expect(s2.workers?.length).toBeLessThanOrEqual(3);
    for (const w of s2.workers ?? []) {
      expect(w.id).toMatch(/^.+:\d+$/);
      expect(w.identitiesPerSecond).toBeGreaterThan(0);
    }
  }, 60_000);

  it('a worker killed with SIGKILL mid-run: another takes its jobs, every identity is in results.ndjson exactly once', async () => {
    const config = writeConfig(root, SLOW_COUNT);
    const resolver = `${slowLab.host}:${slowLab.port}`;
    const dir = join(root, 'worker-killed');
    const doomed = spawnCli(
      workerArgs(redis.url, resolver, '--concurrency', '3', '--lock-duration', LOCK_MS),
    );
    const coordinator = main(
      ['fleet', '--config', config, '--no-smtp', '--no-baseline', '--quiet', '--out-dir', dir].concat([
        '--queue',
        redis.url,
        '--lock-duration',
        LOCK_MS,
      ]),
      quietIo().io,
    );
    expect(await waitFor(() => readRows(dir).length >= 3, 30_000)).toBe(true);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const before = readRows(dir).length;
    expect(before).toBeLessThan(SLOW_COUNT);
    const survivor = await runQueueWorker({
      redis: redisTargetOf(redis.url, {}),
      concurrency: 4,
      probeOptions: { resolvers: [resolver], noSmtp: true },
      lockDurationMs: Number(LOCK_MS),
      idleExitMs: 2000,
    });
    const code = await coordinator;
    expect([0, 1]).toContain(code);
    const rows = readRows(dir);
    const { keys, duplicates } = keysOnce(rows);
    expect(duplicates).toEqual([]);
    expect(keys).toHaveLength(SLOW_COUNT);
    expect(reportFiles(dir)).toHaveLength(SLOW_COUNT);
    expect(survivor.audited).toBeGreaterThan(0);
    const summary = readSummary(dir);
    expect(summary.workers?.reduce((n, w) => n + w.identities, 0)).toBe(SLOW_COUNT);
    expect(summary.run.complete).toBe(true);
    expect(summary.totals.done).toBe(SLOW_COUNT);
  }, 60_000);

  it('a coordinator killed with SIGKILL and started again with the same out-dir finishes the run, the run id reused', async () => {
    const config = writeConfig(root, SLOW_COUNT);
    const resolver = `${slowLab.host}:${slowLab.port}`;
    const dir = join(root, 'coordinator-killed');
    const args = ['fleet', '--config', config, '--no-smtp', '--no-baseline', '--quiet', '--out-dir', dir];
    const queueArgs = ['--queue', redis.url, '--lock-duration', LOCK_MS];
    const stop = new AbortController();
    const worker = runQueueWorker({
      redis: redisTargetOf(redis.url, {}),
      concurrency: 3,
      probeOptions: { resolvers: [resolver], noSmtp: true },
      lockDurationMs: Number(LOCK_MS),
      signal: stop.signal,
    });
    const first = spawnCli([...args, ...queueArgs]);
    expect(await waitFor(() => readRows(dir).length >= 3, 30_000)).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    const runId = JSON.parse(readFileSync(join(dir, 'queue-run.json'), 'utf8')).runId;
    const finishedBefore = reportFiles(dir).length;
    expect(finishedBefore).toBeLessThan(SLOW_COUNT);

    const code = await main([...args, ...queueArgs], quietIo().io);
    stop.abort();
    await worker;
    expect([0, 1]).toContain(code);
    expect(JSON.parse(readFileSync(join(dir, 'queue-run.json'), 'utf8')).runId).toBe(runId);
    const { keys, duplicates } = keysOnce(readRows(dir));
    expect(duplicates).toEqual([]);
    expect(keys).toHaveLength(SLOW_COUNT);
    const summary = readSummary(dir);
    expect(summary.run.complete).toBe(true);
    expect(summary.run.resumed).toBeGreaterThanOrEqual(finishedBefore);
    expect(summary.totals.done).toBe(SLOW_COUNT);
    // ~42 s alone on a quiet machine (the restarted coordinator's recovery rounds); a loaded CI
    // machine needs more.
  }, 150_000);
});
