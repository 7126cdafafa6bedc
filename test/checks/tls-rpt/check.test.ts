import { describe, expect, it } from 'vitest';
import { type TlsRptEvidence, tlsRptCheck } from '../../../checks/tls-rpt/index.js';
import { renderTemplate } from '../../../src/check.js';
import type { Target } from '../../../src/report.js';

const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };

function ev(
  records: string[] | 'servfail',
  related?: Partial<{ sts: boolean; dane: boolean }>,
): TlsRptEvidence {
  const e: TlsRptEvidence = {
    domain: 'example.com',
    name: '_smtp._tls.example.com',
    txt:
      records === 'servfail'
        ? { kind: 'error', error: 'servfail', detail: 'SERVFAIL', records: [], cnameChain: [] }
        : { kind: records.length ? 'ok' : 'nodata', ad: false, records, cnameChain: [] },
  };
  if (related) {
    e.related = {
      mtaSts: { kind: 'ok', ad: false, published: related.sts ?? false },
      dane: {
        mx: { kind: 'ok', ad: false },
        tlsa: [{ host: 'mx.example.com', kind: 'ok', ad: true, published: related.dane ?? false }],
        published: related.dane ?? false,
      },
    };
  }
  return e;
}
const keys = (e: TlsRptEvidence) => tlsRptCheck.judge(e, target).map((f) => f.key);

describe('tls-rpt judge', () => {
  it.each<[string, TlsRptEvidence, string[]]>([
    ['valid mailto', ev(['v=TLSRPTv1; rua=mailto:tlsrpt@example.com']), []],
    ['valid https + mailto', ev(['v=TLSRPTv1;rua=https://r.example.net/t,mailto:t@example.com;']), []],
    ['unrelated TXT records are ignored', ev(['v=spf1 -all', 'v=TLSRPTv1; rua=mailto:t@example.com']), []],
    ['missing, nothing else published', ev([], {}), ['missing']],
    ['missing, related not measured', ev(['hello']), ['missing']],
    ['missing with MTA-STS', ev([], { sts: true }), ['recommended']],
    ['missing with DANE', ev([], { dane: true }), ['recommended']],
    [
      'two records (RFC 8460 3: exactly one)',
      ev(['v=TLSRPTv1; rua=mailto:a@example.com', 'v=TLSRPTv1; rua=mailto:b@example.com']),
      ['multiple-records'],
    ],
    ['no rua', ev(['v=TLSRPTv1; ext=1']), ['invalid-record']],
    ['only an http: URI', ev(['v=TLSRPTv1; rua=http://r.example.com/']), ['no-valid-rua']],
    [
      'one bad URI next to a good one',
      ev(['v=TLSRPTv1; rua=ftp://r.example.com/,mailto:t@example.com']),
      ['invalid-rua'],
    ],
    [
      'wrong case: discarded by senders',
      ev(['v=tlsrptv1; rua=mailto:t@example.com'], {}),
      ['ignored-record', 'missing'],
    ],
    ['SERVFAIL is unknown, never missing', ev('servfail'), ['dns-error']],
  ])('%s -> %j', (_name, e, expected) => {
    expect(keys(e)).toEqual(expected);
  });

  it('recommended names what is published and gives the exact record to publish', () => {
    const [f] = tlsRptCheck.judge(ev([], { sts: true, dane: true }), target);
    expect(f?.data?.['published']).toBe('MTA-STS and DANE');
    const spec = tlsRptCheck.findings['recommended']!;
    expect(spec.severity).toBe('warning');
    expect(renderTemplate(spec.title, f?.data)).toBe(
      'TLS-RPT record missing while MTA-STS and DANE is published',
    );
    expect(renderTemplate(spec.fix, f?.data)).toContain(
      '_smtp._tls.example.com. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"',
    );
  });

  it('every finding has a severity, title, message and fix, and no reply conditions', () => {
    for (const spec of Object.values(tlsRptCheck.findings)) {
      expect(spec.title && spec.message && spec.fix).toBeTruthy();
      expect('conditions' in spec).toBe(false);
    }
    expect(tlsRptCheck.findings['missing']?.severity).toBe('info');
    expect(tlsRptCheck.findings['dns-error']?.severity).toBe('unknown');
    expect(tlsRptCheck.findings['multiple-records']?.severity).toBe('error');
  });
});
