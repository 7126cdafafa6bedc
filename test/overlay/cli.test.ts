/**
 * audit --overlay against the loopback lab: a broken live SPF fixed by one overlay, DMARC
 * broken by another; the exit code of --fail-on regression both ways and the JSON diff.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reports/schema.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import type { ProposedReport } from '../../src/overlay/index.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'overlay');
const FIX_SPF = join(FIXTURES, 'fix-spf.zone');
const BREAK_DMARC = join(FIXTURES, 'break-dmarc.zone');

/** Live: SPF includes a name that does not exist (permerror); DMARC is fine. */
const LIVE = {
  'shop.example': { TXT: 'v=spf1 include:_spf.gone.example -all', MX: '10 mx.shop.example' },
  'mx.shop.example': { A: '192.0.2.25' },
  '_dmarc.shop.example': { TXT: 'v=DMARC1; p=reject; rua=mailto:d@shop.example' },
};

let lab: LabHandle;
let base: string[];

beforeAll(async () => {
  lab = await startLab(LIVE);
  base = ['audit', 'shop.example', '--ip', '192.0.2.7', '--resolver', `${lab.host}:${lab.port}`, '--no-smtp'];
  base.push('--check', 'spf', '--check', 'dmarc');
});
afterAll(async () => {
  await lab.stop();
});

describe('audit --overlay', () => {
  it('an overlay that fixes SPF: the diff says fixed, --fail-on regression passes, answers are listed', async () => {
    const live = await runCli([...base, '--json']);
    const liveReport = JSON.parse(live.stdout) as ProposedReport;
    const liveFailing = Object.values(liveReport.checks.spf?.findings ?? []).filter(
      (f) => f.severity === 'error',
    );
    expect(liveFailing.length).toBeGreaterThan(0);
    expect(live.code).toBe(1);

    const r = await runCli([...base, '--overlay', FIX_SPF, '--json', '--fail-on', 'regression']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ProposedReport;
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    expect(report.diff.fixed.map((f) => f.id)).toEqual(expect.arrayContaining(liveFailing.map((f) => f.id)));
    expect(report.diff.introduced).toEqual([]);
    expect(report.diff.regression).toBe(false);
    expect(report.diff.statusLive).toBe('fail');
    expect(report.overlay.files).toEqual([FIX_SPF]);
    expect(report.overlay.served).toContainEqual({ name: 'shop.example', type: 'TXT' });
    expect(report.diff.recordChanges).toContainEqual({
      kind: 'spf',
      name: 'shop.example',
      before: 'v=spf1 include:_spf.gone.example -all',
      after: 'v=spf1 ip4:192.0.2.0/24 -all',
    });
    expect(report.checks.spf?.findings.some((f) => f.severity === 'error')).toBe(false);
  });

  it('a second overlay that breaks DMARC: regression, exit 1 with --fail-on regression', async () => {
    const r = await runCli([
      ...base,
      '--overlay',
      FIX_SPF,
      '--overlay',
      BREAK_DMARC,
      '--json',
      '--fail-on',
      'regression',
    ]);
    const report = JSON.parse(r.stdout) as ProposedReport;
    expect(report.diff.regression).toBe(true);
    expect(report.diff.introduced.map((f) => f.id).some((id) => id.startsWith('dmarc/'))).toBe(true);
    expect(report.diff.repliesAdded.length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    expect(report.overlay.served).toContainEqual({ name: '_dmarc.shop.example', type: 'TXT' });
  });

  it('text output has the Proposed change section; JUnit marks the regressions', async () => {
    const text = await runCli([...base, '--overlay', FIX_SPF, '--overlay', BREAK_DMARC]);
    expect(text.stdout).toMatch(/Proposed change\n {2}overlay: .*fix-spf\.zone, .*break-dmarc\.zone/);
    expect(text.stdout).toMatch(/ {2}fixes {6}spf\//);
    expect(text.stdout).toMatch(/ {2}introduces dmarc\//);
    expect(text.stdout).toMatch(/verdict: REGRESSION/);
    const junit = await runCli([
      ...base,
      '--overlay',
      FIX_SPF,
      '--overlay',
      BREAK_DMARC,
      '--format',
      'junit',
    ]);
    expect(junit.stdout).toMatch(/<testsuite name="shop\.example \(overlay\)" tests="1" failures="1"/);
    expect(junit.stdout).toMatch(/<failure message="\d+ regression\(s\) against live">introduces dmarc\//);
  });

  it('live questions are asked once: the proposed run is answered from the cache', async () => {
    const before = lab.server.queries.length;
    await runCli([...base, '--overlay', FIX_SPF, '--json']);
    const asked = lab.server.queries.slice(before).map((q) => `${q.type} ${q.name}`);
    expect(new Set(asked).size).toBe(asked.length);
  });

  it('--fail-on regression without --overlay is a usage error', async () => {
    const r = await runCli([...base, '--fail-on', 'regression']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--fail-on regression needs --overlay/);
  });

  it('a bad overlay file is a usage error naming file:line', async () => {
    const r = await runCli([
      ...base,
      '--overlay',
      join(FIXTURES, 'bind-example.com.zone'),
      '--overlay-complete',
    ]);
    expect(r.stderr).toBe(''); // the BIND fixture is valid, complete for example.com only
    expect(r.code).not.toBe(64);
    const bad = await runCli([...base, '--overlay', join(import.meta.dirname, 'cli.test.ts')]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/cli\.test\.ts:\d+: /);
  });
});
