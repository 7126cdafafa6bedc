/**
 * The CI renderers with hostile data: a TXT record or banner holding newlines, `%`, `::`, `,`
 * or Markdown/HTML must not add a workflow command, a property, a table cell or markup.
 */
import { describe, expect, it } from 'vitest';
import {
  ciEntryOf,
  escapeCommandData,
  escapeCommandProperty,
  GITHUB_MAX_COMMANDS,
  markdownText,
  renderGithubCommands,
  renderGithubFleetSummary,
  renderGithubSummary,
} from '../../reports/github.js';
import { renderGitlab } from '../../reports/gitlab.js';
import type { Finding, Report } from '../../src/report.js';
import { HOSTILE_TXT, sampleReport } from './sample-report.js';

/** Inverse of the runner's escaping, as GitHub reads a command back. */
function unescapeData(s: string): string {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

const INJECTION =
  'v=spf1 -all\n::error title=forged::owned\r\n::add-mask::x 100% ,title=x::y <img src=x onerror=alert(1)> | col';

function reportWith(finding: Partial<Finding>, domain = 'example.com'): Report {
  const base = sampleReport();
  const f: Finding = {
    id: 'spf/suspicious-all',
    severity: 'error',
    title: 'Title',
    message: 'Message',
    evidence: {},
    remediation: 'Fix it',
    predictedReplies: [],
    ...finding,
  };
  return {
    ...base,
    target: { ...base.target, domain },
    checks: { spf: { id: 'spf', title: 'SPF', status: 'fail', findings: [f] } },
  };
}

describe('GitHub workflow commands', () => {
  it('escape data and properties as the runner does', () => {
    expect(escapeCommandData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeCommandProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('one line per finding at error, warning, unknown; info left out; unknown says "could not measure"', () => {
    const out = renderGithubCommands([ciEntryOf(sampleReport())]);
    const lines = out.trimEnd().split('\n');
    expect(lines.every((l) => /^::(error|warning|notice) title=[^:]*::/.test(l))).toBe(true);
    expect(
      lines.some((l) => l.startsWith('::error title=dmarc/missing (example.com)::No DMARC record: ')),
    ).toBe(true);
    expect(
      lines.some((l) => l.startsWith('::warning title=ptr/timeout (example.com)::could not measure: ')),
    ).toBe(true);
    expect(out).not.toMatch(/::notice/);
  });

  it('a hostile message, title and fix stay inside one command: no second command, no extra property', () => {
    const out = renderGithubCommands([
      ciEntryOf(
        reportWith(
          { message: INJECTION, title: INJECTION, remediation: INJECTION },
          'evil,title=x::.example',
        ),
      ),
    ]);
    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    // The properties end at the first "::" after the command name; only one property: title.
    const m = /^::error ([^:]*)::(.*)$/.exec(line);
    expect(m).not.toBeNull();
    const props = (m?.[1] ?? '').split(',');
    expect(props).toHaveLength(1);
    expect(unescapeData(props[0] as string)).toBe('title=spf/suspicious-all (evil,title=x::.example)');
    // The message reads back with its newlines, so GitHub shows it whole.
    const message = unescapeData(m?.[2] ?? '');
    expect(message).toContain('v=spf1 -all\n::error title=forged::owned\\r\n::add-mask::x 100% ,title=x::y');
    expect(line).not.toMatch(/[\r\x1b]/);
  });

  it('control characters of a TXT record are made visible, not passed to the log', () => {
    const out = renderGithubCommands([ciEntryOf(reportWith({ message: HOSTILE_TXT }))]);
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(out).toContain('\\x1b');
  });

  it('file= and line= only for a finding about a file: a policy finding, a message check finding', () => {
    const policy = reportWith({ id: 'policy/dmarc-policy', evidence: { file: 'p.yml', line: 7 } });
    expect(
      renderGithubCommands([ciEntryOf(policy)], { files: { policyFile: '.mail-preflight.yml' } }),
    ).toMatch(/^::error file=\.mail-preflight\.yml,line=7,title=policy\/dmarc-policy/);
    const base = sampleReport();
    const message: Report = {
      ...base,
      checks: {
        'message-size': {
          id: 'message-size',
          title: 'Size',
          status: 'warn',
          findings: [
            {
              ...(base.checks['dmarc']?.findings[0] as Finding),
              id: 'message-size/large',
              severity: 'warning',
            },
          ],
        },
      },
    };
    expect(renderGithubCommands([ciEntryOf(message)], { files: { messageFile: 'mail, 1.eml' } })).toMatch(
      /^::warning file=mail%2C 1\.eml,title=/,
    );
    expect(
      renderGithubCommands([ciEntryOf(sampleReport())], { files: { messageFile: 'x.eml' } }),
    ).not.toContain('file=');
  });

  it('a waived finding is a notice that says why and until when', () => {
    const out = renderGithubCommands([
      ciEntryOf(reportWith({ waived: { reason: 'ticket 1', expires: '2030-01-01', finding: 'spf/*' } })),
    ]);
    expect(out).toMatch(/^::notice title=spf\/suspicious-all \(example\.com\) waived::/);
    expect(out).toContain('(waived: ticket 1, until 2030-01-01)');
  });

  it(`stops at GITHUB_MAX_COMMANDS commands and says how many more`, () => {
    const entries = Array.from({ length: GITHUB_MAX_COMMANDS + 5 }, (_, i) => ({
      key: `d${i}.example`,
      report: reportWith({}),
    }));
    const lines = renderGithubCommands(entries).trimEnd().split('\n');
    expect(lines).toHaveLength(GITHUB_MAX_COMMANDS + 1);
    expect(lines.at(-1)).toBe('::notice title=mail-preflight::5 more findings: see the full report');
  });
});

describe('GitHub job summary (Markdown)', () => {
  it('escapes every punctuation character of data: no HTML, no link, no extra table cell', () => {
    expect(markdownText('<b>|[x](http://e)</b>')).toBe('\\<b\\>\\|\\[x\\]\\(http\\:\\/\\/e\\)\\<\\/b\\>');
    const md = renderGithubSummary(
      ciEntryOf(reportWith({ message: INJECTION, remediation: '`code` *b*' }, 'a|b.example')),
    );
    expect(md).not.toMatch(/(?<!\\)<img/);
    expect(md).toContain('\\<img src\\=x onerror\\=alert\\(1\\)\\>');
    const row = md.split('\n').find((l) => l.startsWith('| ❌ error')) as string;
    // Four cells: the unescaped pipes are ours only.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(4);
    expect(md).toContain('## mail-preflight: a\\|b\\.example: FAIL');
    expect(md).toContain('\\`code\\` \\*b\\*');
  });

  it('states the gate, counting waived findings apart', () => {
    const waived = reportWith({ waived: { reason: 'r', expires: '2030-01-01', finding: 'spf/*' } });
    expect(renderGithubSummary(ciEntryOf(waived))).toContain(
      '✅ No finding fails the gate (--fail-on fail: errors); 1 waived.',
    );
    expect(renderGithubSummary(ciEntryOf(reportWith({})))).toContain('❌ 1 finding fails the gate');
    expect(renderGithubSummary(ciEntryOf(reportWith({ severity: 'warning' })), { failOn: 'warn' })).toContain(
      '❌ 1 finding fails the gate (--fail-on warn: warnings and errors).',
    );
  });

  it('fleet: one row per identity, failing ones first, keys escaped', () => {
    const md = renderGithubFleetSummary([
      { key: 'ok.example-1', report: { ...reportWith({ severity: 'info' }), status: 'pass' } },
      { key: 'bad|<x>.example-2', report: reportWith({}) },
    ]);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| identity'));
    expect(rows[0]).toContain('bad\\|\\<x\\>\\.example\\-2');
    expect(md).toContain('❌ 1 of 2 fail the gate');
  });
});

describe('GitLab Code Quality', () => {
  it('issues with the documented fields, severities mapped, info left out', () => {
    const issues = JSON.parse(renderGitlab([ciEntryOf(sampleReport())]));
    expect(issues.map((i: { check_name: string }) => i.check_name).sort()).toEqual([
      'dmarc/missing',
      'ptr/timeout',
      'spf/suspicious-all',
      'spf/too-many-lookups',
    ]);
    for (const i of issues) {
      expect(Object.keys(i).sort()).toEqual([
        'check_name',
        'description',
        'fingerprint',
        'location',
        'severity',
      ]);
      expect(i.location).toEqual({ path: '.mail-preflight.yml', lines: { begin: 1 } });
      expect(i.description).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e]/);
    }
    const by = (id: string) => issues.find((i: { check_name: string }) => i.check_name === id);
    expect(by('dmarc/missing').severity).toBe('critical');
    expect(by('spf/suspicious-all').severity).toBe('major');
    expect(by('ptr/timeout').severity).toBe('minor');
    expect(by('ptr/timeout').description).toContain('could not measure');
  });

  it('fingerprints are stable across runs and differ by identity and subject', () => {
    const a = JSON.parse(renderGitlab([ciEntryOf(sampleReport())]));
    const b = JSON.parse(renderGitlab([ciEntryOf(sampleReport())]));
    expect(a.map((i: { fingerprint: string }) => i.fingerprint)).toEqual(
      b.map((i: { fingerprint: string }) => i.fingerprint),
    );
    const other = JSON.parse(renderGitlab([{ key: 'other.example', report: sampleReport() }]));
    expect(other[0].fingerprint).not.toBe(a[0].fingerprint);
    const two = reportWith({});
    const f = two.checks['spf']?.findings[0] as Finding;
    (two.checks['spf'] as { findings: Finding[] }).findings = [
      { ...f, evidence: { selector: 'a' } },
      { ...f, evidence: { selector: 'b' } },
    ];
    const fps = JSON.parse(renderGitlab([ciEntryOf(two)])).map((i: { fingerprint: string }) => i.fingerprint);
    expect(new Set(fps).size).toBe(2);
  });

  it('a waived finding is info; a policy finding points at its line of the policy file', () => {
    const issues = JSON.parse(
      renderGitlab(
        [
          ciEntryOf(
            reportWith({
              id: 'policy/mx-host',
              evidence: { line: 12, expected: 'x' },
              waived: { reason: 'r', expires: '2030-01-01', finding: 'policy/*' },
            }),
          ),
        ],
        { policyFile: 'ci/policy.yml' },
      ),
    );
    expect(issues[0]).toMatchObject({
      severity: 'info',
      location: { path: 'ci/policy.yml', lines: { begin: 12 } },
    });
    expect(issues[0].description).toContain('waived: r, until 2030-01-01');
  });
});
