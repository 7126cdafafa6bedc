/**
 * A small fleet (summary + reports) with hostile strings in every field that can come from DNS,
 * SMTP or a config file, for the HTML renderer's unit and browser tests.
 */
import { rowFromReport } from '../../src/fleet/row.js';
import type { FleetIdentityRow, FleetSummary } from '../../src/fleet/summary.js';
import { SUMMARY_SCHEMA_VERSION } from '../../src/fleet/summary.js';
import type { CheckResult, Report } from '../../src/report.js';
import { overallStatusOf } from '../../src/report.js';
import { HOSTILE_TXT, sampleReport } from './sample-report.js';

export const XSS_SCRIPT = '<script>alert(1)</script>';
export const XSS_IMG = '"><img src=x onerror=alert(1)>';
export const XSS_CLOSE = '</script><script>alert(2)</script><!--';
/** Every hostile string at once, as a TXT record could hold it. */
export const HOSTILE = `v=spf1 ${XSS_SCRIPT} ${XSS_IMG} ${XSS_CLOSE} \u2028\u2029 ' & &amp; -all`;

function spfEvidence(record: string) {
  const leaf = (domain: string, lookups: number, ranges: string[]) => ({
    domain,
    status: 'fetched',
    lookups,
    subtreeLookups: lookups,
    ranges,
    children: [],
  });
  const esp = {
    domain: '_spf.esp.example',
    status: 'fetched',
    lookups: 3,
    subtreeLookups: 9,
    ranges: [],
    children: [
      leaf('_netblocks1.esp.example', 2, ['198.51.100.0/24']),
      leaf('_netblocks2.esp.example', 2, ['203.0.113.0/24', '2001:db8::/32']),
      leaf('_netblocks3.esp.example', 2, []),
    ],
  };
  return {
    domain: 'shop.example',
    record,
    nodes: [],
    tree: {
      domain: 'shop.example',
      status: 'fetched',
      lookups: 3,
      subtreeLookups: 13,
      ranges: ['192.0.2.0/28'],
      children: [
        esp,
        leaf(`evil${XSS_IMG}.example`, 1, [XSS_SCRIPT]),
        { ...leaf('gone.example', 0, []), status: 'loop' },
      ],
    },
    totalLookups: 13,
    totalVoidLookups: 0,
    worstChain: ['shop.example', '_spf.esp.example', '_netblocks1.esp.example'],
    truncated: false,
    incomplete: false,
    ipResults: [],
  };
}

function withStatus(report: Report): Report {
  report.status = overallStatusOf(Object.values(report.checks));
  return report;
}

function check(
  id: string,
  status: CheckResult['status'],
  findings: CheckResult['findings'] = [],
): CheckResult {
  return { id, title: id.toUpperCase(), status, findings, durationMs: 1 };
}

/** fail: SPF over the lookup limit with a hostile record, DMARC missing, PTR unknown. */
export function failingReport(): Report {
  const r = sampleReport();
  r.target = {
    domain: 'shop.example',
    ips: ['192.0.2.1'],
    helo: `mta${XSS_IMG}`,
    mailFrom: `bounce@${XSS_SCRIPT}`,
    profile: 'bulk',
  };
  const spf = r.checks.spf!;
  spf.evidence = spfEvidence(HOSTILE);
  spf.findings = spf.findings.map((f) => ({
    ...f,
    message: `${f.message} ${HOSTILE}`,
    evidence: { ...f.evidence, record: HOSTILE },
    remediation: `${f.remediation}\nPublish: shop.example. TXT "${XSS_IMG}"`,
  }));
  r.checks.ptr!.error = `deadline ${XSS_CLOSE}`;
  return withStatus(r);
}

export function warnReport(): Report {
  const r = sampleReport();
  r.target = { domain: 'news.example', ips: [], profile: 'bulk', dkimSelectors: ['s1', XSS_SCRIPT] };
  r.checks = {
    spf: check('spf', 'pass'),
    dmarc: check('dmarc', 'warn', [
      {
        id: 'dmarc/policy-none',
        severity: 'warning',
        title: 'DMARC policy is none',
        message: `p=none at _dmarc.news.example ${HOSTILE_TXT}`,
        evidence: { record: `v=DMARC1; p=none; rua=mailto:${XSS_IMG}` },
        remediation: 'Move to p=quarantine once reports are clean.',
        predictedReplies: [],
      },
    ]),
    dkim: check('dkim', 'pass'),
    mx: check('mx', 'pass'),
    ptr: check('ptr', 'skipped'),
  };
  r.predictedReplies = [];
  return withStatus(r);
}

