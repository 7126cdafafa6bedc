/**
 * The policy file and the CI formats through the CLI, against the loopback lab: exit codes with
 * waivers (active, expired), usage errors, the job summary, and the fleet's outputs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { blocklistWorld } from '../helpers/blocklists.js';
import { runCli } from '../helpers/cli.js';

/** The CI examples' world with a weaker DMARC, and the default blocklists answering honestly. */
const WORLD = blocklistWorld(
  parse(
    readFileSync(new URL('../ci/example-world.yaml', import.meta.url), 'utf8').replace(
      'v=DMARC1; p=reject;',
      'v=DMARC1; p=none;',
    ),
  ) as Record<string, unknown>,
);

/** YYYY-MM-DD, `days` from today (UTC). */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('the policy file through the CLI', () => {
  let lab: LabHandle;
  let dir: string;
  let args: string[];
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeAll(async () => {
    lab = await startLab(WORLD);
    dir = mkdtempSync(join(tmpdir(), 'mp-policy-cli-'));
    args = ['--resolver', `${lab.host}:${lab.port}`, '--no-smtp'];
  });
  afterAll(() => lab.stop());

  const EXPECT = 'expect:\n  - dmarc: quarantine\n';

  it('an unmet expectation fails the gate (exit 1); without the policy the audit passes', async () => {
    const policy = write('unmet.yml', EXPECT);
    const r = await runCli(['audit', 'example.com', ...args, '--policy', policy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[error] policy/dmarc-policy');
    expect((await runCli(['audit', 'example.com', ...args])).code).toBe(0);
  });

  it('an active waiver: still shown, exit 0; the JSON report carries waived (schema 1.2)', async () => {
    const policy = write(
      'waived.yml',
      `${EXPECT}waivers:\n  - finding: policy/dmarc-policy\n    reason: DMARC rollout, MAIL-7\n    expires: ${day(10)}\n`,
    );
    const text = await runCli(['audit', 'example.com', ...args, '--policy', policy]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Waived: DMARC rollout, MAIL-7, until ${day(10)} (does not fail the gate)`);
    const json = await runCli(['audit', 'example.com', ...args, '--policy', policy, '--json']);
    const report = JSON.parse(json.stdout);
    expect(report.schemaVersion).toBe('1.2.0');
    const f = report.checks.policy.findings.find((x: { id: string }) => x.id === 'policy/dmarc-policy');
    expect(f.waived).toEqual({
      reason: 'DMARC rollout, MAIL-7',
      expires: day(10),
      finding: 'policy/dmarc-policy',
      file: policy,
      line: 4,
    });
    // JUnit: the waived finding is listed, not a failure (the waiver opens that gate too).
    const junit = await runCli(['audit', 'example.com', ...args, '--policy', policy, '--format', 'junit']);
    expect(junit.code).toBe(0);
    expect(junit.stdout).toContain('policy/dmarc-policy');
    expect(junit.stdout).not.toMatch(/<failure type="policy\/dmarc-policy"/);
    const unwaived = await runCli([
      'audit',
      'example.com',
      ...args,
      '--policy',
      write('plain.yml', EXPECT),
      '--format',
      'junit',
    ]);
    expect(unwaived.stdout).toMatch(/<failure type="policy\/dmarc-policy"/);
  });

  it('an expired waiver fails the gate and says so', async () => {
    const policy = write(
      'expired.yml',
      `${EXPECT}waivers:\n  - finding: policy/dmarc-policy\n    reason: DMARC rollout\n    expires: ${day(-1)}\n`,
    );
    const r = await runCli(['audit', 'example.com', ...args, '--policy', policy, '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `::error file=${policy.replace(/:/g, '%3A')},line=4,title=policy/waiver-expired`,
    );
    expect(r.stdout).toMatch(/::error file=[^\n]*,line=2,title=policy\/dmarc-policy \(example\.com\)::/);
  });

  it('--format github appends the job summary to $GITHUB_STEP_SUMMARY', async () => {
    const summary = write('summary.md', 'before\n');
    const policy = write('unmet2.yml', EXPECT);
    const r = await runCli(['audit', 'example.com', ...args, '--policy', policy, '--format', 'github'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(r.code).toBe(1);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('before\n## mail-preflight: example\\.com: FAIL')).toBe(true);
  });

  it('usage errors: a bad policy names its line; --policy with --no-policy; a missing file', async () => {
    const bad = write('bad.yml', 'expect:\n  - dmarc: reject\n    spfMaxLookup: 3\n');
    const r = await runCli(['audit', 'example.com', ...args, '--policy', bad]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`policy ${bad} line 3: unknown key "spfMaxLookup"`);
    expect((await runCli(['audit', 'example.com', ...args, '--policy', bad, '--no-policy'])).code).toBe(64);
    expect(
      (await runCli(['audit', 'example.com', ...args, '--policy', join(dir, 'none.yml')])).stderr,
    ).toContain('cannot read policy');
  });

  it('the policy of an audit config (policy:), and --no-policy ignoring it', async () => {
    const policy = write('from-config.yml', EXPECT);
    const config = write('audit.yml', `domain: example.com\npolicy: ${policy}\n`);
    expect((await runCli(['audit', '--config', config, ...args])).code).toBe(1);
    expect((await runCli(['audit', '--config', config, ...args, '--no-policy'])).code).toBe(0);
  });

  it('message: a message check finding points at the .eml', async () => {
    const eml = write(
      'sample.eml',
      'From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n\r\nhello\r\n',
    );
    const r = await runCli(['message', eml, ...args, '--format', 'github', '--no-policy']);
    expect(r.stdout).toMatch(
      new RegExp(
        `^::(error|warning) file=${eml.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')},title=message-`,
        'm',
      ),
    );
  });

  it('fleet: waivers per identity, --format github prints commands, gitlab writes the Code Quality file', async () => {
    const policy = write(
      'fleet.yml',
      `${EXPECT}waivers:\n  - finding: policy/dmarc-policy\n    domains: [example.com]\n    reason: r\n    expires: ${day(3)}\n`,
    );
    const domains = write('domains.txt', 'example.com\n');
    const out = join(dir, 'run');
    const r = await runCli([
      'fleet',
      '--domains-file',
      domains,
      '--out-dir',
      out,
      '--no-baseline',
      '--quiet',
      '--policy',
      policy,
      '--format',
      'github,gitlab',
      ...args,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^::notice file=[^\n]*,line=2,title=policy\/dmarc-policy \(example\.com-[0-9a-f]+\) waived::/m,
    );
    const issues = JSON.parse(readFileSync(join(out, 'gl-code-quality-report.json'), 'utf8'));
    expect(issues.find((i: { check_name: string }) => i.check_name === 'policy/dmarc-policy').severity).toBe(
      'info',
    );
    const unwaived = write('fleet2.yml', EXPECT);
    const r2 = await runCli([
      'fleet',
      '--domains-file',
      domains,
      '--out-dir',
      join(dir, 'run2'),
      '--no-baseline',
      '--quiet',
      '--policy',
      unwaived,
      ...args,
    ]);
    expect(r2.code).toBe(1);
  });
});
