/**
 * A fleet run without --concurrency: identities in flight follow the probe's DNS load
 * (src/fleet/run.ts `admission`), and the reports are the same as a run with a fixed number.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseFleetConfig } from '../../src/fleet/config.js';
import { ADAPTIVE_MAX_IDENTITIES, ADAPTIVE_MIN_IDENTITIES, runFleet } from '../../src/fleet/run.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { createDnsProbe } from '../../src/probe/index.js';
import type { Probe } from '../../src/probe/types.js';
import { makeWorld } from './world.js';

const COUNT = 60;
/** The lab shares this process with the fleet: a loaded CI machine needs time. */
const SLOW_MS = 90_000;
let lab: LabHandle;
let root: string;

beforeAll(async () => {
  lab = await startLab(makeWorld(COUNT).zone, { latencyMs: [5, 15] });
  root = mkdtempSync(join(tmpdir(), 'mp-fleet-adaptive-'));
});
afterAll(async () => {
  await lab.stop();
  rmSync(root, { recursive: true, force: true });
});

const probe = (concurrency?: number) =>
  createDnsProbe({
    servers: [{ host: lab.host, port: lab.port }],
    timeoutMs: 2000,
    tries: 2,
    ...(concurrency !== undefined ? { concurrency } : {}),
  });

/** Every report of a run, with the fields that differ between runs (timings) removed. */
function reportsOf(dir: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const f of readdirSync(join(dir, 'reports'))) {
    const text = readFileSync(join(dir, 'reports', f), 'utf8')
      .replace(/"(durationMs|generatedAt|startedAt|finishedAt)": [^,\n]+/g, '"$1": 0')
      .replace(/"timing": \{[^}]*\}/g, '"timing": {}')
      .replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"<time>"');
    out.set(f, text);
  }
  return out;
}

describe('fleet: adaptive identities in flight', () => {
  it(
    'without --concurrency, more identities than the minimum run at once, paced by DNS; reports equal a fixed run',
    async () => {
      const adaptiveDir = join(root, 'adaptive');
      const adaptive = await runFleet(identities(), { outDir: adaptiveDir, probe: probe() });
      expect(adaptive.summary.totals).toMatchObject({ identities: COUNT, done: COUNT, error: 0 });
      // summary.run.concurrency is the peak of identities in flight in an adaptive run.
      expect(adaptive.summary.run.concurrency).toBeGreaterThan(ADAPTIVE_MIN_IDENTITIES);
      expect(adaptive.summary.run.concurrency).toBeLessThanOrEqual(ADAPTIVE_MAX_IDENTITIES);

      const fixedDir = join(root, 'fixed');
      const fixed = await runFleet(identities(), {
        outDir: fixedDir,
        probe: probe(32),
        concurrency: 8,
      });
      expect(fixed.summary.run.concurrency).toBe(8);
      expect(reportsOf(adaptiveDir)).toEqual(reportsOf(fixedDir));
    },
    SLOW_MS,
  );

  it(
    'a probe that reports no DNS load (a test fake) gets at most the old default of identities at once',
    async () => {
      const real = probe();
      let inFlight = 0;
      let peak = 0;
      const counting: Probe = {
        counters: () => real.counters(),
        dns: {
          query: async (name, type, options) => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            try {
              return await real.dns.query(name, type, options);
            } finally {
              inFlight--;
            }
          },
        },
      };
      const result = await runFleet(identities(), {
        outDir: join(root, 'fake'),
        probe: counting,
      });
      expect(result.summary.totals.done).toBe(COUNT);
      expect(result.summary.run.concurrency).toBeLessThanOrEqual(32);
      expect(peak).toBeGreaterThan(0);
      real.close();
    },
    SLOW_MS,
  );
});

/** The world's identities as a fleet config gives them. */
function identities() {
  return parseFleetConfig(stringify({ identities: makeWorld(COUNT).identities }), 'world.yaml').identities;
}

describe('fleet: --dns-concurrency', () => {
  it('fixes the DNS limit of the run (the config key dnsConcurrency too); without it the limit adapts', async () => {
    const { parseFleetConfig: parse } = await import('../../src/fleet/config.js');
    expect(parse('dnsConcurrency: 300\nidentities: [a.example]\n', 'f.yaml').dnsConcurrency).toBe(300);
    expect(() => parse('dnsConcurrency: 0\nidentities: [a.example]\n', 'f.yaml')).toThrow(/dnsConcurrency/);
    const fixed = probe(7);
    expect(fixed.dnsLoad?.().limit).toBe(7);
    fixed.close();
    const adaptive = probe();
    expect(adaptive.dnsLoad?.().limit).toBe(128);
    adaptive.close();
  });
});
