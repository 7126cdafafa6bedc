import { describe, expect, it } from 'vitest';
import {
  type MtaStsEvidence,
  type MxTlsEvidence,
  mtaStsCheck,
  mxTlsVerdict,
} from '../../../checks/mta-sts/index.js';
import type { HttpsFetchResult } from '../../../src/probe/https.js';
import type { Target } from '../../../src/report.js';

const target: Target = { domain: 'example.com', ips: [], profile: 'bulk' };
const URL_ = 'https://mta-sts.example.com/.well-known/mta-sts.txt';

function fetched(body: string, extra: Partial<HttpsFetchResult> = {}): HttpsFetchResult {
  return {
    url: URL_,
    ok: true,
    status: 200,
    headers: { contentType: 'text/plain' },
    body,
    durationMs: 5,
    ...extra,
  };
}

function evidence(o: Partial<MtaStsEvidence> = {}): MtaStsEvidence {
  return {
    domain: 'example.com',
    txt: { kind: 'ok', name: '_mta-sts.example.com', records: ['v=STSv1; id=1'], cnameChain: [] },
    tlsRpt: { kind: 'nxdomain', name: '_smtp._tls.example.com', present: false },
    policy: {
      fetched: true,
      url: URL_,
      result: fetched('version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n'),
    },
    mx: { kind: 'ok', hosts: ['mx.example.com'], nullMx: false, notChecked: 0 },
    mxTls: [{ host: 'mx.example.com', probed: true, connected: true, starttls: { offered: true, ok: true } }],
    smtpAvailable: true,
    ...o,
  };
}

const keys = (ev: MtaStsEvidence) => mtaStsCheck.judge(ev, target).map((f) => f.key);
const tlsOk: MxTlsEvidence['tls'] = { protocol: 'TLSv1.3', authorized: true, hostnameMatches: true };

describe('mxTlsVerdict (RFC 8461 4.2)', () => {
  const host = 'mx.example.com';
  it.each<[string, MxTlsEvidence, 'pass' | 'fail' | 'unknown']>([
    ['valid TLS', { host, probed: true, tls: tlsOk }, 'pass'],
    ['untrusted chain', { host, probed: true, tls: { ...tlsOk!, authorized: false } }, 'fail'],
    ['wrong name', { host, probed: true, tls: { ...tlsOk!, hostnameMatches: false } }, 'fail'],
    ['no STARTTLS', { host, probed: true, connected: true, starttls: { offered: false, ok: false } }, 'fail'],
    [
      'STARTTLS refused',
      { host, probed: true, connected: true, starttls: { offered: true, ok: false, code: 454, text: 'no' } },
      'fail',
    ],
    [
      'handshake failure',
      {
        host,
        probed: true,
        connected: true,
        starttls: { offered: true, ok: true },
        error: { kind: 'tls-handshake', stage: 'tls', detail: 'wrong version number' },
      },
      'fail',
    ],
    [
      'port 25 blocked',
      {
        host,
        probed: true,
        connected: false,
        error: { kind: 'connect-timeout', stage: 'connect', detail: 'timed out' },
      },
      'unknown',
    ],
    [
      'banner timeout',
      {
        host,
        probed: true,
        connected: true,
        error: { kind: 'banner-timeout', stage: 'banner', detail: 'slow' },
      },
      'unknown',
    ],
    ['not probed', { host, probed: false }, 'unknown'],
  ])('%s -> %s', (_name, ev, verdict) => {
    expect(mxTlsVerdict(ev).verdict).toBe(verdict);
  });
});

