/** The README's first command: `npm run demo` runs the whole demo world end to end. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SIZE_LIMITS } from '../checks/message-size/index.js';
import { validateReport } from '../reports/schema.js';
import { packageRoot } from '../src/paths.js';

const run = promisify(execFile);
/** Gmail's limit on the wire: the too-big sample must be over it. */
const GMAIL_LIMIT_BYTES = SIZE_LIMITS.find((l) => l.key === 'gmail')?.bytes ?? 0;

describe('npm run demo', () => {
  it('audits every demo identity on loopback, prints the reports and writes valid JSON', {
    timeout: 90_000,
  }, async () => {
    const root = packageRoot();
    const cwd = mkdtempSync(join(tmpdir(), 'mp-demo-'));
    const { stdout } = await run(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/demo.ts')], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 80_000,
    });
    for (const domain of [
      'good.example',
      'plusall.example',
      'broken.example',
      'news.heavy.example',
      'slow.example',
    ]) {
      expect(stdout).toContain(`=== ${domain}`);
    }
    expect(stdout).toMatch(/good\.example\s+pass\s+exit 0/);
    expect(stdout).toMatch(/slow\.example\s+unknown\s+exit 2/);
    expect(stdout).toContain('spf/plus-all');
    expect(stdout).toContain('tls/no-starttls');
    expect(stdout).not.toContain('\u001b[');
    const files = readdirSync(join(cwd, 'out/demo')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(6 + SAMPLES.length);
    for (const f of files) {
      const report = JSON.parse(readFileSync(join(cwd, 'out/demo', f), 'utf8'));
      expect(validateReport(report).errors, f).toEqual([]);
    }
    assertSampleMessages(cwd, stdout);
  });
});

/** Each sample message: the status, the finding ids and the predicted replies it is there to show. */
const SAMPLES: readonly {
  file: string;
  status: string;
  exit: number;
  findings: string[];
  replies: string[];
}[] = [
  { file: 'clean.eml', status: 'pass', exit: 0, findings: [], replies: [] },
  {
    file: 'too-big.eml',
    status: 'fail',
    exit: 1,
    findings: ['message-size/over-gmail-limit'],
    replies: ['gmail 552 5.3.4'],
  },
  {
    file: 'exe-in-zip.eml',
    status: 'fail',
    exit: 1,
    findings: ['attachments/blocked-in-archive'],
    replies: ['gmail 552 5.7.0'],
  },
  {
    file: 'broken-signature.eml',
    status: 'fail',
    exit: 1,
    findings: ['dkim-signature/all-fail', 'unsubscribe/not-signed'],
    replies: ['gmail 421 4.7.30', 'gmail 550 5.7.30', 'microsoft 550 5.7.515'],
  },
  { file: 'no-unsubscribe.eml', status: 'fail', exit: 1, findings: ['unsubscribe/missing'], replies: [] },
];

/** The part of the demo after the domain identities: sample messages, their reports and commands. */
function assertSampleMessages(cwd: string, stdout: string): void {
  const sections = stdout.split(/^=== /m);
  const port = /DNS on 127\.0\.0\.1:(\d+)/.exec(stdout)?.[1];
  expect(port).toBeDefined();
  for (const sample of SAMPLES) {
    const section = sections.find((s) => s.startsWith(`${sample.file}: `)) ?? '';
    expect(section, sample.file).not.toBe('');
    const report = JSON.parse(readFileSync(join(cwd, 'out/demo', `${sample.file}.json`), 'utf8'));
    const eml = readFileSync(join(cwd, 'out/demo', sample.file));
    // The report is of the message written beside it, audited with its domain through the lab.
    expect(report.target.message, sample.file).toMatchObject({
      fileName: sample.file,
      wireBytes: eml.length,
    });
    expect(report.target).toMatchObject({ domain: 'good.example', dkimSelectors: ['campaign'] });
    expect(report.checks.spf.status, sample.file).toBe('pass');
    expect(report.checks.dmarc.status, sample.file).toBe('pass');
    const failing = Object.values(
      report.checks as Record<string, { findings: { id: string; severity: string }[] }>,
    )
      .flatMap((c) => c.findings)
      .filter((f) => f.severity === 'error' || f.severity === 'warning' || f.severity === 'unknown')
      .map((f) => f.id)
      .sort();
    expect(failing, sample.file).toEqual([...sample.findings].sort());
    const replies = (report.predictedReplies as { provider: string; code: number; enhanced: string }[]).map(
      (r) => `${r.provider} ${r.code} ${r.enhanced}`,
    );
    expect(replies, sample.file).toEqual(sample.replies);
    for (const id of sample.findings) expect(section, sample.file).toContain(id);
    for (const reply of sample.replies) expect(section, sample.file).toContain(`Reply: ${reply} (`);
    expect(section).toContain(
      `npx mail-preflight message out/demo/${sample.file} --resolver 127.0.0.1:${port} --ip 127.0.77.10 ` +
        '--helo mail.good.example --no-smtp',
    );
    expect(stdout).toMatch(
      new RegExp(`\\n  ${sample.file.replace('.', '\\.')}\\s+${sample.status}\\s+exit ${sample.exit}\\b`),
    );
  }
  const tooBig = readFileSync(join(cwd, 'out/demo/too-big.eml.json'), 'utf8');
  expect(GMAIL_LIMIT_BYTES).toBeGreaterThan(0);
  expect(JSON.parse(tooBig).target.message.wireBytes).toBeGreaterThan(GMAIL_LIMIT_BYTES);
  expect(stdout).toContain('552 5.3.4');
  expect(stdout).toContain('552 5.7.0');
}
