/**
 * The CI examples of the README (docs/examples/, embedded by `npm run docs`) run exactly as
 * written: each `run:` line of the GitHub workflow under bash (GitHub's default shell, `bash -e`)
 * and each `script:` line of the GitLab job under sh, with the job's environment, in a working
 * directory that holds the example policy file, against the loopback lab. Only `npx` is
 * replaced, by a shim that runs this checkout's CLI instead of fetching the package, and the
 * examples' own MAIL_RESOLVER variable points at the lab.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type LabHandle, startLab } from '../../src/lab/index.js';
import { packageRoot } from '../../src/paths.js';

const root = packageRoot();
const examples = join(root, 'docs', 'examples');
const WORLD = readFileSync(join(root, 'test', 'ci', 'example-world.yaml'), 'utf8');
/** The same world with a DMARC policy weaker than the example policy's `dmarc: quarantine`. */
const WEAK_DMARC_WORLD = WORLD.replace('v=DMARC1; p=reject;', 'v=DMARC1; p=none;');
const RUN_TIMEOUT_MS = 60_000;

interface Workflow {
  jobs: Record<
    string,
    { env?: Record<string, string>; steps: { run?: string; env?: Record<string, string> }[] }
  >;
}
type GitlabCi = Record<string, { variables?: Record<string, string>; script: string[] }>;

/**
 * Runs one command line in a shell. Asynchronously: the lab's DNS server answers from this
 * process, so the test must not block its event loop while the command runs.
 */
function runShell(
  shell: string[],
  command: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell[0] as string, [...shell.slice(1), command], {
      cwd,
      env,
      timeout: RUN_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the README CI examples, run as written', () => {
  let good: LabHandle;
  let weak: LabHandle;
  let bin: string;
  beforeAll(async () => {
    good = await startLab(WORLD);
    weak = await startLab(WEAK_DMARC_WORLD);
    bin = mkdtempSync(join(tmpdir(), 'mp-ci-bin-'));
    const shim = join(bin, 'npx');
    writeFileSync(
      shim,
      `#!/bin/sh\n[ "$1" = "--yes" ] && shift\n[ "$1" = "mail-preflight" ] || { echo "npx shim: $1" >&2; exit 127; }\nshift\n` +
        `exec "${join(root, 'node_modules', '.bin', 'tsx')}" "${join(root, 'src', 'cli.ts')}" "$@"\n`,
    );
    chmodSync(shim, 0o755);
  });
  afterAll(() => {
    good?.stop();
    weak?.stop();
  });

  /** A fresh checkout: the example policy file at the top of the working directory. */
  function checkout(): string {
    const dir = mkdtempSync(join(tmpdir(), 'mp-ci-'));
    copyFileSync(join(examples, '.mail-preflight.yml'), join(dir, '.mail-preflight.yml'));
    return dir;
  }

  function baseEnv(lab: LabHandle, jobEnv: Record<string, string>): Record<string, string> {
    return {
      PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: process.env['HOME'] ?? '/tmp',
      ...jobEnv,
      MAIL_RESOLVER: `${lab.host}:${lab.port}`,
    };
  }

  const workflow = parse(readFileSync(join(examples, 'github-workflow.yml'), 'utf8')) as Workflow;
  const job = Object.values(workflow.jobs)[0];
  const runs = (job?.steps ?? []).filter((s) => s.run !== undefined);

  it('the GitHub workflow has one run: line, the audit with --format github', () => {
    expect(runs).toHaveLength(1);
    expect(runs[0]?.run).toMatch(/^npx --yes mail-preflight audit .*--format github --fail-on fail/);
  });

  async function runWorkflow(lab: LabHandle) {
    const dir = checkout();
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n'); // GitHub appends each step's summary
    const results = [];
    for (const step of runs)
      results.push(
        await runShell(['bash', '-e', '-c'], step.run as string, dir, {
          ...baseEnv(lab, { ...job?.env, ...step.env }),
          GITHUB_STEP_SUMMARY: summary,
        }),
      );
    return { results, summary: readFileSync(summary, 'utf8') };
  }

  it(
    'GitHub: a domain that meets the policy passes, with no error annotation and a summary appended',
    async () => {
      const { results, summary } = await runWorkflow(good);
      const [r] = results;
      expect(r?.stderr).toBe('');
      expect(r?.code).toBe(0);
      expect(r?.stdout).not.toContain('::error');
      expect(summary.startsWith('# earlier step\n')).toBe(true);
      expect(summary).toContain('## mail-preflight: example\\.com: PASS');
      expect(summary).toContain('No finding fails the gate');
      expect(summary).toContain('policy\\/dmarc\\-policy');
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'GitHub: DMARC weaker than the policy fails the job with an error annotation on the policy line',
    async () => {
      const { results, summary } = await runWorkflow(weak);
      const [r] = results;
      expect(r?.code).toBe(1);
      const lines = (r?.stdout ?? '').trimEnd().split('\n');
      // Every line on stdout is a workflow command.
      for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) /);
      const policyLine = readFileSync(join(examples, '.mail-preflight.yml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.trimStart().startsWith('dmarc:'));
      expect(lines).toContain(
        `::error file=.mail-preflight.yml,line=${policyLine + 1},title=policy/dmarc-policy (example.com)::` +
          'DMARC policy at least as strict as the organisation requires: DMARC p=none is weaker than the required p=quarantine.' +
          '%0AFix: Publish a DMARC record with p=quarantine or stricter at _dmarc.example.com.',
      );
      expect(summary).toContain('finding fails the gate');
    },
    RUN_TIMEOUT_MS,
  );

  const gitlab = parse(readFileSync(join(examples, 'gitlab-ci.yml'), 'utf8')) as GitlabCi;
  const gitlabJob = Object.values(gitlab)[0];

  async function runGitlab(lab: LabHandle) {
    const dir = checkout();
    const results = [];
    for (const line of gitlabJob?.script ?? [])
      results.push(await runShell(['sh', '-c'], line, dir, baseEnv(lab, gitlabJob?.variables ?? {})));
    const report = join(dir, 'gl-code-quality-report.json');
    return { results, report: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined };
  }

  it(
    'GitLab: the job writes the Code Quality artifact it declares; a passing domain has no issues',
    async () => {
      const artifact = (
        gitlab['mail-preflight'] as unknown as { artifacts: { reports: { codequality: string } } }
      ).artifacts.reports.codequality;
      expect(artifact).toBe('gl-code-quality-report.json');
      const { results, report } = await runGitlab(good);
      expect(results.map((r) => r.code)).toEqual([0]);
      expect(report).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'GitLab: DMARC weaker than the policy fails the job and the report points at the policy line',
    async () => {
      const { results, report } = await runGitlab(weak);
      expect(results.map((r) => r.code)).toEqual([1]);
      const issue = (report as { check_name: string }[]).find((i) => i.check_name === 'policy/dmarc-policy');
      expect(issue).toMatchObject({
        severity: 'critical',
        location: { path: '.mail-preflight.yml', lines: { begin: 5 } },
      });
      expect((issue as unknown as { fingerprint: string }).fingerprint).toMatch(/^[0-9a-f]{64}$/);
    },
    RUN_TIMEOUT_MS,
  );
});
