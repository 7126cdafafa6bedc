import { describe, expect, it } from 'vitest';
import {
  judgeMxTls,
  type MxTlsEvidence,
  type MxTlsFindingKey,
  mxHostsOf,
  mxTlsCheck,
} from '../../../checks/mx-tls/index.js';
import { summarizeProbe } from '../../../checks/shared/smtp-tls-judge.js';
import { renderTemplate } from '../../../src/check.js';
import { CHECKED_AT, failedResult, goodResult, plainResult } from '../tls/probe-results.js';

const host1 = { exchange: 'mx1.example.com', preference: 10 };
const a = (addresses: string[]) => ({ kind: addresses.length ? 'ok' : 'nodata', addresses }) as const;

function evidence(over: Partial<MxTlsEvidence>): MxTlsEvidence {
  return {
    domain: 'example.com',
    checkedAt: CHECKED_AT,
    mx: { kind: 'ok', records: [host1] },
    hosts: [],
    hostsNotProbed: [],
    ...over,
  };
}

const message = (key: MxTlsFindingKey, data: Record<string, string | number | boolean> | undefined) =>
  renderTemplate(mxTlsCheck.findings[key]!.message, data);

describe('mx-tls judge (literal evidence)', () => {
  it('declares id, appliesTo and skips without an SMTP prober', () => {
    expect(mxTlsCheck.id).toBe('mx-tls');
    expect(mxTlsCheck.appliesTo).toEqual(['domain']);
    expect(mxTlsCheck.skip?.({ domain: 'example.com', ips: [], profile: 'bulk' }, {} as never)).toBe(
      'SMTP probing is off (--no-smtp)',
    );
  });

  it('a skipped run judges nothing', () => {
    expect(judgeMxTls(evidence({ skipped: 'SMTP probing is off (--no-smtp)' }))).toEqual([]);
  });

  it('a good host: no finding; mxHostsOf lists it with its probe', () => {
    const probe = goodResult();
    const ev = evidence({ hosts: [{ ...host1, a: a(['192.0.2.10']), address: '192.0.2.10', probe }] });
    expect(judgeMxTls(ev)).toEqual([]);
    expect(mxHostsOf(ev).map((h) => [h.exchange, h.probe?.tls?.protocol])).toEqual([
      ['mx1.example.com', 'TLSv1.3'],
    ]);
  });

  it('every finding names the host and carries its probe without DER', () => {
    const probe = plainResult();
    const ev = evidence({ hosts: [{ ...host1, a: a(['192.0.2.10']), address: '192.0.2.10', probe }] });
    const [f, ...rest] = judgeMxTls(ev);
    expect(rest).toEqual([]);
    expect(f).toEqual({
      key: 'no-starttls',
      data: {
        host: 'mx1.example.com',
        port: 25,
        address: '192.0.2.10',
        ehlo: 'PIPELINING, SIZE 10240000, 8BITMIME',
      },
      evidence: {
        exchange: 'mx1.example.com',
        preference: 10,
        address: '192.0.2.10',
        probe: summarizeProbe(probe),
      },
    });
    expect(message(f!.key, f!.data)).toBe(
      'mx1.example.com:25 (192.0.2.10) does not offer STARTTLS (EHLO: PIPELINING, SIZE 10240000, 8BITMIME): ' +
        'mail to the domain travels in clear.',
    );
    expect(mxTlsCheck.findings['no-starttls']!.severity).toBe('warning');
  });

  it('expired certificate: error; expiring: warning; both name the host', () => {
    const expired = goodResult({}, { notAfter: '2026-10-01T00:00:00.000Z' });
    expired.tls!.authorized = false;
    expired.tls!.authorizationError = 'CERT_HAS_EXPIRED';
    const expiring = goodResult(
      {},
      { notAfter: '2026-11-05T00:00:00.000Z', subjectAltNames: ['mx2.example.com'] },
    );
    const ev = evidence({
      mx: { kind: 'ok', records: [host1, { exchange: 'mx2.example.com', preference: 20 }] },
      hosts: [
        { ...host1, a: a(['192.0.2.10']), address: '192.0.2.10', probe: expired },
        {
          exchange: 'mx2.example.com',
          preference: 20,
          a: a(['192.0.2.11']),
          address: '192.0.2.11',
          probe: expiring,
        },
      ],
    });
    const out = judgeMxTls(ev);
    expect(out.map((f) => [f.key, f.data?.['host']])).toEqual([
      ['cert-expired', 'mx1.example.com'],
      ['cert-expiring', 'mx2.example.com'],
    ]);
    expect(message('cert-expired', out[0]!.data)).toContain(
      'expired on 2026-10-01T00:00:00.000Z, 31 days ago',
    );
    expect(message('cert-expiring', out[1]!.data)).toContain('in 3 days');
    expect(mxTlsCheck.findings['cert-expired']!.severity).toBe('error');
    expect(mxTlsCheck.findings['cert-expiring']!.severity).toBe('warning');
  });

  it('could not connect: unknown, with the "port 25 may be blocked" wording', () => {
    const probe = failedResult({ kind: 'connect-timeout', detail: 'no answer in 5000 ms', stage: 'connect' });
    const out = judgeMxTls(
      evidence({ hosts: [{ ...host1, a: a(['192.0.2.10']), address: '192.0.2.10', probe }] }),
    );
    expect(out.map((f) => f.key)).toEqual(['cannot-connect']);
    expect(mxTlsCheck.findings['cannot-connect']!.severity).toBe('unknown');
    expect(message('cannot-connect', out[0]!.data)).toBe(
      'Could not connect to mx1.example.com:25 (192.0.2.10): no answer in 5000 ms. Port 25 may be blocked ' +
        'from here; its TLS is unknown.',
    );
  });

  it('a probe that never returned is probe-incomplete (unknown)', () => {
    const out = judgeMxTls(
      evidence({
        hosts: [
          { ...host1, a: a(['192.0.2.10']), address: '192.0.2.10', probeError: 'the probe ran out of time' },
        ],
      }),
    );
    expect(out).toEqual([
      {
        key: 'probe-incomplete',
        data: {
          host: 'mx1.example.com',
          port: 'smtp',
          address: '192.0.2.10',
          stage: 'start',
          detail: 'the probe ran out of time',
        },
        evidence: { exchange: 'mx1.example.com', preference: 10, address: '192.0.2.10' },
      },
    ]);
  });

  it('null MX and no MX: one info, nothing probed', () => {
    const nullMx = judgeMxTls(evidence({ mx: { kind: 'ok', records: [{ exchange: '', preference: 0 }] } }));
    expect(nullMx.map((f) => [f.key, f.data?.['what']])).toEqual([['no-mx', 'a null MX (RFC 7505)']]);
    const none = judgeMxTls(evidence({ mx: { kind: 'nodata', records: [] } }));
    expect(none.map((f) => [f.key, f.data?.['what']])).toEqual([['no-mx', 'no MX record']]);
    expect(mxTlsCheck.findings['no-mx']!.severity).toBe('info');
  });

  it('MX lookup failure is dns-error (unknown), not "no MX"', () => {
    const out = judgeMxTls(evidence({ mx: { kind: 'error', error: 'servfail', records: [] } }));
    expect(out).toEqual([
      {
        key: 'dns-error',
        data: { domain: 'example.com', error: 'servfail' },
        evidence: { mx: { kind: 'error', error: 'servfail', records: [] } },
      },
    ]);
  });

  it('a host without address is host-not-probed (info); more hosts than the bound: too-many-mx', () => {
    const out = judgeMxTls(
      evidence({
        hosts: [{ ...host1, a: a([]), aaaa: { kind: 'nxdomain', addresses: [] } }],
        hostsNotProbed: [{ exchange: 'mx11.example.com', preference: 110 }],
      }),
    );
    expect(out.map((f) => [f.key, f.data])).toEqual([
      ['host-not-probed', { host: 'mx1.example.com', answer: 'nodata/nxdomain' }],
      ['too-many-mx', { domain: 'example.com', count: 2, probed: 1 }],
    ]);
  });

  it('every declared finding has a message and a fix, and unknown-severity ones are the "could not measure" ones', () => {
    const unknown = Object.entries(mxTlsCheck.findings)
      .filter(([, s]) => s.severity === 'unknown')
      .map(([k]) => k);
    expect(unknown.sort()).toEqual(['cannot-connect', 'dns-error', 'probe-incomplete']);
  });
});