export function passReport(domain: string): Report {
  const r = warnReport();
  r.target = { domain, ips: ['198.51.100.7'], profile: 'transactional' };
  r.checks.dmarc = check('dmarc', 'pass');
  r.checks.ptr = check('ptr', 'pass');
  return withStatus(r);
}

export function unknownReport(): Report {
  const r = passReport('slow.example');
  r.checks.mx = {
    ...check('mx', 'unknown', [
      {
        id: 'mx/timeout',
        severity: 'unknown',
        title: 'MX lookup timed out',
        message: 'No answer for slow.example MX',
        evidence: { error: 'timeout' },
        remediation: 'Retry later.',
        predictedReplies: [],
      },
    ]),
  };
  return withStatus(r);
}

export interface FleetFixture {
  summary: FleetSummary;
  reports: Map<string, Report>;
}

export function fleetFixture(): FleetFixture {
  const reports = new Map<string, Report>();
  const rows: FleetIdentityRow[] = [];
  const add = (key: string, report: Report) => {
    reports.set(key, report);
    rows.push(rowFromReport(key, report));
  };
  add('shop.example-aaaaaaaa', failingReport());
  add('news.example-bbbbbbbb', warnReport());
  add('slow.example-cccccccc', unknownReport());
  for (let i = 0; i < 5; i++) add(`ok${i}.example-dddddd0${i}`, passReport(`ok${i}.example`));
  rows.push({
    key: `broken.example-eeeeeeee`,
    domain: 'broken.example',
    target: { domain: 'broken.example', ips: [], profile: 'bulk' },
    status: 'error',
    checks: {},
    counts: { error: 0, warning: 0, info: 0, unknown: 0 },
    findings: [],
    predictedReplies: [],
    error: `internal error: ${XSS_SCRIPT}`,
  });
  rows.sort((a, b) => (a.key < b.key ? -1 : 1));
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const summary: FleetSummary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    kind: 'mail-preflight-fleet-summary',
    tool: { name: 'mail-preflight', version: '0.1.0' },
    run: {
      startedAt: '2026-11-02T02:00:00.000Z',
      finishedAt: '2026-11-02T02:00:05.000Z',
      durationMs: 5000,
      concurrency: 16,
      resumed: 0,
      complete: true,
      inputs: [`fleet${XSS_IMG}.yaml`],
    },
    totals: {
      identities: rows.length,
      done: rows.length,
      pass: count('pass'),
      warn: count('warn'),
      fail: count('fail'),
      unknown: count('unknown'),
      error: count('error'),
      invalid: 1,
    },
    checks: ['spf', 'dmarc', 'dkim', 'ptr', 'mx', 'tls'],
    regressions: {
      baseline: '/srv/reports/2026-11-01',
      current: '/srv/reports/2026-11-02',
      baselineStartedAt: '2026-11-01T02:00:00.000Z',
      hasRegressions: true,
      counts: {
        regressed: 1,
        newFailures: 1,
        fixed: 1,
        changedReplies: 1,
        added: 1,
        gone: 1,
        recordChanges: 1,
        statusChanges: 1,
      },
      identities: [
        {
          key: 'shop.example-aaaaaaaa',
          domain: 'shop.example',
          statusBefore: 'pass',
          statusAfter: 'fail',
          newFailures: [{ id: 'spf/too-many-lookups', severity: 'error' }],
          fixed: [{ id: 'dmarc/policy-none', severity: 'warning' }],
          repliesAdded: [
            {
              provider: 'gmail',
              code: 550,
              enhanced: '5.7.26',
              permanent: true,
              condition: 'spf-cannot-pass',
            },
          ],
          repliesRemoved: [],
          recordChanges: [
            {
              kind: 'spf',
              name: 'shop.example',
              before: 'v=spf1 include:_spf.esp.example -all',
              after: HOSTILE,
            },
          ],
          regression: true,
        },
      ],
      added: [{ key: 'ok4.example-dddddd04', domain: 'ok4.example' }],
      gone: [{ key: 'old.example-ffffffff', domain: `old${XSS_IMG}.example` }],
    },
    invalidEntries: [{ file: 'fleet.yaml', line: 42, message: `bad domain "${XSS_IMG}"` }],
    identities: rows,
    dns: { queriesSent: 120, cacheHits: 80, cacheMisses: 40, timeouts: 1, tcpRetries: 0, errors: 1 },
  };
  return { summary, reports };
}
