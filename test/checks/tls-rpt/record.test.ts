import { describe, expect, it } from 'vitest';
import {
  checkReportUri,
  isTlsRptRecord,
  looksLikeTlsRpt,
  parseTlsRpt,
  TLSRPT_MAX_RUA,
} from '../../../checks/tls-rpt/record.js';

describe('TLS-RPT record selection (RFC 8460 3)', () => {
  it.each<[string, boolean, boolean]>([
    ['v=TLSRPTv1; rua=mailto:r@example.com', true, false],
    ['v=TLSRPTv1;rua=mailto:r@example.com', true, false],
    ['v=TLSRPTv1 ; rua=mailto:r@example.com', true, false],
    ['v=TLSRPTv1', true, false],
    ['v=tlsrptv1; rua=mailto:r@example.com', false, true],
    ['v=TLSRPTv1 rua=mailto:r@example.com', false, true],
    [' v=TLSRPTv1; rua=mailto:r@example.com', false, true],
    ['v=TLSRPTv10; rua=mailto:r@example.com', false, true],
    ['v=spf1 -all', false, false],
    ['v=STSv1; id=1', false, false],
  ])('%j -> record %s, discarded look-alike %s', (text, is, looks) => {
    expect(isTlsRptRecord(text)).toBe(is);
    expect(looksLikeTlsRpt(text)).toBe(looks);
  });
});

describe('TLS-RPT report URIs', () => {
  it.each<[string, boolean]>([
    ['mailto:tlsrpt@example.com', true],
    ['MAILTO:tlsrpt@example.com', true],
    ['mailto:tls+rpt@reports.example.co.uk', true],
    ['mailto:tlsrpt@example.com?subject=tls', true],
    ['https://reports.example.com/tlsrpt', true],
    ['https://reports.example.com:8443/v1/tlsrpt?x=1', true],
    ['http://reports.example.com/tlsrpt', false],
    ['ftp://reports.example.com/', false],
    ['tlsrpt@example.com', false],
    ['mailto:', false],
    ['mailto:example.com', false],
    ['mailto:a@', false],
    ['mailto:a@-bad-.example', false],
    ['https:reports.example.com', false],
    ['https://', false],
    ['', false],
  ])('%j valid=%s', (uri, valid) => {
    const r = checkReportUri(uri);
    expect(r.valid).toBe(valid);
    if (!valid) expect(r.problem).toBeTruthy();
  });
});

describe('TLS-RPT record parsing (RFC 8460 3 ABNF)', () => {
  it('parses rua list with white space around commas, ignores extensions', () => {
    const r = parseTlsRpt('v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x; ext_1=foo;');
    expect(r.errors).toEqual([]);
    expect(r.rua.map((u) => [u.uri, u.scheme, u.valid])).toEqual([
      ['mailto:a@example.com', 'mailto', true],
      ['https://r.example.com/x', 'https', true],
    ]);
    expect(r.extensions).toEqual([{ name: 'ext_1', value: 'foo' }]);
  });

  it.each<[string, RegExp]>([
    ['v=TLSRPTv1', /no "rua="/],
    ['v=TLSRPTv1;', /no "rua="/],
    ['v=TLSRPTv1; ext=1', /no "rua="/],
    ['v=TLSRPTv1;; rua=mailto:a@example.com', /empty field/],
    ['v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com', /more than once/],
    ['v=TLSRPTv1; RUA=mailto:a@example.com', /lower-case "rua"/],
    ['v=TLSRPTv1; rua =mailto:a@example.com', /white space before/],
    ['v=TLSRPTv1; rua=mailto:a@example.com; junk', /not name=value/],
    ['v=TLSRPTv1; rua=mailto:a@example.com; -x=1', /field name "-x"/],
    ['v=TLSRPTv1; rua=mailto:a@example.com; x=', /empty or has characters/],
    ['v=TLSRPTv1; rua=mailto:a@example.com; v=TLSRPTv1', /"v" is given more than once/],
    ['v=TLSRPTv2; rua=mailto:a@example.com', /must start with/],
  ])('%j is invalid (%s)', (text, problem) => {
    const r = parseTlsRpt(text);
    expect(r.errors.join('\n')).toMatch(problem);
  });

  it('keeps invalid URIs apart from syntax errors', () => {
    const r = parseTlsRpt('v=TLSRPTv1; rua=http://r.example.com/,mailto:a@example.com');
    expect(r.errors).toEqual([]);
    expect(r.rua.map((u) => u.valid)).toEqual([false, true]);
    expect(r.rua[0]?.problem).toMatch(/"http:"/);
  });

  it('bounds the URIs it examines', () => {
    const many = Array.from({ length: TLSRPT_MAX_RUA + 5 }, (_, i) => `mailto:r${i}@example.com`).join(',');
    const r = parseTlsRpt(`v=TLSRPTv1; rua=${many}`);
    expect(r.rua).toHaveLength(TLSRPT_MAX_RUA);
    expect(r.ruaNotChecked).toBe(5);
  });

  it('survives a hostile record quickly', () => {
    const text = `v=TLSRPTv1;${'x=1;'.repeat(20_000)}rua=mailto:a@example.com`;
    const t0 = Date.now();
    const r = parseTlsRpt(text);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(r.errors.join()).toMatch(/more than/);
  });
});
