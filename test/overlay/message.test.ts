/**
 * message --overlay against the loopback lab: the message is read once and audited live and
 * with the proposed records through one probe; the proposed report carries the comparison.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../reports/schema.js';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import type { ProposedReport } from '../../src/overlay/index.js';
import { runCli } from '../helpers/cli.js';

const FIX_SPF = join(import.meta.dirname, '..', 'fixtures', 'overlay', 'fix-spf.zone');

/** Live: SPF includes a name that does not exist (permerror). */
const LIVE = {
  'shop.example': { TXT: 'v=spf1 include:_spf.gone.example -all', MX: '10 mx.shop.example' },
  'mx.shop.example': { A: '192.0.2.25' },
  '_dmarc.shop.example': { TXT: 'v=DMARC1; p=reject; rua=mailto:d@shop.example' },
};

const MESSAGE = [
  'From: Shop <news@shop.example>',
  'To: someone@example.net',
  'Subject: Our autumn offers',
  'Date: Mon, 07 Dec 2026 10:00:00 +0000',
  'Message-ID: <offer-1@shop.example>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello.',
  '',
].join('\r\n');

let lab: LabHandle;
let dir: string;
let file: string;
let base: string[];

beforeAll(async () => {
  lab = await startLab(LIVE);
  dir = mkdtempSync(join(tmpdir(), 'mp-overlay-message-'));
  file = join(dir, 'offer.eml');
  writeFileSync(file, MESSAGE);
  base = ['message', file, '--ip', '192.0.2.7', '--resolver', `${lab.host}:${lab.port}`, '--no-smtp'];
  base.push('--check', 'spf', '--check', 'dmarc', '--check', 'message-headers');
});
afterAll(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('message --overlay', () => {
  it('audits the message live and with the proposed records: the SPF fix shows in the diff, --fail-on regression passes', async () => {
    const live = await runCli([...base, '--json']);
    expect(live.code).toBe(1);
    const r = await runCli([...base, '--overlay', FIX_SPF, '--json', '--fail-on', 'regression']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ProposedReport;
    expect(validateReport(report)).toEqual({ valid: true, errors: [] });
    expect(report.target.message?.fileName).toBe('offer.eml');
    expect(report.diff.statusLive).toBe('fail');
    expect(report.diff.fixed.some((f) => f.id.startsWith('spf/'))).toBe(true);
    expect(report.diff.regression).toBe(false);
    expect(report.overlay.served).toContainEqual({ name: 'shop.example', type: 'TXT' });
    // The message checks ran once per half and did not change.
    expect(report.checks['message-headers']).toBeDefined();
    expect(report.diff.introduced.filter((f) => f.id.startsWith('message-'))).toEqual([]);
  });

  it('the text output ends with the comparison; --overlay with --no-dns is a usage error', async () => {
    const text = await runCli([...base, '--overlay', FIX_SPF]);
    expect(text.stdout).toContain('Proposed change');
    const bad = await runCli(['message', file, '--no-dns', '--overlay', FIX_SPF]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--overlay needs DNS');
  });
});

describe('fleet --overlay', () => {
  it('audits each identity live and proposed: reports carry the diff; --fail-on regression gates on it', async () => {
    const domains = join(dir, 'domains.txt');
    writeFileSync(domains, 'shop.example\n');
    const breakDmarc = join(import.meta.dirname, '..', 'fixtures', 'overlay', 'break-dmarc.zone');
    const fleet = (out: string, ...extra: string[]) =>
      runCli([
        'fleet',
        '--domains-file',
        domains,
        '--out-dir',
        join(dir, out),
        '--resolver',
        `${lab.host}:${lab.port}`,
        '--no-smtp',
        '--quiet',
        '--no-baseline',
        '--check',
        'spf',
        '--check',
        'dmarc',
        ...extra,
      ]);
    const fixed = await fleet('fixed', '--overlay', FIX_SPF, '--fail-on', 'regression');
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toContain('0 of 1 identities');
    const broken = await fleet(
      'broken',
      '--overlay',
      FIX_SPF,
      '--overlay',
      breakDmarc,
      '--fail-on',
      'regression',
    );
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('1 of 1 identities');
    const { readdirSync, readFileSync } = await import('node:fs');
    const reports = join(dir, 'broken', 'reports');
    const report = JSON.parse(
      readFileSync(join(reports, readdirSync(reports)[0]!), 'utf8'),
    ) as ProposedReport;
    expect(report.diff.regression).toBe(true);
    expect(report.overlay.files).toEqual([FIX_SPF, breakDmarc]);
    const usage = await fleet('usage', '--fail-on', 'regression');
    expect(usage.code).toBe(64);
  });
});