describe('judge with literal evidence', () => {
  it('enforce + STARTTLS refused -> mx-tls-failed; testing -> mx-tls-failed-testing', () => {
    const mxTls: MxTlsEvidence[] = [
      {
        host: 'mx.example.com',
        probed: true,
        connected: true,
        starttls: { offered: true, ok: false, code: 454 },
      },
    ];
    expect(keys(evidence({ mxTls }))).toEqual(['mx-tls-failed']);
    const testing = evidence({
      mxTls,
      policy: {
        fetched: true,
        url: URL_,
        result: fetched('version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 604800\n'),
      },
    });
    expect(keys(testing)).toEqual(['mode-testing', 'mx-tls-failed-testing']);
  });

  it('a fetch that could not run is unknown, not missing', () => {
    expect(keys(evidence({ policy: { fetched: false, url: URL_, reason: 'no HTTPS fetcher' } }))).toEqual([
      'policy-not-checked',
    ]);
  });

  it('an unreachable network is unknown; a refused connection is a failure', () => {
    const err = (code: string): MtaStsEvidence['policy'] => ({
      fetched: true,
      url: URL_,
      result: {
        url: URL_,
        ok: false,
        headers: {},
        error: { kind: 'connect', detail: code, code },
        durationMs: 1,
      },
    });
    expect(keys(evidence({ policy: err('ENETUNREACH') }))).toEqual(['policy-fetch-unknown']);
    expect(keys(evidence({ policy: err('ECONNREFUSED') }))).toEqual(['policy-fetch-failed']);
  });

  it('a broken TXT record skips the MX checks (senders ignore the policy), the policy is still judged', () => {
    const ev = evidence({
      txt: { kind: 'ok', name: '_mta-sts.example.com', records: ['v=STSv1; id=a-b'], cnameChain: [] },
      mxTls: [{ host: 'mx.example.com', probed: true, starttls: { offered: false, ok: false } }],
      mx: { kind: 'ok', hosts: ['other.example.net'], nullMx: false, notChecked: 0 },
    });
    expect(keys(ev)).toEqual(['invalid-record']);
  });

  it('the policy-invalid fix proposes a policy listing the real MX hosts', () => {
    const ev = evidence({ policy: { fetched: true, url: URL_, result: fetched('garbage\n') } });
    const [f] = mtaStsCheck.judge(ev, target);
    expect(f?.key).toBe('policy-invalid');
    expect(String(f?.data?.policyText)).toBe(
      'version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 604800',
    );
  });
});

describe('records where receivers following RFC 8461 disagree with lenient ones (issue 14)', () => {
  const policyText = 'version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n';
  it.each<[string, Partial<MtaStsEvidence>, string[]]>([
    // RFC 8461 3.2: a repeated non-repeated field keeps its first value: valid with id=foo.
    [
      'id given twice',
      {
        txt: {
          kind: 'ok',
          name: '_mta-sts.example.com',
          records: ['v=STSv1; id=foo; id=bar'],
          cnameChain: [],
        },
      },
      ['record-syntax-warning'],
    ],
    // RFC 8461 3.3: senders SHOULD check the media type, so they ignore a text/html policy.
    [
      'policy served as text/html',
      {
        policy: {
          fetched: true,
          url: URL_,
          result: fetched(policyText, { headers: { contentType: 'text/html; charset=utf-8' } }),
        },
      },
      ['policy-content-type-ignored'],
    ],
    [
      'no Content-Type header',
      { policy: { fetched: true, url: URL_, result: fetched(policyText, { headers: {} }) } },
      ['policy-content-type'],
    ],
    [
      'text/plain with a charset',
      {
        policy: {
          fetched: true,
          url: URL_,
          result: fetched(policyText, { headers: { contentType: 'Text/Plain; charset=utf-8' } }),
        },
      },
      [],
    ],
  ])('%s -> %j', (_name, o, expected) => {
    const mxTls: MxTlsEvidence[] = [{ host: 'mx.example.com', probed: true, tls: tlsOk }];
    expect(keys(evidence({ mxTls, ...o }))).toEqual(expected);
  });

  it('id=foo; id=bar: the record is valid, the warning names the id senders use', () => {
    const ev = evidence({
      txt: { kind: 'ok', name: '_mta-sts.example.com', records: ['v=STSv1; id=foo; id=bar'], cnameChain: [] },
    });
    const [f] = mtaStsCheck.judge(ev, target);
    expect(f?.data).toMatchObject({ recordId: 'foo' });
    expect(mtaStsCheck.findings['record-syntax-warning']?.severity).toBe('warning');
  });

  it('text/html: an error saying the domain effectively has no MTA-STS for senders that check', () => {
    const ev = evidence({
      policy: {
        fetched: true,
        url: URL_,
        result: fetched(policyText, { headers: { contentType: 'text/html' } }),
      },
    });
    const [f] = mtaStsCheck.judge(ev, target);
    const spec = mtaStsCheck.findings['policy-content-type-ignored'];
    expect(spec?.severity).toBe('error');
    expect(spec?.message).toContain('effectively has no MTA-STS');
    expect(f?.data).toMatchObject({ contentType: 'text/html' });
  });
});
