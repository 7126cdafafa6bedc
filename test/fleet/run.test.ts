import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateReport, validateSummary } from '../../reports/schema.js';
import { main } from '../../src/cli.js';
import { parseFleetConfig } from '../../src/fleet/config.js';
import { runFleet } from '../../src/fleet/run.js';
import type { FleetIdentityRow, FleetSummary } from '../../src/fleet/summary.js';
import { type LabHandle, startLab, zoneFromObject } from '../../src/lab/index.js';
import { createDnsProbe } from '../../src/probe/index.js';
import { stableStringify } from '../../src/report.js';
import { DKIM_RECORD, DKIM_RECORD_ROTATED, domainOf, ESP_INCLUDE, makeWorld } from './world.js';

const COUNT = 20;
let lab: LabHandle;
let root: string;

beforeAll(async () => {
  lab = await startLab(makeWorld(COUNT).zone);
  root = mkdtempSync(join(tmpdir(), 'mp-fleet-'));
});
afterAll(async () => {
  await lab.stop();
  rmSync(root, { recursive: true, force: true });
});

function probe() {
  return createDnsProbe({ servers: [{ host: lab.host, port: lab.port }], timeoutMs: 2000, tries: 2 });
}

function configFile(name: string, extra = ''): string {
  const path = join(root, name);
  writeFileSync(path, `${stringify({ identities: makeWorld(COUNT).identities })}${extra}`);
  return path;
}

function readSummary(dir: string): FleetSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as FleetSummary;
}

