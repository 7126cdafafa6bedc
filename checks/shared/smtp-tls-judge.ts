/**
 * Judging one SMTP probe result (src/probe/smtp.ts) for TLS: shared by the `tls` check (the
 * sending hosts) and the `mx-tls` check (the MX hosts of the audited domain). Pure: the
 * result and the time of the measurement in, issues out; each check maps the issue keys to
 * its own finding specs, because the same fact weighs differently on the two sides.
 */
import type { CertInfo, SmtpProbeResult } from '../../src/probe/smtp.js';

/** A certificate that expires within this many days is reported ahead of time. */
export const CERT_EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/**
 * Protocol versions older than TLS 1.2: deprecated by RFC 8996 (TLS 1.0 and 1.1) and
 * RFC 7568 (SSL 3.0). RFC 8996 2 and 3
 */
export const DEPRECATED_TLS_PROTOCOLS: readonly string[] = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1'];

/** node:tls / OpenSSL verification errors that other issues already explain. */
const EXPIRED_ERRORS = ['CERT_HAS_EXPIRED'];
const SELF_SIGNED_ERRORS = ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'];
const NAME_ERRORS = ['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH'];

export type TlsIssueKey =
  | 'cannot-connect'
  | 'probe-incomplete'
  | 'smtp-error'
  | 'no-starttls'
  | 'starttls-failed'
  | 'old-protocol'
  | 'cert-expired'
  | 'cert-expiring'
  | 'cert-self-signed'
  | 'cert-name-mismatch'
  | 'cert-untrusted';

export const TLS_ISSUE_KEYS: readonly TlsIssueKey[] = [
  'cannot-connect',
  'probe-incomplete',
  'smtp-error',
  'no-starttls',
  'starttls-failed',
  'old-protocol',
  'cert-expired',
  'cert-expiring',
  'cert-self-signed',
  'cert-name-mismatch',
  'cert-untrusted',
];

export interface TlsIssue {
  key: TlsIssueKey;
  /** Template data: host, port, and the facts of the issue (detail, protocol, notAfter, days, ...). */
  data: Record<string, string | number | boolean>;
}

export interface JudgeTlsOptions {
  /** Host name shown in messages (the MX name, or the sending host's address). */
  host: string;
  /** The name the certificate must be valid for (MX name or HELO name); no name check when absent. */
  expectedName?: string;
  /** When the probe ran (ISO): expiry is judged against it, so judging stays pure. */
  checkedAt: string;
}

