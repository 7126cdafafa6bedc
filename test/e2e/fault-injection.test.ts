/**
 * "Never guess", checked systematically: for every DNS question each check asks while
 * auditing a clean identity, make exactly that answer fail (SERVFAIL, then TIMEOUT) and audit
 * again. A failure to measure may only add `unknown` findings: it must never create a new
 * error or warning (a "missing" record, a "fail"), and never crash the check.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { validateReport } from '../../reports/schema.js';
import { audit, createDnsProbe } from '../../src/index.js';
import { type LabHandle, startLab, zoneFromObject } from '../../src/lab/index.js';
import type { Probe, RRType } from '../../src/probe/types.js';
import type { Report } from '../../src/report.js';

const WORLD = parseYaml(
  readFileSync(new URL('../../src/demo/world.yaml', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const IDENTITY = {
  domain: 'good.example',
  ips: ['127.0.77.10'],
  helo: 'mail.good.example',
  dkimSelectors: ['s1'],
};
const CHECKS = ['spf', 'dmarc', 'dkim', 'ptr', 'mx'] as const;

function recording(probe: Probe, seen: Set<string>): Probe {
  return {
    counters: probe.counters,
    dns: {
      query(name, type, options) {
        seen.add(`${name.toLowerCase()}|${type}`);
        return probe.dns.query(name, type, options);
      },
    },
  };
}

function worldWithFault(name: string, type: RRType, fault: 'SERVFAIL' | 'TIMEOUT'): Record<string, unknown> {
  const world = structuredClone(WORLD);
  const entry = world[name];
  if (typeof entry === 'string') return world; // already a whole-name fault
  world[name] = { ...((entry as Record<string, unknown>) ?? {}), [type]: fault };
  return world;
}

function problems(report: Report): Set<string> {
  return new Set(
    Object.values(report.checks)
      .flatMap((c) => c.findings)
      .filter((f) => f.severity === 'error' || f.severity === 'warning')
      .map((f) => f.id),
  );
}

describe('fault injection on every lookup of every check', () => {
  let lab: LabHandle;
  beforeAll(async () => {
    lab = await startLab(WORLD);
  });
  afterAll(() => lab.stop());

  for (const check of CHECKS) {
    it(`${check}: a failed lookup only ever adds unknowns`, { timeout: 120_000 }, async () => {
      lab.server.setZone(zoneFromObject(WORLD));
      const seen = new Set<string>();
      const base = await audit(IDENTITY, {
        probe: recording(createDnsProbe({ servers: [lab], timeoutMs: 150, tries: 1 }), seen),
        checks: [check],
      });
      expect(base.checks[check]?.status, `${check} baseline`).toMatch(/pass|warn/);
      const baseline = problems(base);
      expect(seen.size).toBeGreaterThan(0);
      let injected = 0;
      for (const key of seen) {
        const [name, type] = key.split('|') as [string, RRType];
        for (const fault of ['SERVFAIL', 'TIMEOUT'] as const) {
          lab.server.setZone(zoneFromObject(worldWithFault(name, type, fault)));
          const report = await audit(IDENTITY, {
            probe: createDnsProbe({ servers: [lab], timeoutMs: 150, tries: 1 }),
            checks: [check],
          });
          const where = `${check}: ${fault} on ${name} ${type}`;
          expect(validateReport(report).errors, where).toEqual([]);
          expect(report.checks[check]?.error, where).toBeUndefined();
          const added = [...problems(report)].filter((id) => !baseline.has(id));
          expect(added, where).toEqual([]);
          injected++;
        }
      }
      expect(injected).toBe(seen.size * 2);
    });
  }
});
