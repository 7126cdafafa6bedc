/**
 * The policy file: strict parsing (errors name their line), each expectation met, unmet and
 * unknown over in-memory DNS worlds, and waivers (active, expired, out of scope, globs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { audit } from '../../src/index.js';
import { packageRoot } from '../../src/paths.js';
import {
  applyPolicy,
  MAX_WAIVER_DAYS,
  type Policy,
  parsePolicy,
  waiverMatches,
} from '../../src/policy/index.js';
import type { Finding, Report } from '../../src/report.js';
import { memoryProbe, memoryResolver, type ZoneObject } from '../helpers/memory-resolver.js';

const TODAY = new Date('2026-06-01T12:00:00Z');
const parse = (text: string) => parsePolicy(text, 'p.yml', { today: TODAY });

describe('policy file parsing', () => {
  it('reads the README reference file (docs/examples/policy-reference.yml), every key', () => {
    const text = readFileSync(join(packageRoot(), 'docs', 'examples', 'policy-reference.yml'), 'utf8');
    const p = parse(text);
    expect(p.expect).toHaveLength(1);
    expect(p.expect[0]).toMatchObject({
      domains: ['example.com', '*.example.com'],
      severity: 'error',
      dmarc: 'quarantine',
      dkimSelectors: ['google', 's1'],
      mxHosts: ['aspmx.l.google.com', '*.google.com'],
      spfIncludes: ['_spf.google.com'],
      spfMaxLookups: 8,
    });
    expect(p.waivers[0]).toMatchObject({ finding: 'tls-rpt/missing', expires: '2026-09-30', line: 12 });
  });

  it('an empty file is an empty policy', () => {
    expect(parse('')).toEqual({ file: 'p.yml', expect: [], waivers: [] });
  });

  it.each([
    ['an unknown top-level key', 'expect: []\nwaiver: []\n', /line 2: unknown key "waiver"/],
    [
      'an unknown key in a block',
      'expect:\n  - dmarc: reject\n    dmrac: none\n',
      /line 3: unknown key "dmrac"/,
    ],
    [
      'a weak word for dmarc',
      'expect:\n  - dmarc: strict\n',
      /line 2: "dmarc" must be none, quarantine, reject/,
    ],
    [
      'a lookup budget over 10',
      'expect:\n  - spfMaxLookups: 11\n',
      /line 2: "spfMaxLookups" must be a whole number from 1 to 10/,
    ],
    [
      'a block with no expectation',
      'expect:\n  - domains: [a.example]\n',
      /line 2: an "expect" entry needs at least one of/,
    ],
    [
      'a bad domain pattern',
      'expect:\n  - domains: ["a..b"]\n    dmarc: none\n',
      /line 2: "a\.\.b" is not a domain/,
    ],
    [
      'a waiver without a reason',
      'waivers:\n  - finding: spf/x\n    expires: 2026-07-01\n',
      /line 2: a waiver needs "reason"/,
    ],
    [
      'a waiver without expiry',
      'waivers:\n  - finding: spf/x\n    reason: r\n',
      /line 2: a waiver needs "expires"/,
    ],
    [
      'a bad date',
      'waivers:\n  - finding: spf/x\n    reason: r\n    expires: 2026-02-30\n',
      /line 4: "expires" must be a date/,
    ],
    [
      'an expiry past the horizon',
      'waivers:\n  - finding: spf/x\n    reason: r\n    expires: 2027-06-03\n',
      new RegExp(`line 4: "expires" is more than ${MAX_WAIVER_DAYS} days ahead`),
    ],
    [
      'a finding that is no id',
      'waivers:\n  - finding: "spf"\n    reason: r\n    expires: 2026-07-01\n',
      /line 2: "finding" must be a finding id/,
    ],
    [
      'waiving the expiry itself',
      'waivers:\n  - finding: policy/waiver-expired\n    reason: r\n    expires: 2026-07-01\n',
      /cannot be waived/,
    ],
    ['an alias', 'x: &a [1]\n', /line 1: unknown key "x"/],
    ['an alias as a value', 'expect:\n  - dmarc: &d reject\n  - dmarc: *d\n', /line 3: aliases/],
    ['a duplicate key', 'expect: []\nexpect: []\n', /line 2: not valid YAML/],
    ['broken YAML', 'expect: [\n', /not valid YAML/],
    ['a version other than 1', 'version: 2\n', /line 1: "version" must be 1/],
  ])('rejects %s, naming the line', (_what, text, error) => {
    expect(() => parse(text)).toThrow(error);
  });

  it('bounds the file size', () => {
    expect(() => parse(`# ${'x'.repeat(300 * 1024)}\n`)).toThrow(/larger than/);
  });
});

const DEMO = parseYaml(readFileSync(join(packageRoot(), 'src', 'demo', 'world.yaml'), 'utf8')) as ZoneObject;

/** A domain that meets every expectation of EVERYTHING below (the demo world's DKIM key). */
const WORLD: ZoneObject = {
  com: { SOA: 'a.nic.lab hostmaster.nic.lab 1 1800 900 604800 86400' },
  'example.com': {
    SOA: 'ns1.example.com hostmaster.example.com 1 7200 3600 1209600 300',
    MX: ['1 aspmx.l.google.com'],
    TXT: 'v=spf1 include:_spf.google.com -all',
  },
  '_dmarc.example.com': { TXT: 'v=DMARC1; p=quarantine' },
  'google._domainkey.example.com': DEMO['s1._domainkey.good.example'],
  'google.com': { SOA: 'ns1.google.com dns-admin.google.com 1 900 900 1800 60' },
  '_spf.google.com': { TXT: 'v=spf1 include:_netblocks.google.com ~all' },
  '_netblocks.google.com': { TXT: 'v=spf1 ip4:192.0.2.0/25 ~all' },
  'aspmx.l.google.com': { A: '192.0.2.26' },
};