/** Issues of one probe result, in a fixed order. */
export function judgeSmtpTls(result: SmtpProbeResult, options: JudgeTlsOptions): TlsIssue[] {
  const out: TlsIssue[] = [];
  const base = { host: options.host, port: result.port, address: result.address ?? options.host };
  const issue = (key: TlsIssueKey, data: Record<string, string | number | boolean> = {}) =>
    out.push({ key, data: { ...base, ...data } });
  const err = result.error;

  if (!result.tls) {
    if (err && (err.kind === 'connect-refused' || err.kind === 'connect-timeout' || err.kind === 'dns')) {
      issue('cannot-connect', { detail: err.detail, kind: err.kind });
      return out;
    }
    if (err && (err.stage === 'starttls' || err.stage === 'tls' || err.kind === 'tls-handshake')) {
      issue('starttls-failed', { stage: err.stage, detail: `${err.kind}: ${err.detail}` });
      return out;
    }
    if (err && err.stage !== 'quit') {
      // Timeouts and a refusal of the prober itself say nothing about the server's TLS.
      if (err.kind === 'banner-timeout' || err.kind === 'reply-timeout' || err.kind === 'rejected')
        issue('probe-incomplete', { stage: err.stage, kind: err.kind, detail: err.detail });
      else issue('smtp-error', { stage: err.stage, kind: err.kind, detail: err.detail });
      return out;
    }
    if (result.starttls?.offered && !result.starttls.ok) {
      const reply = [result.starttls.code, result.starttls.text].filter((x) => x !== undefined).join(' ');
      issue('starttls-failed', { stage: 'starttls', detail: `STARTTLS answered "${reply}"` });
      return out;
    }
    if (result.ehlo && !result.ehlo.capabilities.starttls) {
      issue('no-starttls', { ehlo: result.ehlo.capabilities.raw.join(', ') });
      return out;
    }
    // Connected, no error, yet no EHLO: nothing was measured.
    issue('probe-incomplete', { stage: 'ehlo', kind: 'none', detail: 'no EHLO reply was recorded' });
    return out;
  }

  const tls = result.tls;
  if (DEPRECATED_TLS_PROTOCOLS.includes(tls.protocol)) issue('old-protocol', { protocol: tls.protocol });

  const leaf = tls.chain[0];
  if (!leaf) {
    issue('cert-untrusted', { detail: 'the server presented no certificate' });
  } else {
    // Names are judged here against the expected name, not by what the prober asked for.
    const explained: string[] = [...NAME_ERRORS];
    const now = Date.parse(options.checkedAt);
    const notAfter = Date.parse(leaf.notAfter);
    const days = Math.floor((notAfter - now) / DAY_MS);
    if (notAfter < now) {
      const ago = Math.floor((now - notAfter) / DAY_MS);
      issue('cert-expired', { notAfter: leaf.notAfter, days: ago, subject: leaf.subject });
      explained.push(...EXPIRED_ERRORS);
    } else if (days < CERT_EXPIRY_WARNING_DAYS) {
      issue('cert-expiring', { notAfter: leaf.notAfter, days, subject: leaf.subject });
    }
    // A self-signed certificate the verifier trusts (e.g. pinned through --ca-file) is fine.
    if (leaf.selfSigned && !tls.authorized) {
      issue('cert-self-signed', { subject: leaf.subject });
      explained.push(...SELF_SIGNED_ERRORS);
    }
    if (options.expectedName !== undefined) {
      if (!certMatchesName(leaf, options.expectedName)) {
        issue('cert-name-mismatch', {
          name: options.expectedName,
          names: certNames(leaf).join(', ') || '(none)',
        });
      }
    }
    if (!tls.authorized) {
      const detail = tls.authorizationError ?? 'the chain does not verify';
      if (!explained.includes(detail)) issue('cert-untrusted', { detail, issuer: leaf.issuer });
    }
  }
  if (err && err.stage === 'ehlo-tls') {
    issue('starttls-failed', { stage: err.stage, detail: `${err.kind}: ${err.detail}` });
  }
  return out;
}

/** Names a certificate is valid for: its DNS SANs, or its subject CN when it has none (RFC 6125 6.4.4). */
export function certNames(cert: CertInfo): string[] {
  if (cert.subjectAltNames.length > 0) return cert.subjectAltNames.map((n) => n.toLowerCase());
  const cn = /(?:^|[,/\n]\s*)CN=([^,/\n]+)/.exec(cert.subject)?.[1]?.trim().toLowerCase();
  return cn ? [cn] : [];
}

/**
 * Whether a certificate is valid for a host name: exact match, or a wildcard that is the
 * whole left-most label and stands for exactly one label (RFC 6125 6.4.3).
 */
export function certMatchesName(cert: CertInfo, name: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  return certNames(cert).some((pattern) => nameMatches(pattern.replace(/\.$/, ''), host));
}

function nameMatches(pattern: string, host: string): boolean {
  if (!pattern.startsWith('*.')) return pattern === host;
  const suffix = pattern.slice(1); // ".example.com"
  if (suffix.split('.').length < 3) return false; // "*.com" would cover a whole TLD
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.');
}

/** A probe result without the DER of its chain: what each finding carries (the check's evidence keeps all). */
export function summarizeProbe(result: SmtpProbeResult): Record<string, unknown> {
  if (!result.tls) return { ...result };
  return {
    ...result,
    tls: { ...result.tls, chain: result.tls.chain.map(({ derBase64: _der, ...rest }) => rest) },
  };
}
