import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../reports/schema.js';
import { type LabHandle, startLab } from '../src/lab/index.js';
import { runCli as run } from './helpers/cli.js';

const DEMO = readFileSync(new URL('../src/demo/world.yaml', import.meta.url), 'utf8');

describe('CLI end to end against the loopback lab', () => {
  let lab: LabHandle;
  let resolver: string;
  beforeAll(async () => {
    lab = await startLab(DEMO);
    resolver = `${lab.host}:${lab.port}`;
  });
  afterAll(() => lab.stop());

  it('audit of a clean domain exits 0 and prints a valid JSON report', async () => {
    const r = await run([
      'audit',
      'good.example',
      '--ip',
      '127.0.77.10',
      '--helo',
      'mail.good.example',
      '--dkim-selector',
      's1',
      '--resolver',
      resolver,
      '--json',
      '--no-smtp',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report).errors).toEqual([]);
    expect(report.status).toBe('pass');
    expect(report.timing.dns.queriesSent).toBeGreaterThan(0);
  });

  it('audit of a failing domain exits 1 and the text report names the finding ids and fixes', async () => {
    const r = await run(['audit', 'broken.example', '--resolver', resolver, '--no-color', '--no-smtp']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('spf/include-not-found');
    expect(r.stdout).toContain('dmarc/missing');
    expect(r.stdout).toContain('Fix:');
    expect(r.stdout).toContain('421 4.7.40');
    expect(r.stdout).not.toContain('\u001b['); // no colour when not a TTY
  });

  it('exits 2 when something could not be measured and nothing failed', async () => {
    const r = await run([
      'audit',
      '--no-smtp',
      'slow.example',
      '--resolver',
      resolver,
      '--timeout',
      '200',
      '--check',
      'spf',
      '--check',
      'dmarc',
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('spf/dns-error');
    expect(r.stdout).not.toContain('spf/missing');
    expect(r.stdout).not.toContain('dmarc/missing');
  });

  it('--fail-on warn turns warnings into exit 1', async () => {
    const base = [
      'audit',
      'news.heavy.example',
      '--resolver',
      resolver,
      '--check',
      'dmarc',
      '--check',
      'dkim',
    ];
    expect((await run(base)).code).toBe(0);
    const plus = await run([
      'audit',
      '--no-smtp',
      'plusall.example',
      '--resolver',
      resolver,
      '--check',
      'dkim',
    ]);
    expect(plus.code).toBe(0);
    expect(
      (
        await run([
          'audit',
          'plusall.example',
          '--resolver',
          resolver,
          '--check',
          'dkim',
          '--fail-on',
          'warn',
        ])
      ).code,
    ).toBe(1);
  });

  it('--output writes the report to a file and says where on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-cli-'));
    const file = join(dir, 'r.json');
    const r = await run([
      'audit',
      '--no-smtp',
      'good.example',
      '--resolver',
      resolver,
      '--format',
      'json',
      '--output',
      file,
      '--check',
      'spf',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(file);
    expect(validateReport(JSON.parse(readFileSync(file, 'utf8'))).valid).toBe(true);
  });

  it('reads a config file, and flags win over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-cli-'));
    const cfg = join(dir, 'id.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, `domain: broken.example\nresolvers: ["${resolver}"]\ndkim-selectors: [k1]\n`);
    const r = await run(['audit', '--no-smtp', '--config', cfg, '--json', '--check', 'dkim']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).target.dkimSelectors).toEqual(['k1']);
    const r2 = await run([
      'audit',
      '--no-smtp',
      'good.example',
      '--config',
      cfg,
      '--json',
      '--check',
      'dkim',
      '--dkim-selector',
      's1',
    ]);
    expect(JSON.parse(r2.stdout).target.domain).toBe('good.example');
    expect(r2.code).toBe(0);
  });

  it('--no-dkim-discovery asks only the given selectors; without it the common ones are tried too', async () => {
    const args = ['audit', 'good.example', '--resolver', resolver, '--json', '--no-smtp', '--check', 'dkim'];
    const only = JSON.parse((await run([...args, '--dkim-selector', 's1', '--no-dkim-discovery'])).stdout);
    const names = (r: { checks: { dkim: { evidence: { lookups: { selector: string }[] } } } }) =>
      r.checks.dkim.evidence.lookups.map((l) => l.selector);
    expect(names(only)).toEqual(['s1']);
    expect(only.target.dkimDiscovery).toBe(false);
    expect(only.status).toBe('pass');
    const all = JSON.parse((await run([...args, '--dkim-selector', 's1'])).stdout);
    expect(names(all)[0]).toBe('s1');
    expect(names(all).length).toBeGreaterThan(10);
    expect(all.timing.dns.queriesSent).toBeGreaterThan(only.timing.dns.queriesSent);
  });

  it('spf evaluates check_host for one message (pass exits 0, fail exits 1)', async () => {
    const pass = await run([
      'spf',
      '--ip',
      '127.0.77.10',
      '--sender',
      'news@good.example',
      '--resolver',
      resolver,
      '--json',
    ]);
    expect(pass.code).toBe(0);
    const out = JSON.parse(pass.stdout);
    expect(out.result).toBe('pass');
    expect(out.lookups.dnsTerms).toBeGreaterThanOrEqual(0);
    const fail = await run([
      'spf',
      '--ip',
      '198.51.100.99',
      '--sender',
      'x@good.example',
      '--resolver',
      resolver,
    ]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/^SPF fail/);
    // RFC 7208 2.4: an empty MAIL FROM is checked as postmaster@<HELO>
    const nul = await run([
      'spf',
      '--ip',
      '127.0.77.10',
      '--sender',
      '',
      '--helo',
      'good.example',
      '--resolver',
      resolver,
      '--json',
    ]);
    expect(JSON.parse(nul.stdout).result).toBe('pass');
  });

  it('explain prints what a reply means', async () => {
    const r = await run(['explain', '421', '4.7.27']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SPF/);
    expect(r.stdout).toMatch(/transient|temporary/i);
    const unknown = await run(['explain', '4.9.99']);
    expect(unknown.code).toBe(0);
    expect((await run(['explain', 'banana'])).code).toBe(64);
  });

  it.each([
    [['audit', '192.0.2.1'], /IP address/],
    [['audit'], /needs a DOMAIN/],
    [['audit', 'good.example', '--frobnicate'], /frobnicate/],
    [['audit', 'good.example', '--format', 'xml'], /--format/],
    [['audit', 'good.example', '--fail-on', 'maybe'], /--fail-on/],
    [['audit', 'good.example', '--ip', 'not-an-ip'], /not an IP address/],
    [['audit', 'good.example', '--resolver', 'dns.example:53'], /./],
    [['audit', 'good.example', '--timeout', '-5'], /--timeout/],
    [['spf', '--sender', 'a@b.example'], /--ip/],
    [['frobnicate'], /unknown command/],
  ])('bad usage %j exits 64 with a one-line message', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--help and --version', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Exit codes');
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