function readNdjson(dir: string): FleetIdentityRow[] {
  return readFileSync(join(dir, 'results.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as FleetIdentityRow);
}

function capture(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTty: false, env },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('fleet run over the loopback lab', () => {
  it('audits every identity of a config into valid reports, NDJSON and summary; the shared include is asked once', async () => {
    const dir = join(root, 'plain');
    const input = parseFleetConfig(readFileSync(configFile('plain.yaml'), 'utf8'), 'plain.yaml');
    lab.server.queries.length = 0;
    const result = await runFleet(input.identities, {
      outDir: dir,
      probe: probe(),
      concurrency: 6,
    });
    const { summary, aborted } = result;
    expect(aborted).toBe(false);
    expect(validateSummary(summary)).toEqual({ valid: true, errors: [] });
    expect(validateSummary(readSummary(dir))).toEqual({ valid: true, errors: [] });
    // summary.json is streamed from results.ndjson: the same text stableStringify gives, and
    // (under the in-memory bound) the same rows as the result.
    const text = readFileSync(join(dir, 'summary.json'), 'utf8');
    expect(text).toBe(`${stableStringify(JSON.parse(text))}\n`);
    expect(readSummary(dir).identities).toEqual(summary.identities);
    expect(result.identitiesWithErrors).toBe(summary.identities.filter((r) => r.counts.error > 0).length);
    expect(result.identitiesWithErrors).toBeGreaterThan(0);
    expect(result.identitiesWithWarnings).toBe(summary.identities.filter((r) => r.counts.warning > 0).length);
    expect(summary.totals).toMatchObject({ identities: COUNT, done: COUNT, error: 0, invalid: 0 });
    expect(summary.run).toMatchObject({ complete: true, resumed: 0, concurrency: 6 });
    // One report per identity, each valid against report-v1.
    const files = readdirSync(join(dir, 'reports'));
    expect(files).toHaveLength(COUNT);
    for (const f of files)
      expect(validateReport(JSON.parse(readFileSync(join(dir, 'reports', f), 'utf8'))).errors).toEqual([]);
    const rows = readNdjson(dir);
    expect(new Set(rows.map((r) => r.key)).size).toBe(COUNT);
    for (const r of rows) expect(existsSync(join(dir, r.file ?? 'none'))).toBe(true);
    // The world: every 5th identity lacks DMARC, every 7th has SPF +all.
    const byDomain = new Map(summary.identities.map((r) => [r.domain, r]));
    expect(byDomain.get(domainOf(5))?.findings.map((f) => f.id)).toContain('dmarc/missing');
    expect(byDomain.get(domainOf(7))?.findings.map((f) => f.id)).toContain('spf/plus-all');
    expect(byDomain.get(domainOf(1))?.status).toBe('pass');
    expect(summary.checks.slice(0, 5)).toEqual(['spf', 'dmarc', 'dkim', 'ptr', 'mx']);
    // One probe, one cache: the ESP tree and the shared MX are asked once for 20 identities.
    const asked = (name: string, type: string) =>
      lab.server.queries.filter((q) => q.name === name && q.type === type).length;
    expect(asked(ESP_INCLUDE, 'TXT')).toBe(1);
    expect(asked('_a.esp.example', 'TXT')).toBe(1);
    expect(asked('mx.shared.example', 'A')).toBe(1);
    expect(summary.dns.cacheHits).toBeGreaterThan(0);
    expect(summary.dns.queriesSent).toBe(lab.server.queries.length);
  });

  it('an interrupted run, started again with the same out-dir, completes the rest without redoing finished identities', async () => {
    const dir = join(root, 'resume');
    const input = parseFleetConfig(readFileSync(configFile('resume.yaml'), 'utf8'), 'resume.yaml');
    const controller = new AbortController();
    const first = await runFleet(input.identities, {
      outDir: dir,
      probe: probe(),
      concurrency: 3,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 7) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    expect(first.summary.run.complete).toBe(false);
    const finished = readdirSync(join(dir, 'reports'));
    expect(finished.length).toBeGreaterThanOrEqual(7);
    expect(finished.length).toBeLessThan(COUNT);
    expect(readNdjson(dir)).toHaveLength(finished.length);
    const mtimes = new Map(finished.map((f) => [f, statSync(join(dir, 'reports', f)).mtimeMs]));
    // What a kill leaves behind: a temporary file and a torn NDJSON line.
    writeFileSync(join(dir, 'reports', 'x.example-00000000.json.tmp-1-ab'), '{"half');
    writeFileSync(
      join(dir, 'results.ndjson'),
      `${readFileSync(join(dir, 'results.ndjson'), 'utf8')}{"key":"torn`,
    );

    lab.server.queries.length = 0;
    const second = await runFleet(input.identities, { outDir: dir, probe: probe(), concurrency: 3 });
    expect(second.aborted).toBe(false);
    expect(second.summary.run).toMatchObject({ complete: true, resumed: finished.length });
    expect(second.summary.totals.done).toBe(COUNT);
    expect(validateSummary(second.summary).errors).toEqual([]);
    for (const [f, m] of mtimes) expect(statSync(join(dir, 'reports', f)).mtimeMs).toBe(m);
    // Finished identities' own names were not asked again; the others were.
    const finishedDomains = new Set(finished.map((f) => f.replace(/-[0-9a-f]{8}\.json$/, '')));
    const askedFor = (d: string) =>
      lab.server.queries.filter((q) => q.name === `_dmarc.${d}` || q.name === d).length;
    for (let i = 1; i <= COUNT; i++) {
      const d = domainOf(i);
      if (finishedDomains.has(d)) expect(askedFor(d)).toBe(0);
      else expect(askedFor(d)).toBeGreaterThan(0);
    }
    const rows = readNdjson(dir);
    expect(rows).toHaveLength(COUNT);
    expect(new Set(rows.map((r) => r.key)).size).toBe(COUNT);
    expect(readdirSync(join(dir, 'reports')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('CLI: domains file with bad lines, CI progress on stderr, html and junit outputs', async () => {
    const list = join(root, 'domains.txt');
    const lines = [
      '# sending domains',
      ...Array.from({ length: 6 }, (_, i) => domainOf(i + 1)),
      'not a domain',
      '',
      'x..example',
    ];
    writeFileSync(list, `${lines.join('\n')}\n`);
    const dir = join(root, 'cli');
    const c = capture({ CI: 'true' });
    const code = await main(
      [
        'fleet',
        '--domains-file',
        list,
        '--out-dir',
        dir,
        '--resolver',
        `${lab.host}:${lab.port}`,
        '--no-smtp',
        '--format',
        'junit',
        '--no-baseline',
      ],
      c.io,
    );
    expect(c.err()).toContain(`${list} line 8: expected one domain per line`);
    expect(c.err()).toContain(`${list} line 10: domain "x..example" has an empty label`);
    expect(c.err()).toMatch(/^fleet: 6\/6 \(100%\), [\d.]+\/s, \d+ failed, ETA 0:00$/m);
    expect(c.out()).toMatch(/fleet: 6\/6 identities done: .*; 2 invalid entries skipped/);
    const summary = readSummary(dir);
    expect(summary.invalidEntries.map((e) => e.line)).toEqual([8, 10]);
    expect(summary.totals.invalid).toBe(2);
    expect(validateSummary(summary).errors).toEqual([]);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('<html');
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites');
    // Domain-only identities fail (no IPs, no DKIM selector known...) or pass; d05 lacks DMARC: exit 1.
    expect(code).toBe(1);
  });

  it('CLI: --quiet prints no progress; a config whose entries are all invalid is a usage error', async () => {
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, 'identities:\n  - "bad domain"\n');
    const c = capture({ CI: 'true' });
    expect(await main(['fleet', '--config', bad, '--out-dir', join(root, 'bad')], c.io)).toBe(64);
    expect(c.err()).toContain('line 2');
    expect(c.err()).toContain('no valid identity');
    const q = capture({ CI: 'true' });
    const list = join(root, 'one.txt');
    writeFileSync(list, `${domainOf(2)}\n`);
    await main(
      [
        'fleet',
        '--domains-file',
        list,
        '--out-dir',
        join(root, 'quiet'),
        '--resolver',
        `${lab.host}:${lab.port}`,
        '--no-smtp',
        '--quiet',
      ],
      q.io,
    );
    expect(q.err()).toBe('');
  });
});

describe('history and regressions', () => {
  it('a dated run finds the previous one, lists the regression, the fix and the record change, and exits 3', async () => {
    const history = join(root, 'history');
    const config = configFile('history.yaml');
    const resolver = `${lab.host}:${lab.port}`;
    const day1 = join(history, '2026-05-01');
    const c1 = capture();
    const code1 = await main(
      ['fleet', '--config', config, '--out-dir', day1, '--resolver', resolver, '--no-smtp', '--quiet'],
      c1.io,
    );
    expect(code1).toBe(1); // the world has failures, but no baseline: no regressions
    expect(readSummary(day1).regressions).toBeUndefined();

    // Overnight: d01 loses its SPF record, d05 publishes DMARC, d02 rotates its DKIM key.
    const world = makeWorld(COUNT).zone;
    world[domainOf(1)] = { ...(world[domainOf(1)] as object), TXT: [] };
    world[`_dmarc.${domainOf(5)}`] = { TXT: 'v=DMARC1; p=reject' };
    world[`s1._domainkey.${domainOf(2)}`] = {
      TXT: DKIM_RECORD_ROTATED,
    };
    lab.server.setZone(zoneFromObject(world));
    try {
      const day2 = join(history, '2026-05-02');
      const c2 = capture();
      const code2 = await main(
        ['fleet', '--config', config, '--out-dir', day2, '--resolver', resolver, '--no-smtp', '--quiet'],
        c2.io,
      );
      expect(code2).toBe(3);
      const summary = readSummary(day2);
      expect(validateSummary(summary).errors).toEqual([]);
      const reg = summary.regressions;
      expect(reg?.baseline).toBe(day1);
      expect(reg?.baselineStartedAt).toBe(readSummary(day1).run.startedAt);
      expect(reg?.hasRegressions).toBe(true);
      const byDomain = new Map(reg?.identities.map((d) => [d.domain, d]));
      const d1 = byDomain.get(domainOf(1));
      expect(d1?.regression).toBe(true);
      expect(d1?.statusBefore).toBe('pass');
      expect(d1?.statusAfter).toBe('fail');
      expect(d1?.newFailures.map((f) => f.id)).toContain('spf/missing');
      expect(d1?.repliesAdded.length).toBeGreaterThan(0);
      expect(d1?.recordChanges).toContainEqual({
        kind: 'spf',
        name: domainOf(1),
        before: `v=spf1 include:${ESP_INCLUDE} -all`,
        after: null,
      });
      const d5 = byDomain.get(domainOf(5));
      expect(d5?.regression).toBe(false);
      expect(d5?.fixed.map((f) => f.id)).toContain('dmarc/missing');
      expect(d5?.recordChanges).toContainEqual({
        kind: 'dmarc',
        name: `_dmarc.${domainOf(5)}`,
        before: null,
        after: 'v=DMARC1; p=reject',
      });
      const d2 = byDomain.get(domainOf(2));
      // A key rotation is a change, not a regression.
      expect(d2?.regression).toBe(false);
      expect(d2?.statusAfter).toBe('pass');
      expect(d2?.recordChanges).toEqual([
        {
          kind: 'dkim',
          name: `s1._domainkey.${domainOf(2)}`,
          before: DKIM_RECORD,
          after: DKIM_RECORD_ROTATED,
        },
      ]);
      // Regressions lead, in the summary and on stdout.
      expect(reg?.identities[0]?.domain).toBe(domainOf(1));
      expect(c2.out().indexOf('REGRESSIONS')).toBe(0);
      expect(c2.out()).toContain(`+ spf/missing (error)`);
      expect(c2.out()).toContain(`- dmarc/missing (error)`);
      expect(byDomain.size).toBe(3); // nothing else changed

      // The same comparison on demand.
      const d = capture();
      expect(await main(['diff', day1, day2], d.io)).toBe(3);
      expect(d.out()).toMatch(/^REGRESSIONS: 1 identity got worse/);
      expect(d.out()).toContain(`dkim s1._domainkey.${domainOf(2)}`);
      const back = capture();
      expect(await main(['diff', day2, day1, '--json'], back.io)).toBe(3); // d05 regresses going back
      expect(JSON.parse(back.out()).counts).toMatchObject({ regressed: 1, fixed: 1 });

      // Two single reports.
      const reportOf = (dir: string, domain: string) =>
        join(
          dir,
          'reports',
          readdirSync(join(dir, 'reports')).find((f) => f.startsWith(`${domain}-`)) ?? 'x',
        );
      const r = capture();
      expect(await main(['diff', reportOf(day1, domainOf(1)), reportOf(day2, domainOf(1))], r.io)).toBe(3);
      expect(r.out()).toContain('+ spf/missing');
      const same = capture();
      expect(await main(['diff', reportOf(day1, domainOf(3)), reportOf(day2, domainOf(3))], same.io)).toBe(0);
      expect(same.out()).toMatch(/^No regressions\./);

      // --no-baseline: no comparison, the exit code is about findings only.
      const day3 = join(history, '2026-05-03');
      expect(
        await main(
          [
            'fleet',
            '--config',
            config,
            '--out-dir',
            day3,
            '--resolver',
            resolver,
            '--no-smtp',
            '--quiet',
            '--no-baseline',
          ],
          capture().io,
        ),
      ).toBe(1);
      // With the baseline auto-detected as day2 (newest earlier with a summary), nothing regressed.
      const day4 = join(history, '2026-05-04');
      const c4 = capture();
      await main(
        ['fleet', '--config', config, '--out-dir', day4, '--resolver', resolver, '--no-smtp', '--quiet'],
        c4.io,
      );
      expect(readSummary(day4).regressions?.baseline).toBe(day3);
      expect(readSummary(day4).regressions?.hasRegressions).toBe(false);
    } finally {
      lab.server.setZone(zoneFromObject(makeWorld(COUNT).zone));
    }
  });
});
