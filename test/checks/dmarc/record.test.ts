import { describe, expect, it } from 'vitest';
import {
  DMARC_MAX_TAGS,
  dmarcVersionProblem,
  hasMisplacedVersion,
  hasValidRua,
  isDmarcRecord,
  parseDmarcRecord,
  parseReportUri,
} from '../../../checks/dmarc/record.js';

const problemsOf = (text: string) => parseDmarcRecord(text).problems.map((p) => `${p.key}:${p.tag}`);

describe('isDmarcRecord / hasMisplacedVersion (RFC 7489 6.6.3 step 3)', () => {
  it.each([
    ['v=DMARC1; p=none', true],
    ['v=DMARC1', true],
    ['v = DMARC1 ;p=reject', true],
    // The tag name is an ABNF literal, matched in any case (RFC 5234 2.3).
    ['V=DMARC1; p=none', true],
    // RFC 7489 6.4 / RFC 9989 4.8: no leading space; the value "DMARC1" is case-sensitive.
    [' v = DMARC1 ;p=reject', false],
    ['v=dmarc1; p=none', false],
    ['v=DMARC10; p=none', false],
    ['p=none; v=DMARC1', false],
    ['v=spf1 -all', false],
    ['', false],
  ])('%j -> %s', (text, expected) => {
    expect(isDmarcRecord(text)).toBe(expected);
  });

  it('flags v=DMARC1 that is not the first tag', () => {
    expect(hasMisplacedVersion('p=none; v=DMARC1')).toBe(true);
    expect(hasMisplacedVersion('v=DMARC1; p=none')).toBe(false);
    expect(hasMisplacedVersion('v=spf1 -all')).toBe(false);
    // A leading space or a lower-case version is its own near miss, not a misplaced tag.
    expect(hasMisplacedVersion(' v=DMARC1; p=none')).toBe(false);
    expect(hasMisplacedVersion('v=dmarc1; p=none')).toBe(false);
  });

  it.each([
    ['v=DMARC1; p=reject', undefined],
    ['v=dmarc1; p=reject', 'version-case'],
    ['v=Dmarc1', 'version-case'],
    [' v=DMARC1; p=reject', 'leading-space'],
    ['\tv=dmarc1; p=reject', 'leading-space'],
    ['p=reject; v=DMARC1', 'version-not-first'],
    ['v=spf1 -all', undefined],
  ])('dmarcVersionProblem(%j) -> %s (RFC 7489 6.3/6.4, RFC 9989 4.7/4.8)', (text, expected) => {
    expect(dmarcVersionProblem(text)).toBe(expected);
  });
});

describe('parseDmarcRecord: valid records', () => {
  it('fills the RFC 7489 6.3 defaults', () => {
    const r = parseDmarcRecord('v=DMARC1; p=reject');
    expect(r.problems).toEqual([]);
    expect(r.tags).toEqual({
      p: 'reject',
      adkim: 'r',
      aspf: 'r',
      pct: 100,
      fo: ['0'],
      rf: ['afrf'],
      ri: 86400,
      rua: [],
      ruf: [],
    });
  });

  it('reads every tag, tolerating whitespace, case and a trailing ;', () => {
    const r = parseDmarcRecord(
      'v=DMARC1 ;P = Quarantine; sp=reject; np=reject; adkim=S; aspf=s; pct=50; fo=1 : d:s; rf=afrf; ri=3600; ' +
        'rua=mailto:agg@example.com, mailto:agg@reports.example.net!10m; ruf=mailto:forensic@example.com; t=y; psd=n;',
    );
    // rf and ri are valid RFC 7489 tags that RFC 9989 removes (Appendix C).
    expect(r.problems.map((p) => `${p.key}:${p.tag}`)).toEqual(['removed-tag:rf', 'removed-tag:ri']);
    expect(r.tags).toMatchObject({
      p: 'quarantine',
      sp: 'reject',
      np: 'reject',
      adkim: 's',
      aspf: 's',
      pct: 50,
      fo: ['1', 'd', 's'],
      ri: 3600,
      rua: ['mailto:agg@example.com', 'mailto:agg@reports.example.net!10m'],
      ruf: ['mailto:forensic@example.com'],
      t: 'y',
      psd: 'n',
    });
    expect(r.reportUris.rua[1]).toMatchObject({ domain: 'reports.example.net', size: '10m' });
    expect(hasValidRua(r)).toBe(true);
  });

  it('pct bounds 0 and 100 are valid', () => {
    expect(parseDmarcRecord('v=DMARC1; p=none; pct=0').tags.pct).toBe(0);
    expect(problemsOf('v=DMARC1; p=none; pct=100')).toEqual([]);
  });
});

