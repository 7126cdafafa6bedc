/**
 * Redis restarting mid-run (SIGKILL, then a new redis-server on the same port): with an
 * append-only file the queue survives; without persistence the coordinator finds its jobs
 * gone and enqueues them again. Either way every identity ends in results.ndjson exactly
 * once. A Redis that never comes back ends the run incomplete, saying how many are missing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';
import { parseFleetConfig } from '../../../src/fleet/config.js';
import { redisTargetOf } from '../../../src/fleet/queue/connection.js';
import { queueAuditor } from '../../../src/fleet/queue/coordinator.js';
import { runQueueWorker } from '../../../src/fleet/queue/worker.js';
import { runFleet } from '../../../src/fleet/run.js';
import type { FleetSummary } from '../../../src/fleet/summary.js';
import { type LabHandle, startLab } from '../../../src/lab/index.js';
import { makeWorld } from '../world.js';
import { keysOnce, readRows, spawnCli, waitFor, workerArgs, writeConfig } from './helpers.js';
import { startRedis } from './redis.js';

const COUNT = 12;
const LOCK_MS = 1000;
let lab: LabHandle;
let root: string;

beforeAll(async () => {
  lab = await startLab(makeWorld(COUNT).zone, { latencyMs: 20 });
  root = mkdtempSync(join(tmpdir(), 'mp-queue-redis-'));
});
afterAll(async () => {
  await lab.stop();
  rmSync(root, { recursive: true, force: true });
});

async function restartMidRun(persist: boolean): Promise<void> {
  const dir = join(root, persist ? 'aof' : 'memory');
  let redis = await startRedis({ persist });
  const target = redisTargetOf(redis.url, {});
  const identities = parseFleetConfig(
    readFileSync(writeConfig(root, COUNT), 'utf8'),
    'fleet.yaml',
  ).identities;
  const stop = new AbortController();
  const worker = runQueueWorker({
    redis: target,
    concurrency: 2,
    probeOptions: { resolvers: [`${lab.host}:${lab.port}`], noSmtp: true },
    lockDurationMs: LOCK_MS,
    signal: stop.signal,
  });
  const events: string[] = [];
  const run = runFleet(identities, {
    outDir: dir,
    baseline: false,
    auditor: queueAuditor({
      redis: target,
      outDir: dir,
      concurrency: 2,
      lockDurationMs: LOCK_MS,
      reconcileMs: 500,
      redisLostMs: 30_000,
      onEvent: (e) => events.push(e),
    }),
  });
  try {
    expect(await waitFor(() => readRows(dir).length >= 3, 30_000)).toBe(true);
    await redis.kill();
    const missed = readRows(dir).length;
    expect(missed).toBeLessThan(COUNT);
    await new Promise((r) => setTimeout(r, 300));
    redis = await startRedis({ persist, port: redis.port, dir: persist ? redis.dir : undefined });
    const result = await run;
    expect(result.aborted).toBe(false);
    expect(result.stopped).toBeUndefined();
    const { keys, duplicates } = keysOnce(readRows(dir));
    expect(duplicates).toEqual([]);
    expect(keys).toEqual(identities.map((i) => i.key).sort());
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as FleetSummary;
    expect(summary.run.complete).toBe(true);
    expect(summary.totals.error).toBe(0);
    if (!persist) expect(events.join('\n')).toMatch(/vanished from the queue/);
  } finally {
    stop.abort();
    await worker;
    await redis.stop();
  }
}

describe('Redis restarting in the middle of a queue run', () => {
  it('with an append-only file: the queue survives and the run completes, every identity once', async () => {
    await restartMidRun(true);
  }, 45_000);

  it('without persistence: the vanished jobs are enqueued again and the run completes, every identity once', async () => {
    await restartMidRun(false);
  }, 45_000);

  it('Redis gone for good: the run ends incomplete, non-zero, saying how many identities are missing', async () => {
    const redis = await startRedis();
    const config = writeConfig(root, COUNT);
    const dir = join(root, 'gone');
    const worker = spawnCli(workerArgs(redis.url, `${lab.host}:${lab.port}`, '--concurrency', '1'));
    let stderr = '';
    const io = {
      stdout: () => {},
      stderr: (s: string) => {
        stderr += s;
      },
      isTty: false,
      env: {},
    };
    try {
      const args = ['fleet', '--config', config, '--out-dir', dir, '--no-smtp', '--no-baseline', '--quiet'];
      const coordinator = main([...args, '--queue', redis.url, '--queue-timeout', '1'], io);
      expect(await waitFor(() => readRows(dir).length >= 2, 30_000)).toBe(true);
      await redis.kill();
      const code = await coordinator;
      const done = readRows(dir).length;
      expect(done).toBeLessThan(COUNT);
      expect(code).not.toBe(0);
      expect(stderr).toContain(`lost the queue's Redis (redis://127.0.0.1:${redis.port}/0)`);
      expect(stderr).toContain(`${COUNT - done} identities not audited`);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as FleetSummary;
      expect(summary.run.complete).toBe(false);
      expect(summary.totals.done).toBe(done);
    } finally {
      worker.child.kill('SIGKILL');
      await worker.exited;
      await redis.stop();
    }
  }, 45_000);
});
