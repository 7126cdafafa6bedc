/**
 * Queue benchmark: `npx tsx bench/queue.ts --identities 1000 --latency 20-50 --workers 1,2,4
 * [--concurrency 32] [--seed 1] [--json]`
 *
 * A redis-server of its own (loopback, a free port, no persistence) and the benchmark lab
 * (bench/lab-child.ts: the seeded world, each DNS reply delayed by --latency) in their own
 * processes; then:
 * 1. local: runFleet in this process, one probe, `--concurrency` identities at once (the
 *    single-machine path), as the reference;
 * 2. for each W of --workers: W `mail-preflight worker` processes (each `--concurrency`, its
 *    own probe and cache), started and connected before the clock starts, and the coordinator
 *    (runFleet with the queue auditor) in this process.
 * DNS checks only (spf, dmarc, dkim, ptr, mx), known selectors, no SMTP, as bench/fleet.ts.
 *
 * Figures: identities/s (wall time of the run); Redis commands and Redis CPU per identity (from
 * INFO commandstats, reset before each run); the coordinator's CPU per identity (this process);
 * and the queue's wall overhead per identity against the local run at the same concurrency.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { FleetIdentity } from '../src/fleet/config.js';
import { identityKey } from '../src/fleet/key.js';
import { redisTargetOf } from '../src/fleet/queue/connection.js';
import { queueAuditor } from '../src/fleet/queue/coordinator.js';
import { runFleet } from '../src/fleet/run.js';
import { createDnsProbe } from '../src/probe/index.js';
import { normalizeTarget } from '../src/target.js';
import { childRuntime } from './runtime.js';
import { DNS_CHECKS } from './worker.js';
import { planWorld } from './world.js';

/** How long a worker process may take to start and connect. */
const WORKER_START_TIMEOUT_MS = 60_000;
const REDIS_START_TIMEOUT_MS = 10_000;

const { values } = parseArgs({
  options: {
    identities: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20-50' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '32' },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.identities);
const CONCURRENCY = Number(values.concurrency);
const WORKER_COUNTS = values.workers.split(',').map(Number);
const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const runtime = childRuntime();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startRedis(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      probe.disconnect();
      return { url, child, dir };
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function startLab(): Promise<{ child: ChildProcess; host: string; port: number }> {
  const child = fork(join(runtime.dir, `lab-child${runtime.ext}`), [String(N), values.seed, values.latency], {
    execArgv: runtime.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { host: string; port: number }) =>
      resolve({ child, host: m.host, port: m.port }),
    );
    child.once('exit', (code) => reject(new Error(`lab exited with ${code}`)));
  });
}

/** W worker processes, resolved once each has connected to Redis. */
async function startWorkers(count: number, url: string, resolver: string): Promise<ChildProcess[]> {
  const cli =
    runtime.kind === 'compiled'
      ? { cmd: process.execPath, args: [join(root, 'dist', 'src', 'cli.js')] }
      : { cmd: join(root, 'node_modules', '.bin', 'tsx'), args: [join(root, 'src', 'cli.ts')] };
  const args = [
    'worker',
    '--queue',
    url,
    '--resolver',
    resolver,
    '--no-smtp',
    '--concurrency',
    String(CONCURRENCY),
  ];
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(cli.cmd, [...cli.args, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      return new Promise<ChildProcess>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('a worker did not connect')),
          WORKER_START_TIMEOUT_MS,
        );
        child.stderr?.on('data', (d: Buffer) => {
          if (d.toString().includes('connected to')) {
            clearTimeout(timer);
            resolve(child);
          }
        });
      });
    }),
  );
}

function identities(): FleetIdentity[] {
  return planWorld(N, Number(values.seed)).identities.map((id) => {
    const target = normalizeTarget(id.target);
    return { key: identityKey(target), target, file: 'bench-world', line: id.index + 1 };
  });
}

/** Calls and CPU (µs) Redis spent on commands since the last reset. */
async function redisCommandStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const info = await redis.info('commandstats');
  let calls = 0;
  let usec = 0;
  for (const m of info.matchAll(/calls=(\d+),usec=(\d+)/g)) {
    calls += Number(m[1]);
    usec += Number(m[2]);
  }
  return { calls, usec };
}

