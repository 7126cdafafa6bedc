import { describe, expect, it } from 'vitest';
import {
  CERT_EXPIRY_WARNING_DAYS,
  certMatchesName,
  judgeSmtpTls,
  summarizeProbe,
} from '../../../checks/shared/smtp-tls-judge.js';
import { CHECKED_AT, cert, failedResult, goodResult, plainResult } from './probe-results.js';

const opts = { host: 'mx1.example.com', expectedName: 'mx1.example.com', checkedAt: CHECKED_AT };
const base = { host: 'mx1.example.com', port: 25, address: '192.0.2.10' };

describe('judgeSmtpTls', () => {
  it('a good STARTTLS host with a valid certificate has no issue', () => {
    expect(judgeSmtpTls(goodResult(), opts)).toEqual([]);
  });

  it('connection refused or timed out is cannot-connect (unknown), never "no TLS"', () => {
    for (const kind of ['connect-refused', 'connect-timeout'] as const) {
      const r = failedResult({ kind, detail: 'ECONNREFUSED 192.0.2.10:25', stage: 'connect' });
      expect(judgeSmtpTls(r, opts)).toEqual([
        { key: 'cannot-connect', data: { ...base, kind, detail: 'ECONNREFUSED 192.0.2.10:25' } },
      ]);
    }
  });

  it('no STARTTLS in the EHLO reply is no-starttls, with the capabilities seen', () => {
    expect(judgeSmtpTls(plainResult(), opts)).toEqual([
      { key: 'no-starttls', data: { ...base, ehlo: 'PIPELINING, SIZE 10240000, 8BITMIME' } },
    ]);
  });

  it('STARTTLS offered but refused (454) is starttls-failed', () => {
    const r = plainResult();
    r.ehlo!.capabilities.starttls = true;
    r.starttls = { offered: true, code: 454, text: '4.7.0 TLS not available', ok: false };
    expect(judgeSmtpTls(r, opts)).toEqual([
      {
        key: 'starttls-failed',
        data: { ...base, stage: 'starttls', detail: 'STARTTLS answered "454 4.7.0 TLS not available"' },
      },
    ]);
  });

  it('a failed handshake is starttls-failed with the stage', () => {
    const r = failedResult({ kind: 'tls-handshake', detail: 'wrong version number', stage: 'tls' }, true);
    expect(judgeSmtpTls(r, opts)).toEqual([
      {
        key: 'starttls-failed',
        data: { ...base, stage: 'tls', detail: 'tls-handshake: wrong version number' },
      },
    ]);
  });

  it('banner timeout is probe-incomplete (unknown); garbage is smtp-error', () => {
    const slow = failedResult(
      { kind: 'banner-timeout', detail: 'no banner in 8000 ms', stage: 'banner' },
      true,
    );
    expect(judgeSmtpTls(slow, opts)).toEqual([
      {
        key: 'probe-incomplete',
        data: { ...base, stage: 'banner', kind: 'banner-timeout', detail: 'no banner in 8000 ms' },
      },
    ]);
    const junk = failedResult(
      { kind: 'garbage', detail: 'not an SMTP reply: "HTTP/1.1 400"', stage: 'banner' },
      true,
    );
    expect(judgeSmtpTls(junk, opts)).toEqual([
      {
        key: 'smtp-error',
        data: { ...base, stage: 'banner', kind: 'garbage', detail: 'not an SMTP reply: "HTTP/1.1 400"' },
      },
    ]);
  });

  it('TLS 1.0 and 1.1 are old-protocol (RFC 8996); TLS 1.2 is fine', () => {
    for (const protocol of ['TLSv1', 'TLSv1.1']) {
      const r = goodResult();
      r.tls!.protocol = protocol;
      expect(judgeSmtpTls(r, opts)).toEqual([{ key: 'old-protocol', data: { ...base, protocol } }]);
    }
    const r = goodResult();
    r.tls!.protocol = 'TLSv1.2';
    expect(judgeSmtpTls(r, opts)).toEqual([]);
  });

  it('an expired certificate is cert-expired, and its verify error is not repeated as untrusted', () => {
    const r = goodResult({}, { notAfter: '2026-10-22T12:00:00.000Z' });
    r.tls!.authorized = false;
    r.tls!.authorizationError = 'CERT_HAS_EXPIRED';
    expect(judgeSmtpTls(r, opts)).toEqual([
      {
        key: 'cert-expired',
        data: { ...base, notAfter: '2026-10-22T12:00:00.000Z', days: 10, subject: 'CN=mx1.example.com' },
      },
    ]);
  });

  it(`a certificate expiring within ${CERT_EXPIRY_WARNING_DAYS} days is cert-expiring; 14 days is not`, () => {
    const soon = goodResult({}, { notAfter: '2026-11-08T12:00:00.000Z' });
    expect(judgeSmtpTls(soon, opts)).toEqual([
      {
        key: 'cert-expiring',
        data: { ...base, notAfter: '2026-11-08T12:00:00.000Z', days: 7, subject: 'CN=mx1.example.com' },
      },
    ]);
    expect(judgeSmtpTls(goodResult({}, { notAfter: '2026-11-15T12:00:00.000Z' }), opts)).toEqual([]);
  });

  it('a self-signed certificate that does not verify is cert-self-signed only', () => {
    const r = goodResult({}, { selfSigned: true, issuer: 'CN=mx1.example.com' });
    r.tls!.chain = r.tls!.chain.slice(0, 1);
    r.tls!.authorized = false;
    r.tls!.authorizationError = 'DEPTH_ZERO_SELF_SIGNED_CERT';
    expect(judgeSmtpTls(r, opts)).toEqual([
      { key: 'cert-self-signed', data: { ...base, subject: 'CN=mx1.example.com' } },
    ]);
  });

  it('a certificate for another name is cert-name-mismatch, listing its names', () => {
    const r = goodResult({}, { subjectAltNames: ['other.example.net', 'www.example.net'] });
    r.tls!.authorized = false;
    r.tls!.authorizationError = 'ERR_TLS_CERT_ALTNAME_INVALID';
    r.tls!.hostnameMatches = false;
    expect(judgeSmtpTls(r, opts)).toEqual([
      {
        key: 'cert-name-mismatch',
        data: { ...base, name: 'mx1.example.com', names: 'other.example.net, www.example.net' },
      },
    ]);
  });

  it('an unknown issuer is cert-untrusted with the verifier error', () => {
    const r = goodResult();
    r.tls!.authorized = false;
    r.tls!.authorizationError = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
    expect(judgeSmtpTls(r, opts)).toEqual([
      {
        key: 'cert-untrusted',
        data: { ...base, detail: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', issuer: 'CN=Test CA' },
      },
    ]);
  });

  it('without an expected name the names are not judged (and a name error is not "untrusted")', () => {
    const r = goodResult({}, { subjectAltNames: ['other.example.net'] });
    r.tls!.authorized = false;
    r.tls!.authorizationError = 'ERR_TLS_CERT_ALTNAME_INVALID';
    expect(judgeSmtpTls(r, { host: '192.0.2.10', checkedAt: CHECKED_AT })).toEqual([]);
  });

  it('EHLO failing after the handshake is starttls-failed at ehlo-tls', () => {
    const r = goodResult({ error: { kind: 'closed', detail: 'connection closed', stage: 'ehlo-tls' } });
    delete r.ehloAfterTls;
    expect(judgeSmtpTls(r, opts)).toEqual([
      { key: 'starttls-failed', data: { ...base, stage: 'ehlo-tls', detail: 'closed: connection closed' } },
    ]);
  });

  it('an error at QUIT after a full measurement is ignored', () => {
    const r = goodResult({ error: { kind: 'closed', detail: 'connection closed', stage: 'quit' } });
    expect(judgeSmtpTls(r, opts)).toEqual([]);
  });
});

describe('certMatchesName (RFC 6125 6.4)', () => {
  it.each([
    [['mx1.example.com'], 'MX1.Example.com.', true],
    [['*.example.com'], 'mx1.example.com', true],
    [['*.example.com'], 'a.mx1.example.com', false],
    [['*.example.com'], 'example.com', false],
    [['*.com'], 'example.com', false],
    [['mx2.example.com'], 'mx1.example.com', false],
  ])('%j for %s: %s', (sans, name, expected) => {
    expect(certMatchesName(cert({ subjectAltNames: sans }), name)).toBe(expected);
  });

  it('falls back to the subject CN only when there is no DNS SAN (RFC 6125 6.4.4)', () => {
    expect(
      certMatchesName(cert({ subjectAltNames: [], subject: 'O=X, CN=mx1.example.com' }), 'mx1.example.com'),
    ).toBe(true);
    expect(certMatchesName(cert({ subjectAltNames: ['other.example.com'] }), 'mx1.example.com')).toBe(false);
  });
});

describe('summarizeProbe', () => {
  it('drops the DER of the chain and keeps the rest', () => {
    const s = summarizeProbe(goodResult()) as { tls: { chain: Record<string, unknown>[] } };
    expect(s.tls.chain).toHaveLength(2);
    expect(s.tls.chain[0]).not.toHaveProperty('derBase64');
    expect(s.tls.chain[0]?.['fingerprintSha256']).toBe('ab'.repeat(32));
  });
});