describe('parseDmarcRecord: invalid values, one problem per bad tag', () => {
  it.each([
    // RFC 7489 6.6.3 step 6, RFC 9989 4.10.1: an invalid sp or np spoils the whole record.
    ['v=DMARC1; p=none; sp=block', ['invalid-subdomain-policy:sp']],
    ['v=DMARC1; p=none; np=maybe', ['invalid-subdomain-policy:np']],
    ['v=DMARC1; p=none; adkim=x', ['invalid-tag-value:adkim']],
    ['v=DMARC1; p=none; aspf=relaxed', ['invalid-tag-value:aspf']],
    ['v=DMARC1; p=none; pct=101', ['invalid-tag-value:pct']],
    ['v=DMARC1; p=none; pct=-1', ['invalid-tag-value:pct']],
    ['v=DMARC1; p=none; pct=50%', ['invalid-tag-value:pct']],
    ['v=DMARC1; p=none; fo=2', ['invalid-tag-value:fo']],
    ['v=DMARC1; p=none; fo=1;d', ['invalid-tag-value:']],
    // RFC 9989 4.7: "0" and "1" are mutually exclusive; 4.8: each option at most once.
    ['v=DMARC1; p=none; fo=0:1', ['invalid-tag-value:fo']],
    ['v=DMARC1; p=none; fo=d:d', ['invalid-tag-value:fo']],
    ['v=DMARC1; p=none; rf=iodef', ['removed-tag:rf', 'invalid-tag-value:rf']],
    ['v=DMARC1; p=none; ri=1h', ['removed-tag:ri', 'invalid-tag-value:ri']],
    ['v=DMARC1; p=none; ri=4294967296', ['removed-tag:ri', 'invalid-tag-value:ri']],
    // RFC 7489 6.4: p comes right after v (RFC 9989 4.8 allows any order after v).
    ['v=DMARC1; sp=none; p=reject', ['policy-not-second:p']],
    ['v=DMARC1; p=none; t=true', ['invalid-tag-value:t']],
    ['v=DMARC1; p=none; psd=x', ['invalid-tag-value:psd']],
    ['v=DMARC1; p=none; p=reject', ['invalid-tag-value:p']],
    ['V=dmarc1; p=none', ['invalid-tag-value:v']],
    ['v=DMARC1; p=none; foo=bar', ['unknown-tag:foo']],
    ['v=DMARC1; p=block', ['invalid-policy:p']],
    ['v=DMARC1; rua=mailto:a@example.com', ['missing-policy:p']],
    ['v=DMARC1; p=none; adkim=x; aspf=y', ['invalid-tag-value:adkim', 'invalid-tag-value:aspf']],
  ])('%j', (text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('an invalid value keeps the default', () => {
    const r = parseDmarcRecord('v=DMARC1; p=none; adkim=x; pct=200');
    expect(r.tags.adkim).toBe('r');
    expect(r.tags.pct).toBe(100);
  });

  it(`stops after ${DMARC_MAX_TAGS} tags (hostile input)`, () => {
    const text = 'v=DMARC1; p=none; ' + Array.from({ length: 500 }, (_, i) => `x${i}=1`).join('; ');
    const r = parseDmarcRecord(text);
    expect(r.raw.length).toBe(DMARC_MAX_TAGS);
    expect(r.problems.at(-1)?.reason).toMatch(/only the first/);
  });
});

describe('report URIs (RFC 7489 6.2, 6.4)', () => {
  it.each([
    ['mailto:dmarc@example.com', undefined],
    ['mailto:dmarc@example.com!50k', undefined],
    ['MAILTO:Dmarc@Example.com!1G', undefined],
    ['mailto:dmarc%2Breports@example.com', undefined],
    ['dmarc@example.com', /no scheme/],
    // RFC 7489 6.2/6.3, RFC 9989 4.7: any URI is valid; receivers must support mailto only.
    ['https://example.com/dmarc', undefined],
    ['mailto:dmarc@example.com!10x', /invalid size/],
    ['mailto:dmarc@example.com!', /invalid size/],
    ['mailto:dmarc', /not an e-mail address/],
    ['mailto:dmarc@exa_mple.com', /not a valid domain/],
    ['mailto:dmarc@localhost', /not a valid domain/],
    ['mailto:%E0%A4%A@example.com', /percent-encoding/],
  ])('%s', (uri, problem) => {
    const u = parseReportUri(uri);
    if (problem === undefined) expect(u.problem).toBeUndefined();
    else expect(u.problem).toMatch(problem);
  });

  it('decodes the address and lower-cases the domain', () => {
    expect(parseReportUri('mailto:dmarc%2Breports@Example.COM')).toMatchObject({
      address: 'dmarc+reports@Example.COM',
      domain: 'example.com',
      scheme: 'mailto',
    });
  });

  it('flags each bad URI of a list and an empty list item', () => {
    const r = parseDmarcRecord('v=DMARC1; p=none; rua=mailto:a@example.com,,https://x.example/r');
    expect(r.problems.map((p) => p.key)).toEqual(['bad-report-uri', 'report-uri-scheme']);
    expect(r.tags.rua).toEqual(['mailto:a@example.com', 'https://x.example/r']);
    expect(hasValidRua(r)).toBe(true);
    expect(hasValidRua(parseDmarcRecord('v=DMARC1; p=none; rua=dmarc@example.com'))).toBe(false);
    // A syntactically valid https URI counts (RFC 7489 6.6.3 step 6 asks for a valid URI).
    expect(hasValidRua(parseDmarcRecord('v=DMARC1; p=none; rua=https://x.example/r'))).toBe(true);
  });
});
