/**
 * A fleet run on audit threads (--threads): the same reports as on one thread, results written
 * by the run's thread, DNS counters summed over the threads, each shared name asked once per
 * thread at most; an abort stops every thread; SMTP politeness divided between the threads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateSummary } from '../../reports/schema.js';
import { main } from '../../src/cli.js';
import { parseFleetConfig } from '../../src/fleet/config.js';
import { runFleet } from '../../src/fleet/run.js';
import { threadProbeOptions } from '../../src/fleet/threads.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { createDnsProbe } from '../../src/probe/index.js';
import { ESP_INCLUDE, makeWorld } from './world.js';

const COUNT = 24;
let lab: LabHandle;
let root: string;

beforeAll(async () => {
  lab = await startLab(makeWorld(COUNT).zone);
  root = mkdtempSync(join(tmpdir(), 'mp-fleet-threads-'));
});
afterAll(async () => {
  await lab.stop();
  rmSync(root, { recursive: true, force: true });
});

const identities = () =>
  parseFleetConfig(stringify({ identities: makeWorld(COUNT).identities }), 'threads.yaml').identities;
const probeOptions = () => ({
  resolvers: [`${lab.host}:${lab.port}`],
  timeoutMs: 2000,
  tries: 2,
  noSmtp: true,
});

/** A report without what differs from run to run (timings, the DNS statistics). */
function comparable(dir: string, file: string): unknown {
  const report = JSON.parse(readFileSync(join(dir, 'reports', file), 'utf8'));
  return JSON.parse(
    JSON.stringify(report, (key, value) => (/(?:At|Ms)$/.test(key) || key === 'dns' ? undefined : value)),
  );
}

describe('fleet run on audit threads', () => {
  it('2 threads write the same reports as 1; counters are summed; a shared name is asked at most once per thread', async () => {
    const one = join(root, 'one');
    const two = join(root, 'two');
    await runFleet(identities(), { outDir: one, probeOptions: probeOptions(), baseline: false });
    lab.server.queries.length = 0;
    const result = await runFleet(identities(), {
      outDir: two,
      probeOptions: probeOptions(),
      baseline: false,
      threads: 2,
    });
    expect(result.aborted).toBe(false);
    const { summary } = result;
    expect(validateSummary(summary)).toEqual({ valid: true, errors: [] });
    expect(summary.totals).toMatchObject({ identities: COUNT, done: COUNT, error: 0 });
    const files = readdirSync(join(two, 'reports')).sort();
    expect(files).toEqual(readdirSync(join(one, 'reports')).sort());
    for (const f of files) expect(comparable(two, f)).toEqual(comparable(one, f));
    // The threads' counters, summed: every query the lab saw was counted.
    expect(summary.dns.queriesSent).toBe(lab.server.queries.length);
    const asked = (name: string, type: string) =>
      lab.server.queries.filter((q) => q.name === name && q.type === type).length;
    expect(asked(ESP_INCLUDE, 'TXT')).toBeGreaterThanOrEqual(1);
    expect(asked(ESP_INCLUDE, 'TXT')).toBeLessThanOrEqual(2);
    // Each thread's share, in the summary's workers.
    expect(summary.workers?.map((w) => [w.id, w.identities])).toEqual([
      ['thread 1', COUNT / 2],
      ['thread 2', COUNT / 2],
    ]);
  });

  it('an abort stops every thread: the run ends incomplete, and a second run finishes the rest', async () => {
    const dir = join(root, 'abort');
    const controller = new AbortController();
    const first = await runFleet(identities(), {
      outDir: dir,
      probeOptions: probeOptions(),
      baseline: false,
      threads: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 4) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    expect(first.summary.totals.done).toBeLessThan(COUNT);
    const second = await runFleet(identities(), {
      outDir: dir,
      probeOptions: probeOptions(),
      baseline: false,
      threads: 2,
    });
    expect(second.summary.totals).toMatchObject({ identities: COUNT, done: COUNT });
    expect(second.summary.run.resumed).toBe(first.summary.totals.done);
  });

  it('SMTP politeness is divided: 1/N of the connections per network (at least 1), N times the gap', () => {
    expect(threadProbeOptions({}, 2)).toMatchObject({ smtpPerNetwork: 1, smtpGapMs: 200 });
    expect(threadProbeOptions({ smtpPerNetwork: 8, smtpGapMs: 50, smtpConcurrency: 32 }, 4)).toMatchObject({
      smtpPerNetwork: 2,
      smtpGapMs: 200,
      smtpConcurrency: 8,
    });
    expect(() => threadProbeOptions({ smtpAllow: () => true }, 2)).toThrow(/smtpAllow/);
  });

  it('threads take no given probe (each makes its own); 0 threads is refused', async () => {
    await expect(
      runFleet(identities(), {
        outDir: join(root, 'bad'),
        probeOptions: probeOptions(),
        threads: 0,
        baseline: false,
      }),
    ).rejects.toThrow(/threads must be/);
    await expect(
      runFleet(identities(), {
        outDir: join(root, 'bad2'),
        probe: createDnsProbe({ servers: [{ host: lab.host, port: lab.port }] }),
        threads: 2,
        baseline: false,
      }),
    ).rejects.toThrow(/each thread makes its own probe/);
  });

  it('CLI: threads from the config (threads: 2) or --threads; --threads with --queue is a usage error', async () => {
    const config = join(root, 'threads.yaml');
    writeFileSync(config, stringify({ threads: 2, identities: makeWorld(6).identities }));
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      isTty: false,
      env: {},
    };
    const dir = join(root, 'cli');
    const args = ['fleet', '--config', config, '--out-dir', dir, '--resolver', `${lab.host}:${lab.port}`];
    await main([...args, '--no-smtp', '--no-baseline', '--quiet'], io);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.totals).toMatchObject({ identities: 6, done: 6 });
    expect(summary.workers.map((w: { id: string }) => w.id)).toEqual(['thread 1', 'thread 2']);
    const code = await main([...args, '--threads', '2', '--queue', 'redis://127.0.0.1:1'], io);
    expect(code).toBe(64);
    expect(err.join('')).toContain('--threads is for a local run');
  });
});
