/** Literal SMTP probe results (the src/probe/smtp.ts contract) for judge tests. */
import type { CertInfo, SmtpProbeResult } from '../../../src/probe/smtp.js';

export const CHECKED_AT = '2026-11-01T12:00:00.000Z';

export function cert(over: Partial<CertInfo> = {}): CertInfo {
  return {
    subject: 'CN=mx1.example.com',
    issuer: 'CN=Test CA',
    subjectAltNames: ['mx1.example.com'],
    notBefore: '2026-09-01T00:00:00.000Z',
    notAfter: '2027-03-01T00:00:00.000Z',
    keyType: 'ec',
    keyBits: 256,
    fingerprintSha256: 'ab'.repeat(32),
    derBase64: 'MIIBdummy',
    selfSigned: false,
    ...over,
  };
}

const CAPS = {
  starttls: true,
  size: 10240000,
  pipelining: true,
  eightBitMime: true,
  smtpUtf8: false,
  requireTls: false,
  raw: ['PIPELINING', 'SIZE 10240000', 'STARTTLS', '8BITMIME'],
};

/** A host that offers STARTTLS and completes a TLS 1.3 handshake with a valid certificate. */
export function goodResult(
  over: Partial<SmtpProbeResult> = {},
  leaf: Partial<CertInfo> = {},
): SmtpProbeResult {
  return {
    host: '192.0.2.10',
    port: 25,
    address: '192.0.2.10',
    connected: true,
    banner: { code: 220, lines: ['mx1.example.com ESMTP'] },
    ehlo: { code: 250, lines: ['mx1.example.com', ...CAPS.raw], capabilities: CAPS },
    starttls: { offered: true, code: 220, text: '2.0.0 Ready to start TLS', ok: true },
    tls: {
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      chain: [cert(leaf), cert({ subject: 'CN=Test CA', subjectAltNames: [], selfSigned: true })],
      authorized: true,
      hostnameMatches: true,
    },
    ehloAfterTls: { code: 250, capabilities: { ...CAPS, starttls: false } },
    durationMs: 12,
    ...over,
  };
}

/** A host that answers EHLO without STARTTLS. */
export function plainResult(): SmtpProbeResult {
  const caps = { ...CAPS, starttls: false, raw: ['PIPELINING', 'SIZE 10240000', '8BITMIME'] };
  return {
    host: '192.0.2.10',
    port: 25,
    address: '192.0.2.10',
    connected: true,
    banner: { code: 220, lines: ['mx1.example.com ESMTP'] },
    ehlo: { code: 250, lines: ['mx1.example.com', ...caps.raw], capabilities: caps },
    starttls: { offered: false, ok: false },
    durationMs: 5,
  };
}

export function failedResult(
  error: NonNullable<SmtpProbeResult['error']>,
  connected = false,
): SmtpProbeResult {
  return { host: '192.0.2.10', port: 25, address: '192.0.2.10', connected, error, durationMs: 3 };
}