const EVERYTHING = `expect:
  - dmarc: quarantine
    dkimSelectors: [google]
    mxHosts: ["*.google.com"]
    spfIncludes: [_spf.google.com]
    spfMaxLookups: 2
`;

async function judged(world: ZoneObject, policyText: string, domain = 'example.com'): Promise<Report> {
  const policy = parse(policyText);
  const report = await audit(
    { domain, dkimSelectors: ['google'] },
    { probe: memoryProbe(memoryResolver(world)), checks: ['dmarc', 'dkim', 'mx', 'spf'] },
  );
  return applyPolicy(report, policy, { today: TODAY });
}

function policyFindings(report: Report): Record<string, Finding['severity']> {
  return Object.fromEntries(
    (report.checks['policy']?.findings ?? []).map((f) => [
      `${f.id} ${String(f.evidence['expected'])}`,
      f.severity,
    ]),
  );
}

describe('expectations judged from the audit evidence', () => {
  it('all met: info findings, the policy section passes', async () => {
    const r = await judged(WORLD, EVERYTHING);
    expect(policyFindings(r)).toEqual({
      'policy/dmarc-policy quarantine': 'info',
      'policy/dkim-selector google': 'info',
      'policy/mx-host *.google.com': 'info',
      'policy/spf-include _spf.google.com': 'info',
      'policy/spf-lookups 2': 'info',
    });
    expect(r.checks['policy']?.status).toBe('pass');
  });

  it('unmet: each at the block severity (default error), with the line of its key', async () => {
    const world: ZoneObject = {
      ...WORLD,
      'example.com': {
        ...(WORLD['example.com'] as object),
        MX: ['1 mx.other.example'],
        TXT: 'v=spf1 include:_spf.google.com a mx a:x.example.com -all',
      },
      '_dmarc.example.com': { TXT: 'v=DMARC1; p=none' },
      'google._domainkey.example.com': {},
    };
    const r = await judged(
      world,
      `${EVERYTHING.replace('spfIncludes: [_spf.google.com]', 'spfIncludes: [spf.protection.outlook.com]')}`,
    );
    expect(policyFindings(r)).toEqual({
      'policy/dmarc-policy quarantine': 'error',
      'policy/dkim-selector google': 'error',
      'policy/mx-host *.google.com': 'error',
      'policy/spf-include spf.protection.outlook.com': 'error',
      'policy/spf-lookups 2': 'error',
    });
    const mx = r.checks['policy']?.findings.find((f) => f.id === 'policy/mx-host');
    expect(mx?.evidence['line']).toBe(4);
    expect(mx?.message).toContain('(mx.other.example) do not include *.google.com');
    const warn = await judged(world, 'expect:\n  - severity: warning\n    dmarc: reject\n');
    expect(policyFindings(warn)).toEqual({ 'policy/dmarc-policy reject': 'warning' });
  });

  it('unknown, not unmet, when the evidence could not be measured', async () => {
    const world: ZoneObject = {
      ...WORLD,
      '_dmarc.example.com': 'SERVFAIL',
      'google._domainkey.example.com': 'TIMEOUT',
      'example.com': { ...(WORLD['example.com'] as object), MX: 'SERVFAIL' },
      '_spf.google.com': 'SERVFAIL',
    };
    const r = await judged(
      world,
      EVERYTHING.replace('spfMaxLookups: 2', 'spfMaxLookups: 9').replace(
        '_spf.google.com]',
        '_other.google.com]',
      ),
    );
    expect(policyFindings(r)).toEqual({
      'policy/dmarc-policy quarantine': 'unknown',
      'policy/dkim-selector google': 'unknown',
      'policy/mx-host *.google.com': 'unknown',
      'policy/spf-include _other.google.com': 'unknown',
      'policy/spf-lookups 9': 'unknown',
    });
  });

  it('unknown when the check did not run (--check)', async () => {
    const report = await audit(
      { domain: 'example.com' },
      { probe: memoryProbe(memoryResolver(WORLD)), checks: ['spf'] },
    );
    const r = applyPolicy(report, parse('expect:\n  - dmarc: reject\n'), { today: TODAY });
    expect(r.checks['policy']?.findings[0]?.severity).toBe('unknown');
    expect(r.checks['policy']?.findings[0]?.message).toContain('the dmarc check did not run');
  });

  it('a block applies only to its domains (a name, or *.name for the names under it)', async () => {
    expect(
      policyFindings(await judged(WORLD, 'expect:\n  - domains: [other.example]\n    dmarc: reject\n')),
    ).toEqual({});
    expect(
      policyFindings(await judged(WORLD, 'expect:\n  - domains: ["*.com"]\n    dmarc: reject\n')),
    ).toEqual({ 'policy/dmarc-policy reject': 'error' });
    expect(
      policyFindings(await judged(WORLD, 'expect:\n  - domains: ["*.example.com"]\n    dmarc: reject\n')),
    ).toEqual({});
  });
});