interface Row {
  mode: string;
  workers: number;
  identities: number;
  seconds: number;
  perSecond: number;
  redisCallsPerIdentity?: number;
  redisCpuMsPerIdentity?: number;
  coordinatorCpuMsPerIdentity: number;
  /** DNS packets sent per identity, over every probe (each worker has its own cache). */
  dnsSentPerIdentity: number;
  perWorker?: { id: string; identities: number; identitiesPerSecond: number }[];
}

async function main(): Promise<void> {
  const [redis, lab] = await Promise.all([startRedis(), startLab()]);
  const admin = new Redis(redis.url);
  const resolver = `${lab.host}:${lab.port}`;
  const ids = identities();
  const rows: Row[] = [];
  const work = mkdtempSync(join(tmpdir(), 'mp-bench-queue-'));
  try {
    {
      const probe = createDnsProbe({
        servers: [{ host: lab.host, port: lab.port }],
        timeoutMs: 2000,
        tries: 2,
      });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const { summary } = await runFleet(ids, {
        outDir: join(work, 'local'),
        probe,
        concurrency: CONCURRENCY,
        checks: DNS_CHECKS,
        baseline: false,
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      probe.close();
      rows.push({
        mode: 'local',
        workers: 1,
        identities: N,
        seconds,
        perSecond: N / seconds,
        coordinatorCpuMsPerIdentity: (cpu.user + cpu.system) / 1000 / N,
        dnsSentPerIdentity: summary.dns.queriesSent / N,
      });
    }
    for (const count of WORKER_COUNTS) {
      const workers = await startWorkers(count, redis.url, resolver);
      await admin.config('RESETSTAT');
      const outDir = join(work, `queue-${count}`);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const { summary } = await runFleet(ids, {
        outDir,
        checks: DNS_CHECKS,
        baseline: false,
        auditor: queueAuditor({
          redis: redisTargetOf(redis.url, {}),
          outDir,
          concurrency: CONCURRENCY,
          checks: DNS_CHECKS,
        }),
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const stats = await redisCommandStats(admin);
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(
        workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))),
      );
      rows.push({
        mode: 'queue',
        workers: count,
        identities: summary.totals.done,
        seconds,
        perSecond: N / seconds,
        redisCallsPerIdentity: stats.calls / N,
        redisCpuMsPerIdentity: stats.usec / 1000 / N,
        coordinatorCpuMsPerIdentity: (cpu.user + cpu.system) / 1000 / N,
        dnsSentPerIdentity: summary.dns.queriesSent / N,
        perWorker: summary.workers ?? [],
      });
    }
  } finally {
    admin.disconnect();
    lab.child.send({ type: 'stop' });
    redis.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
    rmSync(redis.dir, { recursive: true, force: true });
  }
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ identities: N, latency: values.latency, concurrency: CONCURRENCY, rows }, null, 2)}\n`,
    );
    return;
  }
  const local = rows[0] as Row;
  process.stdout.write(
    `queue benchmark: ${N} identities, lab latency ${values.latency} ms, ${CONCURRENCY} identities at once per process, ` +
      `DNS checks only; workers run ${runtime.kind === 'compiled' ? 'dist/src/cli.js' : 'src/cli.ts through tsx'}\n`,
  );
  process.stdout.write(
    'mode     workers  ident./s  wall s  DNS sent/id  redis cmds/id  redis CPU ms/id  coord. CPU ms/id  overhead ms/id\n',
  );
  for (const r of rows) {
    const overhead =
      r.mode === 'queue' && r.workers === 1 ? ((r.seconds - local.seconds) * 1000) / N : undefined;
    process.stdout.write(
      `${r.mode.padEnd(8)} ${String(r.workers).padStart(7)}  ${r.perSecond.toFixed(1).padStart(8)}  ${r.seconds.toFixed(1).padStart(6)}  ${r.dnsSentPerIdentity.toFixed(1).padStart(11)}  ` +
        `${(r.redisCallsPerIdentity?.toFixed(1) ?? '-').padStart(13)}  ${(r.redisCpuMsPerIdentity?.toFixed(3) ?? '-').padStart(15)}  ` +
        `${r.coordinatorCpuMsPerIdentity.toFixed(2).padStart(16)}  ${(overhead?.toFixed(2) ?? '-').padStart(14)}\n`,
    );
    for (const w of r.perWorker ?? [])
      process.stdout.write(`           ${w.id}: ${w.identities} identities, ${w.identitiesPerSecond}/s\n`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