describe('waivers', () => {
  const failing = { ...WORLD, '_dmarc.example.com': { TXT: 'v=DMARC1; p=none' } };
  const policy = (waiver: string) => `${EVERYTHING}waivers:\n${waiver}`;

  it('an active waiver marks the finding waived (still shown), an exact id or a glob', async () => {
    for (const finding of ['policy/dmarc-policy', 'policy/*', '*/dmarc-*']) {
      const r = await judged(
        failing,
        policy(`  - finding: '${finding}'\n    reason: moving, OPS-1\n    expires: 2026-06-01\n`),
      );
      const f = r.checks['policy']?.findings.find((x) => x.id === 'policy/dmarc-policy');
      expect(f?.severity).toBe('error');
      expect(f?.waived).toEqual({
        reason: 'moving, OPS-1',
        expires: '2026-06-01',
        finding,
        file: 'p.yml',
        line: 8,
      });
      // Info findings are never waived.
      expect(r.checks['policy']?.findings.filter((x) => x.waived)).toHaveLength(1);
    }
  });

  it('an expired waiver (the day after expires, UTC) waives nothing and is an error of its own', async () => {
    const r = await judged(
      failing,
      policy('  - finding: policy/dmarc-policy\n    reason: moving\n    expires: 2026-05-31\n'),
    );
    const findings = r.checks['policy']?.findings ?? [];
    expect(findings.find((x) => x.id === 'policy/dmarc-policy')?.waived).toBeUndefined();
    const expired = findings.find((x) => x.id === 'policy/waiver-expired');
    expect(expired).toMatchObject({
      severity: 'error',
      evidence: { line: 8, reason: 'moving', expires: '2026-05-31' },
    });
    expect(expired?.message).toContain('expired on 2026-05-31');
  });

  it('a waiver for another domain or identity does not apply', async () => {
    const other = await judged(
      failing,
      policy('  - finding: policy/*\n    domains: [other.example]\n    reason: r\n    expires: 2026-07-01\n'),
    );
    expect(other.checks['policy']?.findings.some((f) => f.waived)).toBe(false);
    const waiver =
      '  - finding: policy/*\n    identities: [example.com-1a2b3c4d]\n    reason: r\n    expires: 2026-07-01\n';
    const report = await audit(
      { domain: 'example.com', dkimSelectors: ['google'] },
      { probe: memoryProbe(memoryResolver(failing)), checks: ['dmarc'] },
    );
    const p: Policy = parse(policy(waiver));
    expect(applyPolicy(report, p, { today: TODAY }).checks['policy']?.findings.some((f) => f.waived)).toBe(
      false,
    );
    expect(
      applyPolicy(report, p, { today: TODAY, identity: 'example.com-1a2b3c4d' }).checks[
        'policy'
      ]?.findings.some((f) => f.waived),
    ).toBe(true);
  });

  it('globs match whole ids only', () => {
    expect(waiverMatches('spf/*', 'spf/too-many-lookups')).toBe(true);
    expect(waiverMatches('spf/*', 'dmarc/missing')).toBe(false);
    expect(waiverMatches('spf/too', 'spf/too-many-lookups')).toBe(false);
    expect(waiverMatches('*/no-rua', 'dmarc/no-rua')).toBe(true);
  });
});
